namespace MedInsure.Testing.Tests;

/// <summary>Entity-group transactions: at most 100 operations, 4 MiB of body, one partition, each entity once.</summary>
public sealed class TransactionLimitsTests(AzuriteFixture azurite)
{
    private const int FourMiB = 4 * 1024 * 1024;

    private static IEnumerable<TableTransactionAction> Adds(int count, string partition = "p") =>
        Enumerable.Range(0, count).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{i:D3}")));

    [Fact]
    public async Task HundredOperationsAreOneTransaction()
    {
        var table = await azurite.NewTableAsync();

        var responses = await table.SubmitTransactionAsync(Adds(100));

        Assert.Equal(100, responses.Value.Count);
        Assert.Equal(100, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task HundredAndOneOperationsAreRefusedAsAWholeAtIndexZero()
    {
        var table = await azurite.NewTableAsync();

        var refused = await Entities.RefusedAt(() => table.SubmitTransactionAsync(Adds(101)), 0, "InvalidInput");

        Assert.Contains("The batch request operation exceeds the maximum 100 changes per change set.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task BodyOfExactlyFourMiBIsAcceptedAndOneByteMoreIsRefusedWith413()
    {
        var bodies = new List<long>();
        var table = await azurite.NewTableAsync(bodies);
        // 100 entities of two ASCII strings: every character is one byte of the body, so the last few tune it exactly.
        List<TableTransactionAction> Batch(int extra) => [.. Enumerable.Range(0, 100).Select(i =>
            Entities.Upsert(new TableEntity("p", $"r{i:D3}") { ["A"] = new string('a', 32_000), ["B"] = new string('b', 8_000 + extra / 100 + (i == 99 ? extra % 100 : 0)) }))];

        await table.SubmitTransactionAsync(Batch(0));
        var extra = checked((int)(FourMiB - bodies[^1]));
        await table.SubmitTransactionAsync(Batch(extra));
        Assert.Equal(FourMiB, bodies[^1]);

        await Entities.Refused<RequestFailedException>(() => table.SubmitTransactionAsync(Batch(extra + 1)), 413, "RequestBodyTooLarge");
        Assert.Equal(FourMiB + 1, bodies[^1]);
        Assert.Equal(8_000 + extra / 100 + extra % 100, (await table.GetEntityAsync<TableEntity>("p", "r099")).Value.GetString("B")!.Length);
    }

    [Fact]
    public async Task OperationsOnTwoPartitionsAreRefusedAtTheFirstOfTheSecond()
    {
        var table = await azurite.NewTableAsync();

        await Entities.RefusedAt(() => table.SubmitTransactionAsync([.. Adds(3, "p"), .. Adds(2, "q")]), 3, "CommandsInBatchActOnDifferentPartitions");

        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());
        await table.SubmitTransactionAsync(Adds(2, "q"));
    }

    [Fact]
    public async Task AnEntityTwiceIsRefusedAtItsSecondOperation()
    {
        var table = await azurite.NewTableAsync();

        var refused = await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            Entities.Upsert(new TableEntity("p", "a")),
            Entities.Upsert(new TableEntity("p", "b")),
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", "a"), ETag.All)]), 2, "InvalidDuplicateRow");

        Assert.Contains("RowKey 'a'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());
        // The same row keys in two partitions' transactions are distinct entities.
        await table.SubmitTransactionAsync([Entities.Upsert(new TableEntity("p", "a")), Entities.Upsert(new TableEntity("p", "b"))]);
    }
}
