using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace MedInsure.Articles.Storage;

/// <summary>The result of one queued table action.</summary>
public enum TableWriteStatus
{
    Succeeded,

    /// <summary>Add of an entity that exists (409).</summary>
    Conflict,

    /// <summary>ETag no longer matches (412) or the entity vanished (404) under an update.</summary>
    PreconditionFailed,
}

/// <summary>The outcome of one queued table action and, for a write that landed, the row's new ETag.</summary>
public readonly record struct TableWriteResult(TableWriteStatus Status, ETag? ETag = null)
{
    public bool Succeeded => Status == TableWriteStatus.Succeeded;
}

/// <summary>
/// Coalesces single-entity writes from concurrent ingestions into entity-group transactions (≤100 actions of one
/// partition, each body under 4 MiB by <see cref="TableLimits.EstimatedTransactionBytes"/>), so a bulk upload costs
/// about one request per partition and batch instead of one per article. A write Azure would refuse for its keys or
/// its size fails before it is queued (<see cref="TableWriteRejectedException"/>); an action the store refuses fails
/// alone and the rest of its batch is resubmitted. One writer may serve several tables (the index shards): batches
/// never mix tables, but they share the requests in flight.
/// </summary>
public sealed class TableBatchWriter : IAsyncDisposable
{
    // Few requests in flight: while they run, writes queue up and the next round's batches are fuller. More would not
    // make a single-threaded emulator faster, and 8 × 100 entities per round trip is far above what a dump needs in Azure.
    private const int MaxInFlight = 8;

    private readonly TableClient table;
    private readonly string metricName;
    private readonly TimeSpan linger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task pump;
    private readonly SemaphoreSlim inFlight = new(MaxInFlight, MaxInFlight);

    /// <param name="table">Where <see cref="SubmitAsync(TableTransactionAction, CancellationToken)"/> writes.</param>
    /// <param name="metricName">The <c>table</c> tag of this writer's metrics; the default table's name when absent.</param>
    public TableBatchWriter(TableClient table, TimeSpan? linger = null, string? metricName = null)
    {
        this.table = table;
        this.metricName = metricName ?? table.Name;
        this.linger = linger ?? TimeSpan.FromMilliseconds(20);
        pump = Task.Run(PumpAsync);
    }

    public Task<TableWriteResult> SubmitAsync(TableTransactionAction action, CancellationToken cancellationToken) =>
        SubmitAsync(table, action, cancellationToken);

    /// <exception cref="TableWriteRejectedException">(from the task) Azure would refuse the write for its keys or its size.</exception>
    public Task<TableWriteResult> SubmitAsync(TableClient target, TableTransactionAction action, CancellationToken cancellationToken)
    {
        try
        {
            TableLimits.EnsureWritable(target.Name, action);
        }
        catch (TableWriteRejectedException ex)
        {
            return Task.FromException<TableWriteResult>(ex);
        }

        var pending = new Pending(target, action, TableLimits.EstimatedTransactionBytes(action),
            new TaskCompletionSource<TableWriteResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(TableBatchWriter));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await pump;
    }

    private async Task PumpAsync()
    {
        var reader = queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            // Let concurrent producers add to this round before it is cut into batches.
            await Task.Delay(linger);
            var round = new List<Pending>();
            while (reader.TryRead(out var item))
            {
                round.Add(item);
            }

            foreach (var partition in round.GroupBy(p => (p.Table.Name, p.Action.Entity.PartitionKey)))
            {
                foreach (var batch in SplitIntoBatches(partition))
                {
                    // Pipelined: the next round collects while these run. When every slot is busy, waiting here lets
                    // more writes queue up, so batches fill up exactly when the store is the bottleneck.
                    await inFlight.WaitAsync();
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await ExecuteAsync(batch);
                        }
                        finally
                        {
                            inFlight.Release();
                        }
                    });
                }
            }
        }

        for (var i = 0; i < MaxInFlight; i++)
        {
            await inFlight.WaitAsync();
        }
    }

    // A transaction holds at most 100 actions and 4 MiB, and may not touch one row twice: an item goes into the first
    // open batch it fits, else it opens a new one (an item over the budget on its own goes alone).
    private static IEnumerable<List<Pending>> SplitIntoBatches(IEnumerable<Pending> partition)
    {
        var open = new List<Batch>();
        foreach (var item in partition)
        {
            var target = open.FirstOrDefault(b => b.Items.Count < TableLimits.MaxTransactionActions
                && b.Bytes + item.Bytes <= TableLimits.TransactionBudgetBytes
                && !b.Keys.Contains(item.Action.Entity.RowKey));
            if (target is null)
            {
                target = new Batch();
                open.Add(target);
            }

            target.Items.Add(item);
            target.Keys.Add(item.Action.Entity.RowKey);
            target.Bytes += item.Bytes;
        }

        return open.Select(b => b.Items);
    }

    private async Task ExecuteAsync(List<Pending> batch)
    {
        var target = batch[0].Table;
        var remaining = batch;
        while (remaining.Count > 0)
        {
            try
            {
                StorageMetrics.RecordWrite(metricName, "rows", remaining.Count);
                if (remaining.Count == 1)
                {
                    await ExecuteSingleAsync(remaining[0]);
                }
                else
                {
                    var responses = (await target.SubmitTransactionAsync(remaining.Select(p => p.Action))).Value;
                    for (var i = 0; i < remaining.Count; i++)
                    {
                        remaining[i].Completion.TrySetResult(new(TableWriteStatus.Succeeded, responses[i].Headers.ETag));
                    }
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is int index && index < remaining.Count && StatusOf(ex.Status) is { } status)
            {
                StorageMetrics.RecordConflict(metricName, "rows");
                remaining[index].Completion.TrySetResult(new(status));
                remaining = [.. remaining.Where((_, i) => i != index)];
                // One refused action fails the whole transaction, and a round often holds several (deletes of rows a
                // concurrent writer removed, adds of rows a retry wrote): resubmitting once per refusal would send the
                // other writers' actions again each time. The actions that can be refused go alone; upserts cannot be.
                if (remaining.Count > 1 && remaining.Any(MayBeRefused))
                {
                    await Task.WhenAll(remaining.Where(MayBeRefused).Select(ExecuteSingleAsync));
                    remaining = [.. remaining.Where(p => !MayBeRefused(p))];
                }
            }
            catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is int index && index < remaining.Count && remaining.Count > 1 && !ex.IsTransient())
            {
                // The store refused that entity (too large, bad property): it fails alone, not the other callers'
                // writes that happened to share its transaction.
                remaining[index].Completion.TrySetException(ex);
                remaining = [.. remaining.Where((_, i) => i != index)];
            }
            catch (Exception ex)
            {
                foreach (var item in remaining)
                {
                    item.Completion.TrySetException(ex);
                }

                return;
            }
        }
    }

    private static async Task ExecuteSingleAsync(Pending item)
    {
        var (table, action) = (item.Table, item.Action);
        try
        {
            var response = action.ActionType switch
            {
                TableTransactionActionType.Add => await table.AddEntityAsync(action.Entity),
                TableTransactionActionType.UpdateReplace => await table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Replace),
                TableTransactionActionType.UpdateMerge => await table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Merge),
                TableTransactionActionType.UpsertReplace => await table.UpsertEntityAsync(action.Entity, TableUpdateMode.Replace),
                TableTransactionActionType.UpsertMerge => await table.UpsertEntityAsync(action.Entity, TableUpdateMode.Merge),
                TableTransactionActionType.Delete => await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, action.ETag),
                _ => throw new NotSupportedException(action.ActionType.ToString()),
            };
            item.Completion.TrySetResult(new(TableWriteStatus.Succeeded, response.Headers.ETag));
        }
        catch (RequestFailedException ex) when (StatusOf(ex.Status) is { } status)
        {
            item.Completion.TrySetResult(new(status));
        }
    }

    private static bool MayBeRefused(Pending item) =>
        item.Action.ActionType is not (TableTransactionActionType.UpsertReplace or TableTransactionActionType.UpsertMerge);

    private static TableWriteStatus? StatusOf(int status) => status switch
    {
        409 => TableWriteStatus.Conflict,
        412 or 404 => TableWriteStatus.PreconditionFailed,
        _ => null,
    };

    // Bytes: an upper bound on the room the action takes in a transaction's body.
    private sealed record Pending(TableClient Table, TableTransactionAction Action, int Bytes, TaskCompletionSource<TableWriteResult> Completion);

    private sealed class Batch
    {
        public List<Pending> Items { get; } = [];

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);

        public long Bytes { get; set; }
    }
}
