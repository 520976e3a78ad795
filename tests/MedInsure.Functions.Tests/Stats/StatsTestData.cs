using Azure.Data.Tables;

namespace MedInsure.Functions.Tests.Stats;

/// <summary>Expected counts computed from the articles table (the tags the real models gave), and the API's rows keyed the same way.</summary>
internal static class StatsTestData
{
    public static string Province(TableEntity a) => a.GetString("ProvinceCode") ?? a.GetString("RegionCode");

    public static string Month(TableEntity a) => a.GetString("Date") is { } d ? d[..7] : "none";

    public static bool IsFlagged(TableEntity a) => (a.GetString("Flags") ?? "[]") != "[]";

    public static SortedDictionary<string, (long Articles, long Flagged)> Expected(IEnumerable<TableEntity> articles, Func<TableEntity, string> key) =>
        new(articles.GroupBy(key).ToDictionary(g => g.Key, g => ((long)g.Count(), (long)g.Count(IsFlagged))), StringComparer.Ordinal);

    public static SortedDictionary<string, (long Articles, long Flagged)> Actual(JsonElement result, Func<JsonElement, string> key) =>
        new(result.GetProperty("rows").EnumerateArray().ToDictionary(key, r => (r.GetProperty("articles").GetInt64(), r.GetProperty("flagged").GetInt64())), StringComparer.Ordinal);

    public static string S(this JsonElement row, string name) => row.GetProperty(name).GetString()!;

    /// <summary>Dumps whose related items carry different dates, so months, days and regions all vary.</summary>
    public static string Dated(string key) => TestDumps.Page(
        $"江西萍乡社保缴费基数是多少（{key}）",
        $"萍乡市职工社保缴费基数下限按全省平均工资的60%确定。编号{key}。\n个人缴纳养老保险8%，医疗保险2%。",
        new TestDumps.Related($"杭州家庭共济怎么绑定（{key}）", $"在浙里办绑定配偶和子女。编号{key}。", "2026-09-03"),
        new TestDumps.Related($"深圳医保报销比例是多少（{key}）", $"深圳一档医保住院报销比例较高。编号{key}。", "2026-10-29"),
        new TestDumps.Related($"兰州养老金怎么计算（{key}）", $"兰州养老金由基础养老金和个人账户养老金组成。编号{key}。", "2026-11-02"));

    public static async Task<JsonElement> GetStatsAsync(this MedInsureApplication app, string query)
    {
        var response = await app.CreateKeyedClient().GetAsync("/api/stats?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> RecountAsync(this MedInsureApplication app)
    {
        var status = await app.RunOperationAsync("recount");
        Assert.Equal("succeeded", status.GetProperty("status").GetString());
        return status.GetProperty("result");
    }

    /// <summary>Every grain agrees with the articles table: day cells (county), month cells (county) and province-month cells.</summary>
    public static async Task AssertStatsMatchArticlesAsync(MedInsureApplication app)
    {
        var articles = await app.AllArticlesAsync();
        Assert.NotEmpty(articles);

        var byProvinceMonth = await app.GetStatsAsync("by=topic,region,month&level=province");
        Assert.Equal(
            Expected(articles, a => $"{a.GetString("Topic")}|{Province(a)}|{Month(a)}"),
            Actual(byProvinceMonth, r => $"{r.S("topic")}|{r.S("region")}|{r.S("period")}"));
        Assert.Equal(articles.Count, byProvinceMonth.GetProperty("totals").GetProperty("articles").GetInt64());

        var byFinestDay = await app.GetStatsAsync("by=topic,region,day&level=county");
        Assert.Equal(
            Expected(articles, a => $"{a.GetString("Topic")}|{a.GetString("RegionCode")}|{a.GetString("Date") ?? "none"}"),
            Actual(byFinestDay, r => $"{r.S("topic")}|{r.S("region")}|{r.S("period")}"));

        var byCountyMonth = await app.GetStatsAsync("by=region,month&level=county");
        Assert.Equal(
            Expected(articles, a => $"{a.GetString("RegionCode")}|{Month(a)}"),
            Actual(byCountyMonth, r => $"{r.S("region")}|{r.S("period")}"));
    }
}
