using Azure.Data.Tables;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using static MedInsure.Functions.Tests.Articles.ArticleCorpus;

namespace MedInsure.Functions.Tests.Articles;

public sealed class ArticlesApiTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListWithoutFiltersReturnsEveryArticleNewestFirstWithCoveringFields()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var response = await client.GetAsync("/api/articles", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(Expected(stored), items.Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(9, items.Count);
        Assert.Equal(JsonValueKind.Null, page.GetProperty("continuation").ValueKind);
        Assert.Equal("成都异地就医备案怎么办理", items[0].GetProperty("title").GetString());
        Assert.Equal("2026-11-05", items[0].GetProperty("date").GetString());

        var main = items.Single(i => i.GetProperty("title").GetString() == MainTitle);
        var article = stored.ByTitle(MainTitle);
        Assert.Equal(article.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), main.GetProperty("date").GetString());
        Assert.StartsWith("按基数8400元计算", main.GetProperty("summary").GetString());
        Assert.True(main.GetProperty("summary").GetString()!.Length <= 120);
        Assert.Equal(article.Tags.Topic, main.GetProperty("topic").GetString());
        Assert.Equal(article.Tags.TopicScore, main.GetProperty("topicScore").GetDouble());
        Assert.Equal(Pingxiang, main.GetProperty("region").GetProperty("code").GetString());
        Assert.Equal(article.Tags.RegionName, main.GetProperty("region").GetProperty("name").GetString());
        // How many dumps carried it is on the detail only: list items change only when their listed content does.
        Assert.False(main.TryGetProperty("sources", out _));
        // Chinese is written as-is, not \u-escaped.
        Assert.Contains("萍乡", await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task RegionFilterRollsUpCountiesIntoCitiesAndCitiesIntoProvinces()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();
        Assert.Equal(Pingxiang, stored.ByTitle("萍乡社保卡怎么激活").Tags.RegionCode);
        Assert.Equal(Jiangxi, stored.ByTitle("江西灵活就业养老保险怎么交").Tags.RegionCode);
        Assert.Equal(Xiangdong, stored.ByTitle("萍乡市湘东区医保报销怎么办理").Tags.RegionCode);
        Assert.Equal(Haidian, stored.ByTitle("北京海淀区社保卡补办流程").Tags.RegionCode);

        var province = await IdsAsync(client, $"region={Jiangxi}");
        var city = await IdsAsync(client, $"region={Pingxiang}");
        var county = await IdsAsync(client, $"region={Xiangdong}");
        var municipality = await IdsAsync(client, $"region={Beijing}");
        var nationwide = await IdsAsync(client, "region=000000");

        Assert.Equal(Expected(stored, region: Jiangxi), province);
        Assert.Equal(4, province.Count);
        Assert.Equal(Expected(stored, region: Pingxiang), city);
        Assert.Equal(3, city.Count);
        Assert.Equal([stored.ByTitle("萍乡市湘东区医保报销怎么办理").Id], county);
        Assert.Equal(Expected(stored, region: Beijing), municipality);
        Assert.Contains(stored.ByTitle("北京海淀区社保卡补办流程").Id, municipality);
        Assert.Equal(Expected(stored, region: "000000"), nationwide);
        Assert.Contains(stored.ByTitle("职工医保和居民医保有什么区别").Id, nationwide);
        Assert.DoesNotContain(stored.ByTitle("萍乡社保卡怎么激活").Id, nationwide);
    }

    [Fact]
    public async Task DateRangeIsInclusiveAtBothEndsAndLeavesUndatedArticlesOut()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var inside = await IdsAsync(client, "from=2026-10-05&to=2026-10-15");
        var fromOnly = await IdsAsync(client, "from=2026-10-31");
        var toOnly = await IdsAsync(client, "to=2026-10-01");
        var oneDay = await IdsAsync(client, $"from=2026-10-10&to=2026-10-10&region={Beijing}");

        Assert.Equal(["北京职工医保住院报销比例是多少", "北京海淀区社保卡补办流程", "江西灵活就业养老保险怎么交"], inside.Select(id => stored.Single(a => a.Id == id).Title));
        Assert.Equal(Expected(stored, from: new DateOnly(2026, 10, 31)), fromOnly);
        Assert.Equal(3, fromOnly.Count);
        Assert.Equal(["萍乡社保卡怎么激活", "养老金计发基数怎么算"], toOnly.Select(id => stored.Single(a => a.Id == id).Title));
        Assert.Equal([stored.ByTitle("北京海淀区社保卡补办流程").Id], oneDay);
    }

    [Fact]
    public async Task KeywordMatchesAnySubstringOfTheTitleNotJustOneOfItsBigrams()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var middle = await IdsAsync(client, "q=" + Uri.EscapeDataString("卡补"));
        var longer = await IdsAsync(client, "q=" + Uri.EscapeDataString("社保卡怎么"));
        var spaced = await IdsAsync(client, "q=" + Uri.EscapeDataString(" 异地 就医！"));
        var shared = await IdsAsync(client, "q=" + Uri.EscapeDataString("社保"));
        var none = await IdsAsync(client, "q=" + Uri.EscapeDataString("保卡激补"));

        Assert.Equal([stored.ByTitle("北京海淀区社保卡补办流程").Id], middle);
        Assert.Equal([stored.ByTitle("萍乡社保卡怎么激活").Id], longer);
        Assert.Equal([stored.ByTitle("成都异地就医备案怎么办理").Id], spaced);
        Assert.Equal(Expected(stored, q: "社保"), shared);
        Assert.Equal(3, shared.Count);
        Assert.Empty(none);
    }

    [Fact]
    public async Task EveryFilterAloneAndCombinedMatchesTheStoredArticles()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();
        var topic = stored.ByTitle("萍乡社保卡怎么激活").Tags.Topic;
        var other = stored.ByTitle("成都异地就医备案怎么办理").Tags.Topic;
        var oct5 = new DateOnly(2026, 10, 5);
        var oct31 = new DateOnly(2026, 10, 31);

        Assert.Equal(Expected(stored, topics: [topic]), await IdsAsync(client, $"topic={topic}"));
        Assert.Equal(Expected(stored, topics: [topic, other]), await IdsAsync(client, $"topic={topic},{other}"));
        Assert.Equal(Expected(stored, topics: [topic, other]), await IdsAsync(client, $"topic={topic}&topic={other}"));
        Assert.Equal(Expected(stored, topics: [topic], region: Pingxiang), await IdsAsync(client, $"topic={topic}&region={Pingxiang}"));
        Assert.Equal(Expected(stored, topics: [topic, other], region: "000000"), await IdsAsync(client, $"topic={topic},{other}&region=000000"));
        Assert.Equal(Expected(stored, region: Jiangxi, from: oct5, to: oct31), await IdsAsync(client, $"region={Jiangxi}&from=2026-10-05&to=2026-10-31"));
        Assert.Equal(Expected(stored, topics: [topic], from: oct5), await IdsAsync(client, $"topic={topic}&from=2026-10-05"));
        Assert.Equal(Expected(stored, q: "社保", region: Beijing), await IdsAsync(client, $"q=社保&region={Beijing}"));
        Assert.Equal(Expected(stored, q: "医保", topics: [other], to: oct31), await IdsAsync(client, $"q=医保&topic={other}&to=2026-10-31"));
        Assert.Equal(Expected(stored, flags: [ArticleIndex.LowConfidence]), await IdsAsync(client, "flag=low-confidence"));
        Assert.Equal(Expected(stored, flags: [ArticleIndex.LowConfidence], region: Jiangxi), await IdsAsync(client, $"flag=low-confidence&region={Jiangxi}"));
        Assert.Equal(Expected(stored, topics: [topic], region: Pingxiang, from: oct5), await IdsAsync(client, $"topic={topic}&region={Pingxiang}&from=2026-10-05"));
        Assert.NotEmpty(Expected(stored, topics: [topic], region: Pingxiang));
    }

    [Fact]
    public async Task FlagFilterFindsFlaggedArticlesAndCombinesWithOtherFilters()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var store = app.Services.GetRequiredService<ArticleStore>();
        var flagged = stored.ByTitle("萍乡社保卡怎么激活");
        // Fact-check flags are not produced by ingestion yet: set them through the store, as re-tagging would, so the observer sees the change.
        await store.RetagAsync(flagged.Id, a => a with { Flags = [new ArticleFlag("arithmetic-mismatch", "8400×8%=672 stated as 762")] }, Cancel);
        var unsure = stored.ByTitle("北京海淀区社保卡补办流程");
        await store.RetagAsync(unsure.Id, a => a with { Tags = a.Tags with { TopicLowConfidence = true } }, Cancel);
        var client = app.CreateKeyedClient();

        var byFlag = await IdsAsync(client, "flag=arithmetic-mismatch");
        var lowConfidence = await IdsAsync(client, "flag=low-confidence");
        var combined = await IdsAsync(client, $"flag=arithmetic-mismatch&region={Jiangxi}&to=2026-10-01");
        var elsewhere = await IdsAsync(client, $"flag=arithmetic-mismatch&region={Beijing}");
        var either = await IdsAsync(client, "flag=arithmetic-mismatch,low-confidence");
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{flagged.Id}", Cancel);

        Assert.Equal([flagged.Id], byFlag);
        Assert.Equal([flagged.Id], combined);
        Assert.Empty(elsewhere);
        Assert.Equal([unsure.Id], lowConfidence);
        Assert.Equal([unsure.Id, flagged.Id], either);
        var flag = detail.GetProperty("flags").EnumerateArray().First();
        Assert.Equal("arithmetic-mismatch", flag.GetProperty("code").GetString());
        Assert.Equal("8400×8%=672 stated as 762", flag.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task PagingVisitsEveryArticleOnceWithNoGapsOrDuplicates()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        // Several articles on one date exercise the (date, id) tie-break across page boundaries.
        await SeedAsync(app, "same-day.txt", TestDumps.Page("北京社保卡和医保卡是一张卡吗", "是同一张卡，既能看病也能领待遇。",
            new TestDumps.Related("北京社保卡丢了怎么挂失", "拨打服务热线或在网点挂失。", "2026-10-10"),
            new TestDumps.Related("北京社保卡密码忘了怎么办", "携带身份证到网点重置密码。", "2026-10-10"),
            new TestDumps.Related("北京社保卡可以在外地用吗", "备案后可在外地定点机构使用。", "2026-10-10")));
        stored = await StoredAsync(app);
        var client = app.CreateKeyedClient();
        var topics = stored.Select(a => a.Tags.Topic).Distinct().Take(3).ToArray();

        var (all, allPages) = await WalkAsync(client, "limit=2");
        var (multi, _) = await WalkAsync(client, $"limit=1&topic={string.Join(',', topics)}");
        var (dated, _) = await WalkAsync(client, $"limit=2&region={Beijing}&from=2026-10-10&to=2026-10-15");
        var (keyword, _) = await WalkAsync(client, "limit=1&q=社保卡");

        Assert.Equal(13, all.Count);
        Assert.Equal(Expected(stored), all);
        Assert.Equal(7, allPages);
        Assert.Equal(Expected(stored, topics: topics), multi);
        Assert.Equal(Expected(stored, region: Beijing, from: new DateOnly(2026, 10, 10), to: new DateOnly(2026, 10, 15)), dated);
        Assert.Equal(6, dated.Count);
        Assert.Equal(Expected(stored, q: "社保卡"), keyword);
    }

    [Fact]
    public async Task InvalidParametersAreProblemDetailsNamingTheParameterAndAllowedValues()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await SeedAsync(app);
        var client = app.CreateKeyedClient();
        var first = await client.GetFromJsonAsync<JsonElement>("/api/articles?limit=1", Cancel);
        var token = first.GetProperty("continuation").GetString()!;
        var tampered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        (string Query, string Parameter, string Detail)[] cases =
        [
            ("topic=pension,nope", "topic", "topic: unknown topic 'nope'; allowed: card, contribution, pension"),
            ("region=999999", "region", "region: '999999' is not a current GB/T 2260 division code; allowed:"),
            ("region=36", "region", "region: '36' is not a current GB/T 2260 division code"),
            ("from=2026-13-01", "from", "from: '2026-13-01' is not a date; allowed: yyyy-MM-dd"),
            ("to=20261001", "to", "to: '20261001' is not a date; allowed: yyyy-MM-dd"),
            ("from=2026-11-01&to=2026-10-01", "from", "from: 2026-11-01 is after to (2026-10-01)"),
            ("limit=0", "limit", "limit: must be between 1 and 100"),
            ("limit=101", "limit", "limit: must be between 1 and 100"),
            ("q=" + new string('保', 51), "q", "q: is 51 characters long; allowed: at most 50"),
            ("q=" + Uri.EscapeDataString("保！"), "q", "q: needs at least 2 letters or characters"),
            ("flag=bogus", "flag", "flag: unknown flag 'bogus'; allowed: arithmetic-mismatch, sum-mismatch, title-body-mismatch, low-confidence"),
            ("continuation=" + Uri.EscapeDataString(tampered), "continuation", "continuation: is not a token this API issued"),
            ("continuation=not-a-token", "continuation", "continuation: is not a token this API issued"),
            ("topic=card&continuation=" + Uri.EscapeDataString(token), "continuation", "continuation: is not a token this API issued for these filters"),
        ];

        foreach (var (query, parameter, detail) in cases)
        {
            var response = await client.GetAsync($"/api/articles?{query}", Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal("Invalid request parameter", problem.GetProperty("title").GetString());
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.Equal(parameter, problem.GetProperty("parameter").GetString());
            Assert.StartsWith(detail, problem.GetProperty("detail").GetString());
        }

        var topicProblem = await (await client.GetAsync("/api/articles?topic=nope", Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(MedInsure.Tagging.Topics.All.Select(t => t.Code), topicProblem.GetProperty("allowed").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task GetByIdReturnsTheFullArticleWithSourcesTagsAndTimes()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var article = stored.ByTitle(MainTitle);
        var client = app.CreateKeyedClient();

        var response = await client.GetAsync($"/api/articles/{article.Id}", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(article.Id, body.GetProperty("id").GetString());
        Assert.Equal(article.Body, body.GetProperty("text").GetString());
        Assert.True(body.GetProperty("isFullText").GetBoolean());
        var tags = body.GetProperty("tags");
        Assert.Equal(article.Tags.Topic, tags.GetProperty("topic").GetString());
        Assert.Equal(article.Tags.ModelVersion, tags.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(tags.GetProperty("modelVersion").GetString()));
        Assert.Equal(Pingxiang, tags.GetProperty("region").GetProperty("code").GetString());
        Assert.Equal(Jiangxi, tags.GetProperty("region").GetProperty("provinceCode").GetString());
        var source = Assert.Single(body.GetProperty("sources").EnumerateArray());
        Assert.Equal("corpus.txt", source.GetProperty("dump").GetString());
        Assert.Equal(0, source.GetProperty("position").GetInt32());
        Assert.Equal(article.FirstSeenAt, body.GetProperty("firstSeenAt").GetDateTimeOffset());
        Assert.Equal(article.UpdatedAt, body.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Equal(article.Tags.TopicLowConfidence, body.GetProperty("flags").EnumerateArray().Any(f => f.GetProperty("code").GetString() == "low-confidence"));
    }

    [Theory]
    [InlineData("0123456789abcdef")]
    [InlineData("not-an-id")]
    [InlineData("0123456789ABCDEF")]
    public async Task UnknownOrMalformedIdIsNotFoundProblem(string id)
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var client = app.CreateKeyedClient();

        var response = await client.GetAsync($"/api/articles/{id}", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
        Assert.StartsWith("No article with", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ResponsesCarryAnETagAndAnswer304WhileNothingChanged()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var first = await client.GetAsync($"/api/articles?region={Jiangxi}", Cancel);
        var etag = first.Headers.ETag;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/articles?region={Jiangxi}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", etag!.ToString());
        var notModified = await client.SendAsync(conditional, Cancel);
        await SeedAsync(app, "more.txt", TestDumps.Page("江西南昌医保卡怎么办理", "到银行网点办理，带身份证。"));
        using var after = new HttpRequestMessage(HttpMethod.Get, $"/api/articles?region={Jiangxi}");
        after.Headers.TryAddWithoutValidation("If-None-Match", etag.ToString());
        var changed = await client.SendAsync(after, Cancel);
        using var detail = new HttpRequestMessage(HttpMethod.Get, $"/api/articles/{stored[0].Id}");
        var detailResponse = await client.SendAsync(detail, Cancel);
        using var detailAgain = new HttpRequestMessage(HttpMethod.Get, $"/api/articles/{stored[0].Id}");
        detailAgain.Headers.TryAddWithoutValidation("If-None-Match", detailResponse.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(etag, notModified.Headers.ETag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("江西南昌医保卡怎么办理", await changed.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(detailAgain, Cancel)).StatusCode);
    }

    [Fact]
    public async Task ArticleRepeatedByAnotherDumpKeepsItsIndexRowsAndListPagesUnchanged()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        const string title = "萍乡城乡居民医保怎么交";
        var related = new TestDumps.Related(title, "可以在赣服通上缴纳。", "2026-10-12");
        await SeedAsync(app, "first.txt", TestDumps.Page("萍乡医保缴费标准是多少", "居民医保每年缴费380元。", related));
        var id = (await StoredAsync(app)).ByTitle(title).Id;
        var rowsBefore = await IndexRowsOfAsync(app, id);
        var client = app.CreateKeyedClient();
        var page = await client.GetAsync($"/api/articles?region={Pingxiang}", Cancel);

        await SeedAsync(app, "second.txt", TestDumps.Page("北京医保断缴了怎么办", "三个月内补缴不影响待遇。", related));
        var rowsAfter = await IndexRowsOfAsync(app, id);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/articles?region={Pingxiang}");
        conditional.Headers.TryAddWithoutValidation("If-None-Match", page.Headers.ETag!.ToString());
        var again = await client.SendAsync(conditional, Cancel);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}", Cancel);

        Assert.Equal(2, detail.GetProperty("sources").GetArrayLength());
        Assert.NotEmpty(rowsBefore);
        Assert.Equal(rowsBefore.Select(r => (r.RowKey, r.ETag)), rowsAfter.Select(r => (r.RowKey, r.ETag)));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    private static async Task<List<TableEntity>> IndexRowsOfAsync(MedInsureApplication app, string id)
    {
        var rows = new List<TableEntity>();
        for (var shard = 0; shard < ArticleIndex.Shards; shard++)
        {
            await foreach (var row in app.Storage.IndexShard(shard).QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Id eq {id}"), cancellationToken: Cancel))
            {
                rows.Add(row);
            }
        }

        return [.. rows.OrderBy(r => r.RowKey, StringComparer.Ordinal)];
    }

    [Fact]
    public async Task MergedArticleMovesInTheIndexAndLeavesNoStaleRows()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        const string title = "萍乡灵活就业医保怎么交";
        await SeedAsync(app, "late.txt", TestDumps.Page("萍乡医保缴费标准是多少", "居民医保每年缴费380元。", new TestDumps.Related(title, "可以在手机上缴纳。", "2026-10-20")));
        var before = (await StoredAsync(app)).ByTitle(title);
        await SeedAsync(app, "early.txt", TestDumps.Page("萍乡医保断缴了怎么办", "三个月内补缴不影响待遇。", new TestDumps.Related(title, "可以在手机上缴纳。", "2026-10-02")));
        var stored = await StoredAsync(app);
        var after = stored.ByTitle(title);
        var client = app.CreateKeyedClient();

        var late = await IdsAsync(client, "from=2026-10-15");
        var early = await IdsAsync(client, "from=2026-10-01&to=2026-10-05");
        var (all, _) = await WalkAsync(client, "limit=1");
        var rows = new List<TableEntity>();
        for (var shard = 0; shard < ArticleIndex.Shards; shard++)
        {
            await foreach (var row in app.Storage.IndexShard(shard).QueryAsync<TableEntity>(cancellationToken: Cancel))
            {
                Assert.Equal(ArticleIndex.PartitionOf(shard), row.PartitionKey);
                rows.Add(row);
            }
        }

        Assert.Equal(new DateOnly(2026, 10, 20), before.Date);
        Assert.Equal(new DateOnly(2026, 10, 2), after.Date);
        Assert.Equal(2, (await app.SightingsAsync(title)).Count);
        Assert.DoesNotContain(after.Id, late);
        Assert.Contains(after.Id, early);
        Assert.Equal(Expected(stored, from: new DateOnly(2026, 10, 1), to: new DateOnly(2026, 10, 5)), early);
        Assert.Equal(Expected(stored), all);
        var mine = rows.Where(r => r.GetString("Id") == after.Id).ToList();
        Assert.Equal(ArticleIndex.RowsFor(after).Select(r => r.RowKey).Order(), mine.Select(r => r.RowKey).Order());
        Assert.All(mine, r => Assert.Contains("|" + ArticleIndex.InvertedDate(after.Date) + "|", r.RowKey));
        Assert.All(mine, r => Assert.Equal("2026-10-02", r.GetString("Date")));
        Assert.Equal(stored.Sum(a => ArticleIndex.RowsFor(a).Count), rows.Count);
    }
}
