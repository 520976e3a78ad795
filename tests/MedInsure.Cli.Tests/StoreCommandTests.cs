using Azure.Data.Tables;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Tests;

public sealed class StoreCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RetagOnAnEmptyStoreScansNothingAndExitsZero()
    {
        var run = await CommandLine.RunAsync(azurite.NewStore(), "retag");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Matches(@"^re-tagged with topic-\S+: 0 articles scanned, 0 changed$", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task ReindexAndRecountOnAnEmptyStoreFindNothingAndExitZero()
    {
        var store = azurite.NewStore();

        var reindex = await CommandLine.RunAsync(store, "reindex");
        var recount = await CommandLine.RunAsync(store, "recount");

        Assert.Equal((0, ""), (reindex.Code, reindex.Stderr));
        Assert.Equal("reindex: 0 articles, 0 rows, 0 missing, 0 stale, 0 extra", reindex.Stdout.TrimEnd());
        Assert.Equal((0, ""), (recount.Code, recount.Stderr));
        Assert.Equal("recount: 0 articles, 0 cells, 0 drifted, 0 member rows repaired", recount.Stdout.TrimEnd());
    }

    [Fact]
    public async Task AfterAnIngestionRetagReindexAndRecountChangeNothing()
    {
        var store = azurite.NewStore();
        await IngestAsync(store, "R1");

        var retag = await CommandLine.RunAsync(store, "retag");
        var reindex = await CommandLine.RunAsync(store, "reindex");
        var recount = await CommandLine.RunAsync(store, "recount");

        Assert.Equal((0, 0, 0), (retag.Code, reindex.Code, recount.Code));
        Assert.Matches(@"^re-tagged with topic-\S+: 3 articles scanned, 0 changed$", retag.Stdout.TrimEnd());
        Assert.Matches(@"^reindex: 3 articles, \d+ rows, 0 missing, 0 stale, 0 extra$", reindex.Stdout.TrimEnd());
        Assert.Matches(@"^recount: 3 articles, 12 cells, 0 drifted, 0 member rows repaired$", recount.Stdout.TrimEnd());
    }

    [Fact]
    public async Task ReindexRepairsMissingAndExtraRowsListsThemAndExitsOne()
    {
        var store = azurite.NewStore();
        await IngestAsync(store, "R2");
        await using var services = CommandServices.Build(store);
        var storage = services.GetRequiredService<StorageProvisioner>();
        var all = ArticleIndex.PartitionFor(ArticleIndex.All);
        var shard = storage.IndexShard(ArticleIndex.ShardOf(ArticleIndex.All));
        var row = await shard.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {all}")).FirstAsync();
        await shard.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        var stray = new TableEntity(row) { RowKey = ArticleIndex.RowKey(ArticleIndex.All, null, "0000000000000000") };
        await shard.AddEntityAsync(stray);

        var first = await CommandLine.RunAsync(store, "reindex");
        var second = await CommandLine.RunAsync(store, "reindex");

        Assert.Equal(1, first.Code);
        Assert.Matches(@"^reindex: 3 articles, \d+ rows, 1 missing, 0 stale, 1 extra$", first.Lines[0]);
        Assert.Contains(first.Lines, l => l.EndsWith($"/{row.RowKey}: missing", StringComparison.Ordinal));
        Assert.Contains(first.Lines, l => l.EndsWith($"/{stray.RowKey}: extra", StringComparison.Ordinal));
        Assert.Equal(0, second.Code);
        Assert.NotNull(await shard.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey).ContinueWith(t => t.Result.Value));
    }

    private static async Task IngestAsync(IReadOnlyDictionary<string, string?> store, string key)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cli-store-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, TestDumps.Simple(key), TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal(0, (await CommandLine.RunAsync(store, "ingest", file)).Code);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
