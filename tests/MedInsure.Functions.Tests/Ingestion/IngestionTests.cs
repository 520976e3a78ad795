using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Functions.Tests.Ingestion;

public sealed class IngestionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ARecordWithMoreWarningTextThanAPropertyHoldsIsSavedWithTheFirstWarnings()
    {
        // A zip of 1,000 members collects hundreds of long Chinese warnings: the record must still save.
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.Storage.EnsureAsync(CancellationToken.None);
        var records = app.Services.GetRequiredService<IngestionRecords>();
        var warnings = Enumerable.Range(0, 500).Select(i => $"成员 page-{i:D4}.txt：相关推荐第{i}条缺少日期，已按正文日期处理。" + new string('注', 300)).ToList();
        var record = new IngestionRecord
        {
            Id = "warnings-overflow", Dump = "bundle.zip", Status = IngestionStatus.Partial, Warnings = warnings,
            Reason = new string('因', 40_000), StartedAt = DateTimeOffset.UtcNow,
        };

        await records.SaveAsync(record, CancellationToken.None);

        var stored = await records.FindAsync("warnings-overflow", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.InRange(stored.Warnings.Count, 50, 199);
        Assert.Equal(warnings.Take(stored.Warnings.Count), stored.Warnings);
        Assert.True(stored.Reason!.Length <= 30_000);
        Assert.EndsWith("…", stored.Reason);
    }

    [Fact]
    public async Task UploadedDumpAppearsAsArticlesWithAnIngestionRecord()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", TestDumps.Simple("A1"));

        Assert.Equal(1, await app.TriggerAsync());

        var articles = await app.AllArticlesAsync();
        Assert.Equal(3, articles.Count);
        var main = articles.Single(a => a.GetString("Title") == "盐城市医保报销比例是多少（A1）");
        Assert.True(main.GetBoolean("IsFullText"));
        Assert.Contains("起付线", main.GetString("Body"));
        Assert.Equal([("a.txt", 0)], (await app.SightingsAsync("盐城市医保报销比例是多少（A1）")).Select(s => (s.Dump, s.Position)));
        Assert.False(string.IsNullOrEmpty(main.GetString("Topic")));
        Assert.False(string.IsNullOrEmpty(main.GetString("ModelVersion")));

        var client = app.CreateKeyedClient();
        var page = await client.GetFromJsonAsync<JsonElement>("/api/ingestions");
        var record = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("a.txt", record.GetProperty("dump").GetString());
        Assert.Equal("succeeded", record.GetProperty("status").GetString());
        Assert.Equal(3, record.GetProperty("articles").GetInt32());
        Assert.Equal(3, record.GetProperty("new").GetInt32());

        var id = record.GetProperty("id").GetString();
        var single = await client.GetFromJsonAsync<JsonElement>($"/api/ingestions/{id}");
        Assert.Equal("utf-8", single.GetProperty("encoding").GetString());
    }

    [Fact]
    public async Task ReuploadingTheSameDumpChangesNothing()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", TestDumps.Simple("R1"));
        await app.TriggerAsync();
        var before = await app.AllArticlesAsync();

        await app.UploadAsync("a.txt", TestDumps.Simple("R1"));
        await app.TriggerAsync();
        await app.UploadAsync("copy-of-a.txt", TestDumps.Simple("R1"));
        await app.TriggerAsync();

        var after = await app.AllArticlesAsync();
        Assert.Equal(before.Count, after.Count);
        foreach (var article in after)
        {
            var old = before.Single(b => b.RowKey == article.RowKey);
            Assert.Equal(old.GetString("Body"), article.GetString("Body"));
        }

        var records = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions");
        var copy = records.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("dump").GetString() == "copy-of-a.txt");
        // The same content under another name changes no article: it counts as unchanged, and only adds sightings.
        Assert.Equal((0, 0, 3), (copy.GetProperty("new").GetInt32(), copy.GetProperty("updated").GetInt32(), copy.GetProperty("unchanged").GetInt32()));
        Assert.Equal(2, records.GetProperty("items").GetArrayLength());
        Assert.Equal(["a.txt", "copy-of-a.txt"], (await app.SightingsAsync("盐城市医保报销比例是多少（R1）")).Select(s => s.Dump).Order());
    }

    [Fact]
    public async Task ArticleSharedByTwoDumpsIsStoredOnceWithBothSourcesAndTheFullestText()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var shared = TestDumps.SharedTitle;
        await app.UploadAsync("first.txt", TestDumps.SharedPair.First);
        await app.UploadAsync("second.txt", TestDumps.SharedPair.Second);

        await app.TriggerAsync();

        var articles = await app.AllArticlesAsync();
        var matching = articles.Where(a => a.GetString("Title") == shared).ToList();
        var article = Assert.Single(matching);
        Assert.True(article.GetBoolean("IsFullText"));
        Assert.Contains("医疗保险个人缴纳2%", article.GetString("Body"));
        Assert.Equal("2026-10-20", article.GetString("Date"));
        Assert.Equal(["first.txt", "second.txt"], (await app.SightingsAsync(shared)).Select(s => s.Dump).Order());
        Assert.False(article.ContainsKey("Sources"));
        Assert.Equal(3, articles.Count);
    }

    [Fact]
    public async Task ArticleAnotherInstanceChangedSinceThisOneWroteItKeepsEverySourceWhenMergedAgain()
    {
        // Two app instances on one storage account, as when the function app scales out.
        await using var one = await MedInsureApplication.StartAsync(azurite.Azurite);
        await using var other = await MedInsureApplication.StartAsync(azurite.Azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = one.Settings["AzureWebJobsStorage"] });
        var shared = TestDumps.SharedTitle;
        await one.UploadAsync("first.txt", TestDumps.SharedPair.First);
        await one.TriggerAsync();

        // The other instance merges the main text into the article that the first instance wrote and still remembers.
        await other.UploadAsync("second.txt", TestDumps.SharedPair.Second);
        await other.TriggerAsync();
        await one.UploadAsync("third.txt", TestDumps.Page("社保断缴三个月有什么影响", "断缴期间医保暂停享受待遇。\n补缴后恢复。",
            new TestDumps.Related(shared, "个人每月缴纳养老保险672元。", "2026-10-21")));
        await one.TriggerAsync();

        var article = Assert.Single(await one.AllArticlesAsync(), a => a.GetString("Title") == shared);
        Assert.Equal(["first.txt", "second.txt", "third.txt"], (await one.SightingsAsync(shared)).Select(s => s.Dump).Order());
        Assert.True(article.GetBoolean("IsFullText"));
        Assert.Contains("医疗保险个人缴纳2%", article.GetString("Body"));
        Assert.Equal("2026-10-20", article.GetString("Date"));
        var third = (await one.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("dump").GetString() == "third.txt");
        // Its summary and later date add nothing to the stored full text: unchanged, with a sighting recorded.
        Assert.Equal((0, 1), (third.GetProperty("updated").GetInt32(), third.GetProperty("unchanged").GetInt32()));
    }

    [Fact]
    public async Task ATitleOnlyDumpIsQuarantinedAndNeverErasesTheTextAnEarlierDumpStored()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var sample = File.ReadAllBytes(Directory.GetFiles(Path.Combine(RepoPaths.Shared, "samples"), "000_*.txt").Single());
        await app.UploadAsync("sample-000.txt", sample);
        await app.TriggerAsync();
        var client = app.CreateKeyedClient();
        var id = ArticleIdentity.IdFor(TestDumps.SharedTitle);
        var before = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Contains("养老保险个人扣 672 元", before.GetProperty("text").GetString());

        await app.UploadAsync("title-only.txt", TestDumps.SharedTitle + "\n");
        await app.TriggerAsync();
        await app.UploadAsync("sample-000-again.txt", sample);
        await app.TriggerAsync();

        var records = (await client.GetFromJsonAsync<JsonElement>("/api/ingestions")).GetProperty("items").EnumerateArray().ToList();
        var titleOnly = records.Single(r => r.GetProperty("dump").GetString() == "title-only.txt");
        Assert.Equal(("rejected", "main article has no text"), (titleOnly.GetProperty("status").GetString(), titleOnly.GetProperty("reason").GetString()));
        Assert.True((await app.Quarantine.GetBlobClient("title-only.txt").ExistsAsync()).Value);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Equal(before.GetProperty("text").GetString(), after.GetProperty("text").GetString());
        Assert.Equal(before.GetProperty("isFullText").GetBoolean(), after.GetProperty("isFullText").GetBoolean());
        Assert.Equal(["sample-000-again.txt", "sample-000.txt"], after.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("dump").GetString()).Order());
        Assert.Equal("succeeded", records.Single(r => r.GetProperty("dump").GetString() == "sample-000-again.txt").GetProperty("status").GetString());
    }

    [Fact]
    public async Task BadDumpIsQuarantinedWithItsReasonAndOtherDumpsAreUnaffected()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("good.txt", TestDumps.Simple("Q1"));
        await app.UploadAsync("broken.bin", [0x50, 0x00, 0x01, 0x02, 0xFF, 0x00, 0x00, 0x13]);

        await app.TriggerAsync();

        Assert.Equal(3, (await app.AllArticlesAsync()).Count);
        var records = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions");
        var bad = records.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("dump").GetString() == "broken.bin");
        Assert.Equal("rejected", bad.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(bad.GetProperty("reason").GetString()));
        Assert.EndsWith("quarantine/broken.bin", bad.GetProperty("quarantineBlob").GetString());

        var quarantined = app.Quarantine.GetBlobClient("broken.bin");
        var properties = await quarantined.GetPropertiesAsync();
        Assert.Equal(bad.GetProperty("reason").GetString(), Uri.UnescapeDataString(properties.Value.Metadata["reason"]));
        Assert.Equal(8, (await quarantined.DownloadContentAsync()).Value.Content.ToArray().Length);
        Assert.False((await app.Dumps.GetBlobClient("broken.bin").ExistsAsync()).Value);
        Assert.True((await app.Dumps.GetBlobClient("good.txt").ExistsAsync()).Value);
    }

    [Fact]
    public async Task TwentyDumpsUploadedAtOnceAreAllIngestedExactlyOnce()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        // Every dump also names one shared related article, so concurrent merges race on the same row.
        const string shared = "家庭共济怎么绑定家人";
        await Task.WhenAll(TestDumps.Bulk(20, shared).Select(d => app.UploadAsync(d.Name, d.Content)));

        Assert.Equal(20, await app.TriggerAsync());
        Assert.Equal(0, await app.TriggerAsync());

        var articles = await app.AllArticlesAsync();
        Assert.Equal(41, articles.Count);
        Assert.Equal(20, (await app.SightingsAsync(shared)).Count);

        var client = app.CreateKeyedClient();
        var records = await client.GetFromJsonAsync<JsonElement>("/api/ingestions?limit=100");
        var items = records.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count);
        Assert.All(items, r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(41, items.Sum(r => r.GetProperty("new").GetInt32()));
        // The shared article is new in one dump; each other dump updates it or, with nothing fuller or earlier, leaves it unchanged.
        Assert.Equal(19, items.Sum(r => r.GetProperty("updated").GetInt32() + r.GetProperty("unchanged").GetInt32()));
    }

    [Fact]
    public async Task ZipBundleIsIngestedMemberByMemberWithARecordForEach()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var key in new[] { "Z1", "Z2" })
            {
                await using var entry = zip.CreateEntry($"dumps/{key}.txt").Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(TestDumps.Simple(key)));
            }
        }

        await app.UploadAsync("bundle.zip", buffer.ToArray());
        await app.TriggerAsync();

        Assert.Equal(6, (await app.AllArticlesAsync()).Count);
        var records = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions");
        var items = records.GetProperty("items").EnumerateArray().ToList();
        var bundle = items.Single(r => r.GetProperty("dump").GetString() == "bundle.zip");
        Assert.Equal("succeeded", bundle.GetProperty("status").GetString());
        Assert.Equal(6, bundle.GetProperty("new").GetInt32());
        var members = items.Where(r => r.GetProperty("parent").GetString() == bundle.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.GetProperty("dump").GetString() == "bundle.zip/dumps/Z1.txt");
    }

    [Fact]
    public async Task IngestionsArePagedNewestFirstWithoutGapsOrDuplicates()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        for (var i = 0; i < 7; i++)
        {
            await app.UploadAsync($"p{i}.txt", TestDumps.Simple($"P{i}"));
            await app.TriggerAsync();
        }

        var client = app.CreateKeyedClient();
        var seen = new List<string>();
        string? token = null;
        do
        {
            var url = "/api/ingestions?limit=3" + (token is null ? "" : $"&continuation={Uri.EscapeDataString(token)}");
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("dump").GetString()!));
            token = page.GetProperty("continuation").GetString();
        }
        while (token is not null);

        Assert.Equal(["p6.txt", "p5.txt", "p4.txt", "p3.txt", "p2.txt", "p1.txt", "p0.txt"], seen);
    }

    [Fact]
    public async Task TamperedContinuationTokenIsRejectedWithProblemDetails()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().GetAsync("/api/ingestions?continuation=AAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("continuation", problem.GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task UnknownIngestionIdIsNotFound()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().GetAsync("/api/ingestions/0000000000000000");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("0000000000000000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IngestionsNeedAFunctionKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var anonymous = await app.CreateClient().GetAsync("/api/ingestions");
        var wrongKey = await app.CreateKeyedClient("not-a-key").GetAsync("/api/ingestions");
        var byQuery = await app.CreateClient().GetAsync($"/api/ingestions?code={MedInsureApplication.FunctionKey}");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.DoesNotContain(MedInsureApplication.FunctionKey, await anonymous.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
    }
}
