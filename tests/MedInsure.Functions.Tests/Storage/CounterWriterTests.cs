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

    [Fact]
    public async Task ConcurrentIncrementsOverManyRowsAndPartitionsSumExactly()
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false);

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

    [Fact]
    public async Task TwoWritersOnTheSameRowsLoseNoIncrement()
    {
        var table = await NewTableAsync();
        // Two app instances: each remembers ETags the other keeps invalidating.
        await using var first = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(2));
        await using var second = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(3));

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

    [Fact]
    public async Task ARowChangedBehindTheWritersBackIsReadAgainBeforeTheNextWrite()
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false);
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

    [Fact]
    public async Task ARowThatReachesZeroIsDeletedAndComesBackOnTheNextIncrement()
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: true);
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

    [Fact]
    public async Task IncrementsThatCancelOutInOneFlushWriteNothing()
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(50));

        await Task.WhenAll(
            writer.AddAsync("p", "row", Delta(1), CancellationToken.None),
            writer.AddAsync("p", "row", Delta(-1), CancellationToken.None));

        Assert.Empty(await CountsAsync(table));
    }

    [Fact]
    public async Task RowsOfManyLongNamedCountersGoOutInTransactionsUnderFourMiB()
    {
        var bodies = new List<long>();
        var table = await azurite.NewTableAsync("c", bodies);
        await using var writer = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(100));
        // 100 rows of one partition, 100 Int64 counters each with names of 205 characters: about 45 KB of JSON a row.
        var deltas = Enumerable.Range(0, 100).ToDictionary(i => $"C{i:D3}_" + new string('n', 200), _ => 1L);

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => writer.AddAsync("p", $"r{i:D3}", deltas, CancellationToken.None)));

        var rows = await table.QueryAsync<TableEntity>().ToListAsync();
        Assert.Equal(100, rows.Count);
        Assert.All(rows, row => Assert.All(deltas.Keys, name => Assert.Equal(1, CounterWriter.Read(row, name))));
        Assert.InRange(bodies.Count, 2, 4);
        Assert.All(bodies, b => Assert.InRange(b, 1, TableLimits.TransactionBudgetBytes));
    }

    [Fact]
    public async Task KeyAzureWouldRefuseFailsThatIncrementAloneNamingTableAndKey()
    {
        var table = await NewTableAsync();
        await using var writer = new CounterWriter(table, deleteWhenZero: false, TimeSpan.FromMilliseconds(50));

        var refused = writer.AddAsync("p", "202612|other|a#b", Delta(1), CancellationToken.None);
        var counted = writer.AddAsync("p", "202612|other|000000", Delta(1), CancellationToken.None);

        var exception = await Assert.ThrowsAsync<TableWriteRejectedException>(() => refused);
        Assert.Equal((table.Name, "202612|other|a#b"), (exception.Table, exception.RowKey));
        Assert.Contains("contains '#'", exception.Message, StringComparison.Ordinal);
        await counted;
        Assert.Equal(new Dictionary<string, long> { ["p/202612|other|000000"] = 1 }, await CountsAsync(table));
    }
}
