using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace MedInsure.Functions.Storage;

/// <summary>
/// Coalesces counter increments from concurrent ingestions. Deltas for the same row are summed in memory and applied
/// with one read-modify-write under the row's ETag per flush, so 20,000 articles landing on a handful of topic rows
/// cost a few writes per flush instead of a retry storm on hot rows. Callers' tasks complete once their delta is
/// durable, so counts are exact whenever an ingestion reports success.
/// </summary>
public sealed class CounterWriter : IAsyncDisposable
{
    private const int MaxAttempts = 50;

    private readonly TableClient table;
    private readonly bool deleteWhenZero;
    private readonly TimeSpan linger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task pump;

    /// <param name="deleteWhenZero">Delete a row whose counters all reach zero (so group listings skip empty groups).</param>
    public CounterWriter(TableClient table, bool deleteWhenZero, TimeSpan? linger = null)
    {
        this.table = table;
        this.deleteWhenZero = deleteWhenZero;
        this.linger = linger ?? TimeSpan.FromMilliseconds(10);
        pump = Task.Run(PumpAsync);
    }

    public Task AddAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, long> deltas, CancellationToken cancellationToken)
    {
        var pending = new Pending(partitionKey, rowKey, deltas, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(CounterWriter));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await pump;
    }

    /// <summary>A counter's value as stored: counters are written as Int64, and older Int32 values read the same.</summary>
    public static long Read(TableEntity entity, string name) => entity.GetInt64(name) ?? entity.GetInt32(name) ?? 0;

    private async Task PumpAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            await Task.Delay(linger);
            var rows = new Dictionary<(string, string), (Dictionary<string, long> Sum, List<TaskCompletionSource> Waiters)>();
            while (reader.TryRead(out var item))
            {
                if (!rows.TryGetValue((item.PartitionKey, item.RowKey), out var row))
                {
                    row = (new Dictionary<string, long>(StringComparer.Ordinal), []);
                    rows[(item.PartitionKey, item.RowKey)] = row;
                }

                foreach (var (name, delta) in item.Deltas)
                {
                    row.Sum[name] = row.Sum.GetValueOrDefault(name) + delta;
                }

                row.Waiters.Add(item.Completion);
            }

            await Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (row, _) =>
            {
                try
                {
                    await ApplyAsync(row.Key.Item1, row.Key.Item2, row.Value.Sum);
                    row.Value.Waiters.ForEach(w => w.TrySetResult());
                }
                catch (Exception ex)
                {
                    row.Value.Waiters.ForEach(w => w.TrySetException(ex));
                }
            });
        }
    }

    private async Task ApplyAsync(string partitionKey, string rowKey, Dictionary<string, long> sum)
    {
        if (sum.Values.All(v => v == 0))
        {
            return;
        }

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            try
            {
                var found = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
                if (!found.HasValue || found.Value is null)
                {
                    var entity = new TableEntity(partitionKey, rowKey);
                    foreach (var (name, delta) in sum)
                    {
                        entity[name] = delta;
                    }

                    await table.AddEntityAsync(entity);
                    return;
                }

                var current = found.Value;
                foreach (var (name, delta) in sum)
                {
                    current[name] = Read(current, name) + delta;
                }

                if (deleteWhenZero && current.Keys.Where(IsCounter).All(name => Read(current, name) == 0))
                {
                    await table.DeleteEntityAsync(current, current.ETag);
                }
                else
                {
                    await table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another instance changed (or created, or deleted) the row between our read and write: read it again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + 5 * Math.Min(attempt, 20))));
            }
        }

        throw new InvalidOperationException($"Counter row {partitionKey}/{rowKey} kept changing under {MaxAttempts} attempts.");
    }

    private static bool IsCounter(string name) => name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag");

    private sealed record Pending(string PartitionKey, string RowKey, IReadOnlyDictionary<string, long> Deltas, TaskCompletionSource Completion);
}
