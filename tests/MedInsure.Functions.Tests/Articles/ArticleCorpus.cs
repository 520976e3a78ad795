using MedInsure.Articles.Queries;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.Tests.Articles;

/// <summary>
/// A small corpus ingested through the real pipeline (parser, topic model, region tagger), and an in-memory reference
/// of what each query should return, computed from the stored articles: tests assert on the tags the model actually
/// gave rather than on what we hope it gives.
/// </summary>
internal static class ArticleCorpus
{
    public const string Pingxiang = "360300";
    public const string Jiangxi = "360000";
    public const string Xiangdong = "360313";
    public const string Beijing = "110000";
    public const string Haidian = "110108";

    public static readonly string MainTitle = "江西萍乡社保基数8400个人扣多少";

    public static string Dump() => TestDumps.Page(
        MainTitle,
        "按基数8400元计算，养老保险个人缴纳8%，即672元；医疗保险个人缴纳2%，即168元。\n失业保险个人部分按当地比例执行。",
        new TestDumps.Related("萍乡社保卡怎么激活", "新卡需要先到银行网点激活金融功能，再激活社保功能。", "2026-10-01"),
        new TestDumps.Related("江西灵活就业养老保险怎么交", "灵活就业人员可以在税务平台按档次缴纳养老保险。", "2026-10-05"),
        new TestDumps.Related("北京海淀区社保卡补办流程", "携带身份证到社保卡服务网点办理补卡。", "2026-10-10"),
        new TestDumps.Related("北京职工医保住院报销比例是多少", "在职职工三级医院住院报销比例为85%。", "2026-10-15"),
        new TestDumps.Related("职工医保和居民医保有什么区别", "职工医保由单位和个人共同缴纳，居民医保按年缴纳。", "2026-10-20"),
        new TestDumps.Related("萍乡市湘东区医保报销怎么办理", "出院时在定点医院直接结算，个人只付自付部分。", "2026-10-31"),
        new TestDumps.Related("成都异地就医备案怎么办理", "可以通过国家医保服务平台办理备案，备案后直接结算。", "2026-11-05"),
        new TestDumps.Related("养老金计发基数怎么算", "计发基数由各省每年公布，一般为上年度平均工资。", "2026-09-30"));

    public static async Task<List<StoredArticle>> SeedAsync(MedInsureApplication app, string name = "corpus.txt", string? content = null)
    {
        await app.UploadAsync(name, content ?? Dump());
        await app.TriggerAsync();
        return await StoredAsync(app);
    }

    public static async Task<List<StoredArticle>> StoredAsync(MedInsureApplication app) =>
        (await app.AllArticlesAsync()).Select(e => ArticleEntityMapper.FromEntity(e)).ToList();

    /// <summary>What GET /api/articles must return, in order: newest first, undated last, then by id.</summary>
    public static List<string> Expected(
        IEnumerable<StoredArticle> articles,
        string[]? topics = null,
        string? region = null,
        DateOnly? from = null,
        DateOnly? to = null,
        string? q = null,
        string[]? flags = null) => articles
            .Where(a => topics is null || topics.Contains(a.Tags.Topic))
            .Where(a => region is null || ArticleIndex.RegionCodes(a.Tags).Contains(region))
            .Where(a => from is null || (a.Date is { } d && d >= from))
            .Where(a => to is null || (a.Date is { } d && d <= to))
            .Where(a => q is null || ArticleIndex.NormalizeText(a.Title).Contains(ArticleIndex.NormalizeText(q), StringComparison.Ordinal))
            .Where(a => flags is null || ArticleIndex.Flags(a).Intersect(flags).Any())
            .OrderBy(a => ArticleIndex.InvertedDate(a.Date), StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => a.Id)
            .ToList();

    public static StoredArticle ByTitle(this IEnumerable<StoredArticle> articles, string title) => articles.Single(a => a.Title == title);

    /// <summary>Follows continuation tokens to the end, returning every item id in order and the number of pages.</summary>
    public static async Task<(List<string> Ids, int Pages)> WalkAsync(HttpClient client, string query)
    {
        var ids = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var url = $"/api/articles?{query}" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 1000);

        return (ids, pages);
    }

    public static async Task<List<string>> IdsAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/articles?{query}", TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
    }
}
