using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Tests.Storage;

public sealed class CounterWriterTests(AzuriteFixture azurite)
{
    private Task<TableClient> NewTableAsync() => azurite.NewTableAsync("c");

    private static Dictionary<string, long> Delta(long count) => new() { ["Count"] = count };

    private static async Task<Dictionary<string, long>> CountsAsync(TableClient table)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            counts[$"{row.PartitionKey}/{row.RowKey}"] = CounterWriter.Read(row, "Count");
        }

        return counts;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentIncrementsOverManyRowsAndPartitionsSumExactly(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false, wire: WireIf(direct));

        // 3 partitions x 150 rows: more than one 100-row transaction per partition, over several flushes.
        var adds = new List<Task>();
        for (var round = 0; round < 5; round++)
        {
            adds.AddRange(Enumerable.Range(0, 450).Select(i => writer.AddAsync($"p{i % 3}", $"r{i:D3}", Delta(i % 7 + 1), CancellationToken.None)));
            await Task.Delay(15);
        }

        await Task.WhenAll(adds);

        var counts = await CountsAsync(table);
        Assert.Equal(450, counts.Count);
        Assert.All(Enumerable.Range(0, 450), i => Assert.Equal(5 * (i % 7 + 1), counts[$"p{i % 3}/r{i:D3}"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoWritersOnTheSameRowsLoseNoIncrement(bool direct)
    {
        var table = await NewTableAsync();
        // Two app instances: each remembers ETags the other keeps invalidating.
        await using var first = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(2), WireIf(direct));
        await using var second = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(3), WireIf(direct));

        var adds = new List<Task>();
        for (var round = 0; round < 20; round++)
        {
            adds.AddRange(Enumerable.Range(0, 20).SelectMany(i => new[]
            {
                first.AddAsync("p", $"r{i:D2}", Delta(1), CancellationToken.None),
                second.AddAsync("p", $"r{i:D2}", Delta(2), CancellationToken.None),
            }));
            await Task.Delay(5);
        }

        await Task.WhenAll(adds);

        var counts = await CountsAsync(table);
        Assert.Equal(20, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(20 * 3, c));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARowChangedBehindTheWritersBackIsReadAgainBeforeTheNextWrite(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false, wire: WireIf(direct));
        await writer.AddAsync("p", "row", Delta(1), CancellationToken.None);
        await writer.AddAsync("p", "other", Delta(1), CancellationToken.None);

        // Another instance adds 10: the writer's remembered ETag is now stale.
        var stored = (await table.GetEntityAsync<TableEntity>("p", "row")).Value;
        stored["Count"] = CounterWriter.Read(stored, "Count") + 10;
        await table.UpdateEntityAsync(stored, stored.ETag, TableUpdateMode.Replace);

        // Batched with a row whose memory is still good: the stale one fails the transaction, which is retried whole.
        await Task.WhenAll(
            writer.AddAsync("p", "row", Delta(5), CancellationToken.None),
            writer.AddAsync("p", "other", Delta(5), CancellationToken.None));

        var counts = await CountsAsync(table);
        Assert.Equal(16, counts["p/row"]);
        Assert.Equal(6, counts["p/other"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARowThatReachesZeroIsDeletedAndComesBackOnTheNextIncrement(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: true, wire: WireIf(direct));
        await writer.AddAsync("p", "cell", Delta(3), CancellationToken.None);
        await writer.AddAsync("p", "cell", Delta(-3), CancellationToken.None);
        Assert.Empty(await CountsAsync(table));

        await writer.AddAsync("p", "cell", Delta(2), CancellationToken.None);
        Assert.Equal(2, (await CountsAsync(table))["p/cell"]);

        // Deleted elsewhere while the writer remembers it: the update's 404 leads to a fresh read and an add.
        await table.DeleteEntityAsync("p", "cell", ETag.All);
        await writer.AddAsync("p", "cell", Delta(4), CancellationToken.None);
        Assert.Equal(4, (await CountsAsync(table))["p/cell"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IncrementsThatCancelOutInOneFlushWriteNothing(bool direct)
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(50), WireIf(direct));

        await Task.WhenAll(
            writer.AddAsync("p", "row", Delta(1), CancellationToken.None),
            writer.AddAsync("p", "row", Delta(-1), CancellationToken.None));

        Assert.Empty(await CountsAsync(table));
    }

    // Both transaction paths: Azure.Data.Tables alone, and TransactionWire with the library as its fallback.
    private TransactionWire? WireIf(bool direct) => direct ? azurite.NewTransactionWire() : null;
}
