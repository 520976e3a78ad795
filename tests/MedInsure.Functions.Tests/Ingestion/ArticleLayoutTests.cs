using Azure.Data.Tables;
using MedInsure.Cli;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.Tests.Ingestion;

public sealed class ArticleLayoutTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ArticlesInTheOldSixteenPartitionLayoutBlockIngestionUntilMigrateMovesThemAndTheDumpIsRetried()
    {
        await using var first = await MedInsureApplication.StartAsync(azurite.Azurite);
        await first.UploadAsync("a.txt", TestDumps.Simple("L1"));
        await first.TriggerAsync();
        var written = await first.AllArticlesAsync();
        // A store written before 2026-12-02: every article under the first hex digit of its id.
        foreach (var row in written.Where(r => r.PartitionKey != r.RowKey[..1]))
        {
            await first.Articles.UpsertEntityAsync(Copy(row, row.RowKey[..1]), TableUpdateMode.Replace);
            await first.Articles.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        var old = await first.AllArticlesAsync();
        Assert.Contains(old, r => r.PartitionKey != ArticleIdentity.PartitionFor(r.RowKey) && r.RowKey[0] >= '4');

        // A process that meets that store refuses to ingest into it (an Add would store a second copy) and says why.
        // One attempt: the host would otherwise retry until the poison queue while nothing changes the store.
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite,
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = first.Settings["AzureWebJobsStorage"] }, host => host.MaxDequeueCount = 1);
        await app.UploadAsync("b.txt", TestDumps.Simple("L2"));
        await app.TriggerAsync();
        var failed = await RecordAsync(app, "b.txt");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("16-partition layout", failed.GetProperty("reason").GetString());
        Assert.Contains("MedInsure.Cli migrate", failed.GetProperty("reason").GetString());
        Assert.Equal(3, (await app.AllArticlesAsync()).Count);

        var stdout = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["migrate"], stdout, new StringWriter(), app.Settings));
        var moved = old.Count(r => r.PartitionKey != ArticleIdentity.PartitionFor(r.RowKey));
        Assert.Equal($"articles: 3 scanned, {moved} moved to the current partition layout", stdout.ToString().Trim());

        var migrated = await app.AllArticlesAsync();
        Assert.All(migrated, r => Assert.Equal(ArticleIdentity.PartitionFor(r.RowKey), r.PartitionKey));
        Assert.Equal(old.Select(Content).Order(), migrated.Select(Content).Order());

        // The same worker goes on once the store is migrated: the dump uploaded again lands, next to the moved articles,
        // as a further attempt of the same ingestion.
        var worker = app.Host.WorkerProcessId;
        await app.UploadAsync("b.txt", TestDumps.Simple("L2"));
        Assert.Equal(1, await app.TriggerAsync());
        var retried = await RecordAsync(app, "b.txt");
        Assert.Equal("succeeded", retried.GetProperty("status").GetString());
        Assert.Equal(2, retried.GetProperty("attempts").GetInt32());
        Assert.Equal(worker, app.Host.WorkerProcessId);
        var all = await app.AllArticlesAsync();
        Assert.Equal(6, all.Count);
        Assert.Equal(6, all.Select(r => r.RowKey).Distinct().Count());
        var id = migrated[0].RowKey;
        var article = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Equal(migrated[0].GetString("Title"), article.GetProperty("title").GetString());

        var again = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["migrate"], again, new StringWriter(), app.Settings));
        Assert.Equal("articles: 6 scanned, 0 moved to the current partition layout", again.ToString().Trim());
    }

    private static TableEntity Copy(TableEntity row, string partition)
    {
        var copy = new TableEntity(row) { PartitionKey = partition };
        copy.Remove("odata.etag");
        copy.Remove("Timestamp");
        return copy;
    }

    // Everything but the partition and the service's bookkeeping.
    private static string Content(TableEntity row) => string.Join(
        ';', row.Keys.Where(k => k is not ("PartitionKey" or "odata.etag" or "Timestamp")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}"));

    private static async Task<JsonElement> RecordAsync(MedInsureApplication app, string dump) =>
        (await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("dump").GetString() == dump);
}
