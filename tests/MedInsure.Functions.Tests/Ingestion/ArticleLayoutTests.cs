using Azure.Data.Tables;
using MedInsure.Functions.Cli;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.Tests.Ingestion;

public sealed class ArticleLayoutTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ArticlesInTheOldSixteenPartitionLayoutBlockIngestionUntilMigrateMovesThemAndTheDumpIsRetried()
    {
        await using var first = new MedInsureApplication(azurite.Azurite);
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
        await using var app = new MedInsureApplication(azurite.Azurite, new Dictionary<string, string?> { ["Storage:NamePrefix"] = first.Prefix });
        await app.UploadAsync("b.txt", TestDumps.Simple("L2"));
        await app.TriggerAsync();
        var failed = await RecordAsync(app, "b.txt");
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("16-partition layout", failed.GetProperty("reason").GetString());
        Assert.Contains("MedInsure.Functions migrate", failed.GetProperty("reason").GetString());
        Assert.Equal(3, (await app.AllArticlesAsync()).Count);

        var stdout = new StringWriter();
        Assert.Equal(0, await MigrateCommand.RunAsync([], stdout, new StringWriter(), app.Settings));
        var moved = old.Count(r => r.PartitionKey != ArticleIdentity.PartitionFor(r.RowKey));
        Assert.Equal($"articles: 3 scanned, {moved} moved to the current partition layout", stdout.ToString().Trim());

        var migrated = await app.AllArticlesAsync();
        Assert.All(migrated, r => Assert.Equal(ArticleIdentity.PartitionFor(r.RowKey), r.PartitionKey));
        Assert.Equal(old.Select(Content).Order(), migrated.Select(Content).Order());

        // The same process goes on once the store is migrated: the failed dump's retry lands, next to the moved articles.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await app.TriggerAsync();
        Assert.Equal("succeeded", (await RecordAsync(app, "b.txt")).GetProperty("status").GetString());
        var all = await app.AllArticlesAsync();
        Assert.Equal(6, all.Count);
        Assert.Equal(6, all.Select(r => r.RowKey).Distinct().Count());
        var id = migrated[0].RowKey;
        var article = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Equal(migrated[0].GetString("Title"), article.GetProperty("title").GetString());

        var again = new StringWriter();
        Assert.Equal(0, await MigrateCommand.RunAsync([], again, new StringWriter(), app.Settings));
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
