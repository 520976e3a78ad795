using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Tests.Storage;

public sealed class TableBatchWriterTests(AzuriteFixture azurite)
{
    private Task<TableClient> NewTableAsync() => azurite.NewTableAsync("w");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentAddsToOnePartitionAllLandAndADuplicateFailsAlone(bool direct)
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "taken"));
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20), wire: WireIf(direct));

        var adds = Enumerable.Range(0, 150).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}")), CancellationToken.None)).ToList();
        var duplicate = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "taken")), CancellationToken.None);

        Assert.All(await Task.WhenAll(adds), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(TableWriteStatus.Conflict, (await duplicate).Status);
        Assert.Equal(151, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WriteThatLandsReportsTheStoredRowsNewETagWhetherBatchedOrAlone(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20), wire: WireIf(direct));

        var batched = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"r{i}") { ["Value"] = i }), CancellationToken.None)));
        var alone = await writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("q", "only")), CancellationToken.None);

        for (var i = 0; i < batched.Length; i++)
        {
            Assert.Equal((await table.GetEntityAsync<TableEntity>("p", $"r{i}")).Value.ETag, batched[i].ETag);
        }

        Assert.Equal((await table.GetEntityAsync<TableEntity>("q", "only")).Value.ETag, alone.ETag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoUpdatesWithTheSameETagCannotBothWinEvenAmongBatchedAdds(bool direct)
    {
        var table = await NewTableAsync();
        var etag = (await table.AddEntityAsync(new TableEntity("p", "row") { ["Value"] = 0 })).Headers.ETag!.Value;
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20), wire: WireIf(direct));

        // Other dumps' new articles in the same partition and round: the updates would ride in multi-action batches.
        var adds = Enumerable.Range(0, 4).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"new{i}")), CancellationToken.None)).ToList();
        var results = await Task.WhenAll(
            writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "row") { ["Value"] = 1 }, etag), CancellationToken.None),
            writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "row") { ["Value"] = 2 }, etag), CancellationToken.None));

        Assert.All(await Task.WhenAll(adds), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));

        Assert.Equal(1, results.Count(r => r.Status == TableWriteStatus.Succeeded));
        Assert.Equal(1, results.Count(r => r.Status == TableWriteStatus.PreconditionFailed));
        var stored = (await table.GetEntityAsync<TableEntity>("p", "row")).Value.GetInt32("Value");
        Assert.Equal(results[0].Succeeded ? 1 : 2, stored);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task StaleUpdateBatchedWithAnAddIsRefusedAndTheAddStillLands(bool direct)
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(new TableEntity("p", "row") { ["Value"] = 0 })).Headers.ETag!.Value;
        await table.UpdateEntityAsync(new TableEntity("p", "row") { ["Value"] = 1 }, stale, TableUpdateMode.Replace);
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50), wire: WireIf(direct));

        var add = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "new")), CancellationToken.None);
        var update = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "row") { ["Value"] = 2 }, stale), CancellationToken.None);

        Assert.Equal(TableWriteStatus.Succeeded, (await add).Status);
        Assert.Equal(TableWriteStatus.PreconditionFailed, (await update).Status);
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "row")).Value.GetInt32("Value"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EntityTheStoreRefusesFailsAloneAndTheRestOfItsBatchLands(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50), wire: WireIf(direct));

        // A string property holds at most 32K UTF-16 characters: the store refuses this one with a 400.
        var tooLarge = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "big") { ["Text"] = new string('x', 40_000) }), CancellationToken.None);
        var others = Enumerable.Range(0, 5).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"ok{i}")), CancellationToken.None)).ToList();

        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() => tooLarge);
        Assert.Equal(400, refused.Status);
        Assert.All(await Task.WhenAll(others), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(["ok0", "ok1", "ok2", "ok3", "ok4"], await table.QueryAsync<TableEntity>().Select(e => e.RowKey).OrderBy(k => k, StringComparer.Ordinal).ToListAsync());
    }

    // Both transaction paths: Azure.Data.Tables alone, and TransactionWire with the library as its fallback.
    private TransactionWire? WireIf(bool direct) => direct ? azurite.NewTransactionWire() : null;
}
