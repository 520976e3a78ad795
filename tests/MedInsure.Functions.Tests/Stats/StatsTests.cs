using System.Text;
using Azure.Data.Tables;
using MedInsure.Cli;
using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using static MedInsure.Functions.Tests.Stats.StatsTestData;

namespace MedInsure.Functions.Tests.Stats;

public sealed class StatsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IngestedDumpsAreCountedByTopicRegionAndPeriodInEveryGrain()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("G1"));
        await app.UploadAsync("b.txt", TestDumps.Simple("G2"));
        await app.TriggerAsync();

        await AssertStatsMatchArticlesAsync(app);
        var articles = await app.AllArticlesAsync();
        var byTopic = await app.GetStatsAsync("by=topic");
        Assert.Equal(Expected(articles, a => a.GetString("Topic")), Actual(byTopic, r => r.S("topic")));
        var first = byTopic.GetProperty("rows")[0];
        Assert.Equal(MedInsure.Tagging.Topics.Find(first.S("topic"))!.Name, first.S("topicName"));
        Assert.False(first.TryGetProperty("region", out _));
        Assert.Equal(["topic"], byTopic.GetProperty("by").EnumerateArray().Select(b => b.GetString()).ToArray());
    }

    [Fact]
    public async Task ReingestingTheSameDumpsLeavesTheCountsUnchanged()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("R1"));
        await app.TriggerAsync();
        var before = (await app.GetStatsAsync("by=topic,region,day&level=county")).GetProperty("rows").GetRawText();

        await app.UploadAsync("a.txt", Dated("R1") + "\n");
        await app.TriggerAsync();
        await app.UploadAsync("copy-of-a.txt", Dated("R1"));
        await app.TriggerAsync();

        var after = await app.GetStatsAsync("by=topic,region,day&level=county");
        Assert.Equal(before, after.GetProperty("rows").GetRawText());
        Assert.Equal(4, after.GetProperty("totals").GetProperty("articles").GetInt64());
        await AssertStatsMatchArticlesAsync(app);
        Assert.Equal(0, (await app.RecountAsync()).GetProperty("driftCells").GetInt32());
    }

    [Fact]
    public async Task ArticleSharedByTwoDumpsIsCountedOnce()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("first.txt", TestDumps.SharedPair.First);
        await app.UploadAsync("second.txt", TestDumps.SharedPair.Second);
        await app.TriggerAsync();

        var totals = (await app.GetStatsAsync("")).GetProperty("totals");
        Assert.Equal(3, totals.GetProperty("articles").GetInt64());
        await AssertStatsMatchArticlesAsync(app);
    }

    [Fact]
    public async Task RetaggingAnArticleMovesItsCountToTheNewTopicAndFlag()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("T1"));
        await app.TriggerAsync();
        var article = (await app.AllArticlesAsync()).First(a => a.GetString("Title")!.StartsWith("深圳医保报销", StringComparison.Ordinal));
        var oldTopic = article.GetString("Topic");
        var newTopic = oldTopic == "other" ? "hospital" : "other";
        var before = Actual(await app.GetStatsAsync("by=topic"), r => r.S("topic"));

        var store = app.Services.GetRequiredService<ArticleStore>();
        Assert.True(await store.RetagAsync(article.RowKey, a => a with
        {
            Tags = a.Tags with { Topic = newTopic },
            Flags = [new ArticleFlag("arithmetic-mismatch", "8400 × 8% ≠ 670")],
        }, CancellationToken.None));

        var after = Actual(await app.GetStatsAsync("by=topic"), r => r.S("topic"));
        Assert.Equal(before[oldTopic].Articles - 1, after.GetValueOrDefault(oldTopic).Articles);
        Assert.Equal(before.GetValueOrDefault(newTopic).Articles + 1, after[newTopic].Articles);
        Assert.Equal(1, after[newTopic].Flagged);
        await AssertStatsMatchArticlesAsync(app);

        var flagged = await app.GetStatsAsync("by=topic&flag=arithmetic-mismatch");
        var row = Assert.Single(flagged.GetProperty("rows").EnumerateArray());
        Assert.Equal(newTopic, row.S("topic"));
        Assert.Equal(1, row.GetProperty("articles").GetInt64());
        Assert.Equal(1, (await app.GetStatsAsync("flag=any")).GetProperty("totals").GetProperty("flagged").GetInt64());
        Assert.Equal(0, (await app.RecountAsync()).GetProperty("driftCells").GetInt32());
    }

    [Fact]
    public async Task TwentyConcurrentDumpsAreCountedExactly()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        // One shared related article and one region per dump pair: concurrent updates race on the same cells.
        const string shared = "家庭共济怎么绑定家人";
        await Task.WhenAll(TestDumps.Bulk(20, shared).Select(d => app.UploadAsync(d.Name, d.Content)));

        Assert.Equal(20, await app.TriggerAsync());

        var totals = (await app.GetStatsAsync("by=topic")).GetProperty("totals");
        Assert.Equal(41, totals.GetProperty("articles").GetInt64());
        await AssertStatsMatchArticlesAsync(app);
        var recount = await app.RecountAsync();
        Assert.Equal(41, recount.GetProperty("articles").GetInt32());
        Assert.Equal(0, recount.GetProperty("driftCells").GetInt32());
    }

    [Fact]
    public async Task RecountFindsNoDriftAfterIngestionAndRepairsACorruptedCell()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("C1"));
        await app.TriggerAsync();
        var clean = await app.RecountAsync();
        Assert.Equal(0, clean.GetProperty("driftCells").GetInt32());
        Assert.Equal(4, clean.GetProperty("articles").GetInt32());

        var stats = app.Storage.Table(app.Storage.Options.StatsTable);
        var cell = await stats.QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("d") > 0 && e.PartitionKey.CompareTo("e") < 0).FirstAsync();
        cell["Articles"] = cell.GetInt64("Articles") + 5;
        await stats.UpdateEntityAsync(cell, cell.ETag, TableUpdateMode.Replace);
        Assert.Equal(9, (await app.GetStatsAsync("by=day")).GetProperty("totals").GetProperty("articles").GetInt64());

        var repaired = await app.RecountAsync();
        Assert.Equal(1, repaired.GetProperty("driftCells").GetInt32());
        var drift = Assert.Single(repaired.GetProperty("drift").EnumerateArray());
        Assert.Equal(cell.RowKey, drift.S("rowKey"));
        Assert.Equal(drift.GetProperty("expectedArticles").GetInt64() + 5, drift.GetProperty("storedArticles").GetInt64());
        Assert.Equal(4, (await app.GetStatsAsync("by=day")).GetProperty("totals").GetProperty("articles").GetInt64());
        await AssertStatsMatchArticlesAsync(app);
    }

    [Fact]
    public async Task RecountNeedsTheAdminKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsync("/api/manage/recount", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("admin key", problem.S("detail"));
    }

    [Fact]
    public async Task DateRegionAndTopicFiltersNarrowTheCounts()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("F1"));
        await app.UploadAsync("b.txt", Dated("F2"));
        await app.UploadAsync("c.txt", TestDumps.Page("城乡居民医保怎么缴费（F3）", "可以在税务部门的小程序缴纳。编号F3。"));
        await app.TriggerAsync();
        var articles = await app.AllArticlesAsync();

        // Day-precise range (day cells) and month-aligned range (month cells) both count exactly the dated articles inside.
        var inOctober = articles.Where(a => a.GetString("Date") is { } d && string.CompareOrdinal(d, "2026-10-01") >= 0 && string.CompareOrdinal(d, "2026-10-31") <= 0).ToList();
        Assert.Equal(inOctober.Count, (await app.GetStatsAsync("from=2026-10&to=2026-10")).GetProperty("totals").GetProperty("articles").GetInt64());
        var lateSeptember = articles.Count(a => a.GetString("Date") is { } d && string.CompareOrdinal(d, "2026-09-02") >= 0 && string.CompareOrdinal(d, "2026-10-29") <= 0);
        Assert.Equal(lateSeptember, (await app.GetStatsAsync("from=2026-09-02&to=2026-10-29")).GetProperty("totals").GetProperty("articles").GetInt64());

        // Open ranges: undated articles are outside any range, on either side.
        Assert.Contains(articles, a => a.GetString("Date") is null);
        foreach (var (query, from, to) in new[] { ("from=2026-10", "2026-10-01", "9999"), ("from=2026-10-05", "2026-10-05", "9999"), ("to=2026-10", "0000", "2026-10-31"), ("to=2026-10-05", "0000", "2026-10-05") })
        {
            var inside = articles.Count(a => a.GetString("Date") is { } d && string.CompareOrdinal(d, from) >= 0 && string.CompareOrdinal(d, to) <= 0);
            Assert.Equal(inside, (await app.GetStatsAsync(query)).GetProperty("totals").GetProperty("articles").GetInt64());
        }

        var province = Province(articles.First(a => Province(a) != "000000"));
        var inProvince = await app.GetStatsAsync($"by=region,topic&level=city&region={province}");
        Assert.Equal(articles.Count(a => Province(a) == province), inProvince.GetProperty("totals").GetProperty("articles").GetInt64());
        Assert.All(inProvince.GetProperty("rows").EnumerateArray(), r => Assert.StartsWith(province[..2], r.S("region")));

        var topic = articles[0].GetString("Topic");
        var oneTopic = await app.GetStatsAsync($"by=month&topic={topic}");
        Assert.Equal(Expected(articles.Where(a => a.GetString("Topic") == topic), Month), Actual(oneTopic, r => r.S("period")));
    }

    [Theory]
    [InlineData("by=colour", "by")]
    [InlineData("by=month,year", "by")]
    [InlineData("by=region&level=street", "level")]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("from=2026-11-01&to=2026-10-01", "to")]
    [InlineData("topic=weather", "topic")]
    [InlineData("region=999999", "region")]
    [InlineData("flag=DROP%20TABLE", "flag")]
    [InlineData("format=xlsx", "format")]
    public async Task InvalidParameterIsRejectedWithProblemDetailsNamingIt(string query, string parameter)
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().GetAsync("/api/stats?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid request parameter", problem.S("title"));
        Assert.Equal(parameter, problem.S("parameter"));
        Assert.StartsWith(parameter + ":", problem.S("detail"));
    }

    [Fact]
    public async Task StatsWithoutAFunctionKeyAreRefused()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateClient().GetAsync("/api/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", (await response.Content.ReadFromJsonAsync<JsonElement>()).S("title"));
    }

    [Fact]
    public async Task CsvExportIsAnAttachmentWithBomHeaderRowsAndTotals()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("V1"));
        await app.TriggerAsync();
        var json = await app.GetStatsAsync("by=topic,region&level=province");

        var response = await app.CreateKeyedClient().GetAsync("/api/stats?by=topic,region&level=province&format=csv&totals=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Matches(@"^medinsure-stats-topic-region-\d{8}\.csv$", response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n");
        Assert.Equal("topic,topic_name,region,region_name,articles,flagged", lines[0]);
        Assert.Equal("", lines[^1]);
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(rows.Count + 3, lines.Length);
        var first = rows[0];
        Assert.Equal($"{first.S("topic")},{first.S("topicName")},{first.S("region")},{first.S("regionName")},{first.GetProperty("articles").GetInt64()},{first.GetProperty("flagged").GetInt64()}", lines[1]);
        Assert.Equal("total,,,,4,0", lines[^2]);
    }

    [Fact]
    public async Task StatsExportCommandWritesTheSameCsvAsTheApi()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", Dated("X1"));
        await app.TriggerAsync();
        var api = await (await app.CreateKeyedClient().GetAsync("/api/stats?by=topic,region&level=province&format=csv&totals=true")).Content.ReadAsByteArrayAsync();
        var output = Path.Combine(Path.GetTempPath(), $"stats-{Guid.NewGuid():N}.csv");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["stats", "export", "--by", "topic,region", "--level", "province", "--format", "csv", "--out", output, "--totals"], stdout, stderr, app.Settings);

        Assert.Equal(0, exit);
        Assert.Equal(api, await File.ReadAllBytesAsync(output));
        Assert.Contains("4 articles", stdout.ToString());
        File.Delete(output);
        Assert.Equal(2, await CliApp.RunAsync(["stats", "export", "--by", "colour", "--out", output], stdout, stderr, app.Settings));
        Assert.Contains("--by: 'colour'", stderr.ToString());
        Assert.Equal(2, await CliApp.RunAsync(["stats", "export", "--by", "topic"], stdout, stderr, app.Settings));
    }
}
