using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;

namespace MedInsure.Articles.Storage;

/// <summary>
/// Coalesces counter increments from concurrent ingestions. Deltas for the same row are summed in memory per flush and
/// written as entity-group transactions (≤100 rows of one partition, each body under 4 MiB by
/// <see cref="TableLimits.EstimatedTransactionBytes"/>), each row under its ETag, so a bulk upload costs
/// about one request per partition and flush instead of a read and a write per counter row. The rows' last written
/// state and ETag are remembered, so a row this writer touched before is not read again, and a row it never saw is
/// assumed new (an Add). A 412/404 (another instance changed or deleted it) or 409 (it existed after all) refuses the
/// whole transaction; the row is read and the batch resubmitted.
/// Callers' tasks complete once their delta is durable, so counts are exact whenever an ingestion reports success.
/// </summary>
public sealed class CounterWriter : IAsyncDisposable
{
    private const int MaxAttempts = 50;
    private const int MaxInFlight = 8;

    // Bounds the remembered rows (~200 bytes each, so ≤ ~20 MB): two generations of at most this many, so rows in use
    // survive a turnover while rows untouched for a whole generation are dropped (and read again if they return).
    private const int MaxKnownRows = 50_000;

    private readonly TableClient table;
    private readonly bool deleteWhenZero;
    private readonly TimeSpan linger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task pump;
    private Dictionary<(string, string), Known> known = [];
    private Dictionary<(string, string), Known> older = [];
    private readonly Lock gate = new();

    /// <param name="deleteWhenZero">Delete a row whose counters all reach zero (so group listings skip empty groups).</param>
    public CounterWriter(TableClient table, bool deleteWhenZero, TimeSpan? linger = null)
    {
        this.table = table;
        this.deleteWhenZero = deleteWhenZero;
        this.linger = linger ?? TimeSpan.FromMilliseconds(30);
        pump = Task.Run(PumpAsync);
    }

    /// <exception cref="TableWriteRejectedException">(from the task) Azure would refuse the row's keys.</exception>
    public Task AddAsync(string partitionKey, string rowKey, IReadOnlyDictionary<string, long> deltas, CancellationToken cancellationToken)
    {
        try
        {
            TableLimits.EnsureKeys(table.Name, partitionKey, rowKey);
        }
        catch (TableWriteRejectedException ex)
        {
            return Task.FromException(ex);
        }

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
            // Rounds run one after another: a row's remembered ETag is only used once its previous write has settled.
            // Deltas that arrive meanwhile wait for the next round, so batches grow when the store is the bottleneck.
            await Task.Delay(linger);
            var rows = new Dictionary<(string, string), Row>();
            while (reader.TryRead(out var item))
            {
                if (!rows.TryGetValue((item.PartitionKey, item.RowKey), out var row))
                {
                    rows[(item.PartitionKey, item.RowKey)] = row = new Row(item.PartitionKey, item.RowKey);
                }

                foreach (var (name, delta) in item.Deltas)
                {
                    row.Sum[name] = row.Sum.GetValueOrDefault(name) + delta;
                }

                row.Waiters.Add(item.Completion);
            }

            foreach (var row in rows.Values.Where(r => r.Sum.Values.All(v => v == 0)))
            {
                row.Waiters.ForEach(w => w.TrySetResult());
            }

            var batches = rows.Values.Where(r => r.Sum.Values.Any(v => v != 0))
                .GroupBy(r => r.PartitionKey, StringComparer.Ordinal)
                .SelectMany(SplitIntoBatches);
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight }, async (batch, _) =>
            {
                try
                {
                    await ApplyAsync(batch);
                    foreach (var row in batch)
                    {
                        row.Waiters.ForEach(w => w.TrySetResult());
                    }
                }
                catch (Exception ex)
                {
                    foreach (var row in batch)
                    {
                        Forget(row);
                        row.Waiters.ForEach(w => w.TrySetException(ex));
                    }
                }
            });

            lock (gate)
            {
                if (known.Count > MaxKnownRows)
                {
                    (older, known) = (known, []);
                }
            }
        }
    }

    // ≤100 rows and 4 MiB a transaction, each row measured as written: every counter it has and the ones it gains.
    private IEnumerable<Row[]> SplitIntoBatches(IEnumerable<Row> partition)
    {
        var batch = new List<Row>();
        long bytes = 0;
        foreach (var row in partition)
        {
            var size = EstimatedBytes(row);
            if (batch.Count == TableLimits.MaxTransactionActions || (batch.Count > 0 && bytes + size > TableLimits.TransactionBudgetBytes))
            {
                yield return [.. batch];
                batch.Clear();
                bytes = 0;
            }

            batch.Add(row);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            yield return [.. batch];
        }
    }

    private int EstimatedBytes(Row row)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        lock (gate)
        {
            foreach (var (name, _) in (known.GetValueOrDefault((row.PartitionKey, row.RowKey)) ?? older.GetValueOrDefault((row.PartitionKey, row.RowKey)))?.Counts ?? [])
            {
                entity[name] = 0L;
            }
        }

        foreach (var name in row.Sum.Keys)
        {
            entity[name] = 0L;
        }

        return TableLimits.EstimatedTransactionBytes(new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity));
    }

    private async Task ApplyAsync(Row[] batch)
    {
        // A row this writer has never seen is assumed absent and added: on a growing store most are new, and a
        // wrong guess costs one refused transaction, after which every guessed row of the batch is read.
        var guessed = new List<Row>();
        lock (gate)
        {
            foreach (var row in batch)
            {
                row.Current = known.GetValueOrDefault((row.PartitionKey, row.RowKey)) ?? older.GetValueOrDefault((row.PartitionKey, row.RowKey));
                if (row.Current is null)
                {
                    row.Current = Known.Absent;
                    guessed.Add(row);
                }
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var actions = batch.Select(ActionFor).ToList();
            StorageMetrics.RecordWrite(table.Name, "counters", actions.Count);
            try
            {
                if (actions.Count == 1)
                {
                    Remember(batch[0], actions[0], await ExecuteSingleAsync(actions[0]));
                }
                else
                {
                    var responses = await table.SubmitTransactionAsync(actions);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        Remember(batch[i], actions[i], responses.Value[i]);
                    }
                }

                return;
            }
            catch (Exception ex) when (attempt + 1 < MaxAttempts && Conflicted(ex, batch.Length) is { } index)
            {
                // Another instance created, changed or deleted that row (or a guess was wrong): nothing of this
                // transaction was applied, so read the row (and any other guesses) again and resubmit the batch.
                StorageMetrics.RecordConflict(table.Name, "counters");
                var stale = guessed.Contains(batch[index]) ? [.. guessed] : new List<Row> { batch[index] };
                guessed.Clear();
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + 5 * Math.Min(attempt, 20))));
                }

                await Task.WhenAll(stale.Select(ReadAsync));
            }
        }
    }

    private static int? Conflicted(Exception ex, int count) => ex switch
    {
        TableTransactionFailedException { Status: 409 or 412 or 404, FailedTransactionActionIndex: int i } when i < count => i,
        RequestFailedException { Status: 409 or 412 or 404 } when count == 1 => 0,
        _ => null,
    };

    // Point reads: a filter query would make Azurite scan the whole table, and Azure its partition.
    private async Task ReadAsync(Row row)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey);
        row.Current = found.HasValue && found.Value is { } entity ? Known.Of(entity, entity.ETag) : Known.Absent;
    }

    private TableTransactionAction ActionFor(Row row)
    {
        var current = row.Current!;
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in current.Counts ?? [])
        {
            entity[name] = value;
        }

        foreach (var (name, delta) in row.Sum)
        {
            entity[name] = Read(entity, name) + delta;
        }

        if (current.Counts is null)
        {
            return new TableTransactionAction(TableTransactionActionType.Add, entity);
        }

        // A merge, not a replace: the row written carries every counter the stored row has, so both leave the same row
        // (the ETag guards the state it builds on). Azurite updates a merged row in place, where a replace removes and
        // re-inserts it, shifting the table's sorted index arrays: the costliest step of a bulk upload there.
        return deleteWhenZero && entity.Keys.Where(IsCounter).All(name => Read(entity, name) == 0)
            ? new TableTransactionAction(TableTransactionActionType.Delete, entity, current.ETag)
            : new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, current.ETag);
    }

    private async Task<Response> ExecuteSingleAsync(TableTransactionAction action) => action.ActionType switch
    {
        TableTransactionActionType.Add => await table.AddEntityAsync(action.Entity),
        TableTransactionActionType.Delete => await table.DeleteEntityAsync(action.Entity, action.ETag),
        _ => await table.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Merge),
    };

    private void Remember(Row row, TableTransactionAction action, Response response)
    {
        var written = response.Headers.ETag;
        lock (gate)
        {
            if (action.ActionType != TableTransactionActionType.Delete && written is { } etag)
            {
                known[(row.PartitionKey, row.RowKey)] = Known.Of((TableEntity)action.Entity, etag);
            }
            else if (action.ActionType == TableTransactionActionType.Delete)
            {
                known[(row.PartitionKey, row.RowKey)] = Known.Absent;
            }
            else
            {
                known.Remove((row.PartitionKey, row.RowKey));
                older.Remove((row.PartitionKey, row.RowKey));
            }
        }
    }

    private void Forget(Row row)
    {
        lock (gate)
        {
            known.Remove((row.PartitionKey, row.RowKey));
            older.Remove((row.PartitionKey, row.RowKey));
        }
    }

    private static bool IsCounter(string name) => name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag");

    private sealed record Pending(string PartitionKey, string RowKey, IReadOnlyDictionary<string, long> Deltas, TaskCompletionSource Completion);

    private sealed class Row(string partitionKey, string rowKey)
    {
        public string PartitionKey { get; } = partitionKey;

        public string RowKey { get; } = rowKey;

        public Dictionary<string, long> Sum { get; } = new(StringComparer.Ordinal);

        public List<TaskCompletionSource> Waiters { get; } = [];

        /// <summary>The row's state this round's write builds on.</summary>
        public Known? Current { get; set; }
    }

    /// <summary>A row's counters as last read or written (<see cref="Counts"/> null: it does not exist).</summary>
    private sealed record Known(KeyValuePair<string, long>[]? Counts, ETag ETag)
    {
        public static Known Absent { get; } = new(null, default);

        public static Known Of(TableEntity entity, ETag etag) =>
            new([.. entity.Keys.Where(IsCounter).Select(name => KeyValuePair.Create(name, Read(entity, name)))], etag);
    }
}
