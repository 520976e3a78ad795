using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Tests.Storage;

public sealed class TableBatchWriterTests(AzuriteFixture azurite)
{
    private Task<TableClient> NewTableAsync() => azurite.NewTableAsync("w");

    [Fact]
    public async Task ConcurrentAddsToOnePartitionAllLandAndADuplicateFailsAlone()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("p", "taken"));
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20));

        var adds = Enumerable.Range(0, 150).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"r{i:D3}")), CancellationToken.None)).ToList();
        var duplicate = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "taken")), CancellationToken.None);

        Assert.All(await Task.WhenAll(adds), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(TableWriteStatus.Conflict, (await duplicate).Status);
        Assert.Equal(151, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task WriteThatLandsReportsTheStoredRowsNewETagWhetherBatchedOrAlone()
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20));

        var batched = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"r{i}") { ["Value"] = i }), CancellationToken.None)));
        var alone = await writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("q", "only")), CancellationToken.None);

        for (var i = 0; i < batched.Length; i++)
        {
            Assert.Equal((await table.GetEntityAsync<TableEntity>("p", $"r{i}")).Value.ETag, batched[i].ETag);
        }

        Assert.Equal((await table.GetEntityAsync<TableEntity>("q", "only")).Value.ETag, alone.ETag);
    }

    [Fact]
    public async Task TwoUpdatesWithTheSameETagCannotBothWinEvenAmongBatchedAdds()
    {
        var table = await NewTableAsync();
        var etag = (await table.AddEntityAsync(new TableEntity("p", "row") { ["Value"] = 0 })).Headers.ETag!.Value;
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(20));

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

    [Fact]
    public async Task StaleUpdateBatchedWithAnAddIsRefusedAndTheAddStillLands()
    {
        var table = await NewTableAsync();
        var stale = (await table.AddEntityAsync(new TableEntity("p", "row") { ["Value"] = 0 })).Headers.ETag!.Value;
        await table.UpdateEntityAsync(new TableEntity("p", "row") { ["Value"] = 1 }, stale, TableUpdateMode.Replace);
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50));

        var add = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "new")), CancellationToken.None);
        var update = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("p", "row") { ["Value"] = 2 }, stale), CancellationToken.None);

        Assert.Equal(TableWriteStatus.Succeeded, (await add).Status);
        Assert.Equal(TableWriteStatus.PreconditionFailed, (await update).Status);
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "row")).Value.GetInt32("Value"));
    }

    [Fact]
    public async Task EntityTheStoreRefusesFailsAloneAndTheRestOfItsBatchLands()
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50));

        // A string property holds at most 32K UTF-16 characters: the store refuses this one with a 400.
        var tooLarge = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "big") { ["Text"] = new string('x', 40_000) }), CancellationToken.None);
        var others = Enumerable.Range(0, 5).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"ok{i}")), CancellationToken.None)).ToList();

        var refused = await Assert.ThrowsAsync<TableTransactionFailedException>(() => tooLarge);
        Assert.Equal(400, refused.Status);
        Assert.All(await Task.WhenAll(others), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(["ok0", "ok1", "ok2", "ok3", "ok4"], await table.QueryAsync<TableEntity>().Select(e => e.RowKey).OrderBy(k => k, StringComparer.Ordinal).ToListAsync());
    }

    [Theory]
    [InlineData('a', 2, 30_000)]
    [InlineData('文', 1, 10_000)]
    public async Task LargeEntitiesGoOutInSeveralTransactionsEachSafelyUnderFourMiB(char character, int properties, int length)
    {
        var bodies = new List<long>();
        var table = await azurite.NewTableAsync("w", bodies);
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(100));
        // 100 entities of about 60 KB of JSON each (the client escapes CJK as six-byte \uXXXX): 6 MB for one partition.
        var entities = Enumerable.Range(0, 100).Select(i =>
        {
            var entity = new TableEntity("p", $"r{i:D3}");
            for (var p = 0; p < properties; p++)
            {
                entity[$"Text{p}"] = new string(character, length);
            }

            return entity;
        }).ToList();

        var results = await Task.WhenAll(entities.Select(e => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, e), CancellationToken.None)));

        Assert.All(results, r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(100, await table.QueryAsync<TableEntity>(select: ["RowKey"]).CountAsync());
        Assert.InRange(bodies.Count, 2, 5);
        Assert.All(bodies, b => Assert.InRange(b, 1, TableLimits.TransactionBudgetBytes));
        // Cut by an estimate, but not needlessly early: the fullest transaction carries most of the budget.
        Assert.InRange(bodies.Max(), TableLimits.TransactionBudgetBytes * 3L / 4, TableLimits.TransactionBudgetBytes);
    }

    [Fact]
    public async Task KeyAzureWouldRefuseFailsThatWriteAloneBeforeItIsSentNamingTableKeyAndReason()
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50));

        var slash = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", "a/b")), CancellationToken.None);
        var control = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p\n", "r"), ETag.All), CancellationToken.None);
        var tooLong = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", new string('k', 513))), CancellationToken.None);
        var others = Enumerable.Range(0, 3).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", $"ok{i}")), CancellationToken.None)).ToList();

        var refused = await Assert.ThrowsAsync<TableWriteRejectedException>(() => slash);
        Assert.Equal((table.Name, "p", "a/b"), (refused.Table, refused.PartitionKey, refused.RowKey));
        Assert.Contains($"Table '{table.Name}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("RowKey 'a/b'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("contains '/'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("PartitionKey 'p\\u000A'", (await Assert.ThrowsAsync<TableWriteRejectedException>(() => control)).Message, StringComparison.Ordinal);
        Assert.Contains("513 characters", (await Assert.ThrowsAsync<TableWriteRejectedException>(() => tooLong)).Message, StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(others), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(["ok0", "ok1", "ok2"], await table.QueryAsync<TableEntity>().Select(e => e.RowKey).OrderBy(k => k, StringComparer.Ordinal).ToListAsync());
    }

    [Fact]
    public async Task EntityOverOneMiBFailsBeforeItIsSentAndTheRestOfItsRoundLands()
    {
        var table = await NewTableAsync();
        await using var writer = new TableBatchWriter(table, TimeSpan.FromMilliseconds(50));
        // 18 strings of 30,000 characters: 1,080,000 bytes and more by Azure's formula.
        var big = new TableEntity("p", "big");
        for (var i = 0; i < 18; i++)
        {
            big[$"Body_{i}"] = new string('x', 30_000);
        }

        var tooLarge = writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, big), CancellationToken.None);
        var others = Enumerable.Range(0, 3).Select(i => writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity("p", $"ok{i}")), CancellationToken.None)).ToList();

        var refused = await Assert.ThrowsAsync<TableWriteRejectedException>(() => tooLarge);
        Assert.Contains($"Table '{table.Name}', PartitionKey 'p', RowKey 'big'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("1,080,", refused.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1,048,576 (1 MiB)", refused.Message, StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(others), r => Assert.Equal(TableWriteStatus.Succeeded, r.Status));
        Assert.Equal(3, await table.QueryAsync<TableEntity>().CountAsync());
    }
}
