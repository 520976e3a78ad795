using System.Threading.Channels;
using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Stats;

/// <summary>Where one article should stand in one aggregate cell: counted with these flags, or not counted.</summary>
/// <param name="Flags">Sorted, comma-joined flag codes ("" for none) when the article counts in the cell; null when it does not.</param>
/// <param name="Version">The article version this comes from: a member row of a newer version is never overwritten.</param>
/// <param name="MayExist">False when the article has certainly never been counted in the cell (a new article), so no read is needed.</param>
public sealed record StatsMembership(string PartitionKey, string CellRowKey, string ArticleId, string? Flags, long Version, bool MayExist);

/// <summary>
/// Writes aggregate cells exactly once per change of an article's membership. Next to each cell, in the same partition,
/// a member row records which article it counts (RowKey <c>~{cell}|{articleId}</c>, with the article version and its
/// flags). A member row and the cell's counts change in one entity-group transaction, with preconditions on both
/// (Add for a member that must be new, the ETag for one that exists, the ETag for the cell): a retry of a change that
/// was applied finds its member row and changes nothing, a late change of an older article version finds a newer
/// member row and is dropped, and a transaction that was refused applied nothing. So the cells always equal the count
/// of their members, whatever fails and whatever order concurrent instances write in.
/// Concurrent changes are coalesced per flush: one transaction per partition carries many members and their cells.
/// </summary>
public sealed class StatsWriter : IAsyncDisposable
{
    public const char MemberPrefix = '~';

    private const int MaxAttempts = 50;
    private const int MaxBatch = 100;
    private const int MaxInFlight = 8;

    // Two generations of remembered rows (members and cells, as last written by this writer, with their ETags), so a
    // row this process wrote is not read again; untouched rows age out.
    private const int MaxKnownRows = 100_000;

    private readonly TableClient table;
    private readonly TimeSpan linger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task pump;
    private readonly Lock gate = new();
    private Dictionary<(string, string), Known> known = [];
    private Dictionary<(string, string), Known> older = [];

    public StatsWriter(TableClient table, TimeSpan? linger = null)
    {
        this.table = table;
        this.linger = linger ?? TimeSpan.FromMilliseconds(30);
        pump = Task.Run(PumpAsync);
    }

    public static string MemberRowKey(string cellRowKey, string articleId) => $"{MemberPrefix}{cellRowKey}|{articleId}";

    /// <summary>True for a cell's RowKey, false for a member row's.</summary>
    public static bool IsCell(string rowKey) => rowKey.Length == 0 || rowKey[0] != MemberPrefix;

    /// <summary>Completes once the membership (and the cell's counts) are durable, or it turned out stale or already applied.</summary>
    public Task ApplyAsync(StatsMembership membership, CancellationToken cancellationToken)
    {
        var pending = new Pending(membership, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(StatsWriter));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await pump;
    }

    /// <summary>What a member row adds to its cell.</summary>
    public static Dictionary<string, long> Contribution(string? flags, long sign)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if (flags is null)
        {
            return counts;
        }

        counts[StatsKeys.Articles] = sign;
        counts[StatsKeys.Flagged] = flags.Length > 0 ? sign : 0;
        foreach (var flag in flags.Length == 0 ? [] : flags.Split(','))
        {
            counts[StatsKeys.FlagProperty(flag)] = sign;
        }

        return counts;
    }

    private async Task PumpAsync()
    {
        var reader = queue.Reader;
        var carried = new List<Pending>();
        while (carried.Count > 0 || await reader.WaitToReadAsync())
        {
            await Task.Delay(linger);
            var round = carried;
            carried = [];
            while (reader.TryRead(out var item))
            {
                round.Add(item);
            }

            // The latest version of each (cell, article) wins the round; older ones are stale already.
            var members = new Dictionary<(string, string), MemberChange>();
            foreach (var item in round)
            {
                var m = item.Membership;
                var key = (m.PartitionKey, MemberRowKey(m.CellRowKey, m.ArticleId));
                if (!members.TryGetValue(key, out var change))
                {
                    members[key] = change = new MemberChange(m.PartitionKey, m.CellRowKey, key.Item2);
                }

                change.Add(item);
            }

            // A transaction holds at most MaxBatch actions: a cell with more member changes than fit goes on next round.
            var batches = new List<List<CellChange>>();
            foreach (var partition in members.Values.GroupBy(c => c.PartitionKey, StringComparer.Ordinal))
            {
                var batch = new List<CellChange>();
                var size = 0;
                foreach (var cell in partition.GroupBy(c => c.CellRowKey, StringComparer.Ordinal))
                {
                    var changes = cell.Take(MaxBatch - 1).ToList();
                    carried.AddRange(cell.Skip(MaxBatch - 1).SelectMany(c => c.Waiting));
                    if (size + changes.Count + 1 > MaxBatch)
                    {
                        batches.Add(batch);
                        (batch, size) = ([], 0);
                    }

                    batch.Add(new CellChange(partition.Key, cell.Key, changes));
                    size += changes.Count + 1;
                }

                batches.Add(batch);
            }

            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight }, async (batch, _) =>
            {
                var waiting = batch.SelectMany(c => c.Members).SelectMany(m => m.Waiting).ToList();
                try
                {
                    await ApplyAsync(batch);
                    waiting.ForEach(w => w.Completion.TrySetResult());
                }
                catch (Exception ex)
                {
                    foreach (var cell in batch)
                    {
                        Forget(cell.PartitionKey, cell.RowKey);
                        cell.Members.ForEach(m => Forget(m.PartitionKey, m.RowKey));
                    }

                    waiting.ForEach(w => w.Completion.TrySetException(ex));
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

    private async Task ApplyAsync(List<CellChange> batch)
    {
        var partition = batch[0].PartitionKey;
        var guessed = new HashSet<string>(StringComparer.Ordinal);
        var unread = new List<string>();
        lock (gate)
        {
            foreach (var cell in batch)
            {
                cell.Current = Remembered(partition, cell.RowKey);
                if (cell.Current is null)
                {
                    // Most cells of a growing store are new: guessed absent, read only if the guess is refused.
                    cell.Current = Known.Absent;
                    guessed.Add(cell.RowKey);
                }

                foreach (var member in cell.Members)
                {
                    member.Current = Remembered(partition, member.RowKey);
                    if (member.Current is null && !member.MayExist)
                    {
                        member.Current = Known.Absent;
                        guessed.Add(member.RowKey);
                    }
                    else if (member.Current is null)
                    {
                        unread.Add(member.RowKey);
                    }
                }
            }
        }

        await Task.WhenAll(unread.Select(rowKey => ReadAsync(batch, partition, rowKey)));
        for (var attempt = 0; ; attempt++)
        {
            var (actions, rows) = Plan(batch);
            if (actions.Count == 0)
            {
                return;
            }

            StorageMetrics.RecordWrite(table.Name, "stats", actions.Count);
            try
            {
                var responses = await table.SubmitTransactionAsync(actions);
                for (var i = 0; i < actions.Count; i++)
                {
                    Remember(partition, rows[i], actions[i], responses.Value[i].Headers.ETag);
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (attempt + 1 < MaxAttempts && ex.Status is 409 or 412 or 404
                && ex.FailedTransactionActionIndex is int index && index < rows.Count)
            {
                // Nothing of the transaction was applied: read the row that was refused (and, if it was a guess, every
                // guess of the batch) and plan again on what is really there.
                StorageMetrics.RecordConflict(table.Name, "stats");
                var stale = guessed.Contains(rows[index]) ? [.. guessed] : new List<string> { rows[index] };
                guessed.Clear();
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + 5 * Math.Min(attempt, 20))));
                }

                await Task.WhenAll(stale.Select(rowKey => ReadAsync(batch, partition, rowKey)));
            }
        }
    }

    // The actions that take each member from what is stored to what is wanted, and each cell by the difference.
    private static (List<TableTransactionAction> Actions, List<string> Rows) Plan(List<CellChange> batch)
    {
        var actions = new List<TableTransactionAction>();
        var rows = new List<string>();
        foreach (var cell in batch)
        {
            var delta = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var member in cell.Members)
            {
                var current = member.Current!;
                // A newer article version already stands here: this change is stale. The same state: already applied.
                if ((current.Exists && current.Version > member.Version) || current.Flags == member.Flags)
                {
                    continue;
                }

                foreach (var (name, value) in Contribution(current.Flags, -1).Concat(Contribution(member.Flags, +1)))
                {
                    delta[name] = delta.GetValueOrDefault(name) + value;
                }

                var entity = new TableEntity(cell.PartitionKey, member.RowKey) { ["Version"] = member.Version, ["Flags"] = member.Flags ?? "" };
                actions.Add(member.Flags is null
                    ? new TableTransactionAction(TableTransactionActionType.Delete, entity, current.ETag)
                    : current.Exists
                        ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag)
                        : new TableTransactionAction(TableTransactionActionType.Add, entity));
                rows.Add(member.RowKey);
            }

            if (delta.Values.All(v => v == 0))
            {
                continue;
            }

            var counts = new TableEntity(cell.PartitionKey, cell.RowKey);
            foreach (var (name, value) in cell.Current!.Counts ?? [])
            {
                counts[name] = value;
            }

            foreach (var (name, value) in delta)
            {
                counts[name] = StatsKeys.Count(counts, name) + value;
            }

            var empty = counts.Keys.Where(IsCounter).All(name => StatsKeys.Count(counts, name) == 0);
            actions.Add(!cell.Current.Exists
                ? new TableTransactionAction(TableTransactionActionType.Add, counts)
                : empty
                    ? new TableTransactionAction(TableTransactionActionType.Delete, counts, cell.Current.ETag)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, counts, cell.Current.ETag));
            rows.Add(cell.RowKey);
        }

        return (actions, rows);
    }

    // Point reads: each row's key is known, and a read costs the partition one entity.
    private async Task ReadAsync(List<CellChange> batch, string partition, string rowKey)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey);
        var state = found.HasValue && found.Value is { } entity ? Known.Of(entity) : Known.Absent;
        foreach (var cell in batch)
        {
            if (cell.RowKey == rowKey)
            {
                cell.Current = state;
            }

            foreach (var member in cell.Members.Where(m => m.RowKey == rowKey))
            {
                member.Current = state;
            }
        }
    }

    private Known? Remembered(string partition, string rowKey) =>
        known.GetValueOrDefault((partition, rowKey)) ?? older.GetValueOrDefault((partition, rowKey));

    private void Remember(string partition, string rowKey, TableTransactionAction action, ETag? written)
    {
        var state = action.ActionType == TableTransactionActionType.Delete ? Known.Absent
            : written is { } etag ? Known.Of((TableEntity)action.Entity, etag)
            : null;
        lock (gate)
        {
            if (state is null)
            {
                known.Remove((partition, rowKey));
                older.Remove((partition, rowKey));
            }
            else
            {
                known[(partition, rowKey)] = state;
            }
        }
    }

    private void Forget(string partition, string rowKey)
    {
        lock (gate)
        {
            known.Remove((partition, rowKey));
            older.Remove((partition, rowKey));
        }
    }

    private static bool IsCounter(string name) =>
        name is StatsKeys.Articles or StatsKeys.Flagged || name.StartsWith(StatsKeys.FlagPrefix, StringComparison.Ordinal);

    private sealed record Pending(StatsMembership Membership, TaskCompletionSource Completion);

    private sealed class MemberChange(string partitionKey, string cellRowKey, string rowKey)
    {
        public string PartitionKey { get; } = partitionKey;

        public string CellRowKey { get; } = cellRowKey;

        public string RowKey { get; } = rowKey;

        public List<Pending> Waiting { get; } = [];

        public string? Flags { get; private set; }

        public long Version { get; private set; } = long.MinValue;

        public bool MayExist { get; private set; }

        public Known? Current { get; set; }

        public void Add(Pending pending)
        {
            Waiting.Add(pending);
            var m = pending.Membership;
            MayExist |= m.MayExist;
            if (m.Version >= Version)
            {
                (Flags, Version) = (m.Flags, m.Version);
            }
        }
    }

    private sealed class CellChange(string partitionKey, string rowKey, List<MemberChange> members)
    {
        public string PartitionKey { get; } = partitionKey;

        public string RowKey { get; } = rowKey;

        public List<MemberChange> Members { get; } = members;

        public Known? Current { get; set; }
    }

    /// <summary>A row as last read or written: a member's flags and version, or a cell's counters; absent when it does not exist.</summary>
    private sealed record Known(bool Exists, ETag ETag, string? Flags, long Version, KeyValuePair<string, long>[]? Counts)
    {
        public static Known Absent { get; } = new(false, default, null, long.MinValue, null);

        public static Known Of(TableEntity entity) => Of(entity, entity.ETag);

        public static Known Of(TableEntity entity, ETag etag) => IsCell(entity.RowKey)
            ? new(true, etag, null, long.MinValue, [.. entity.Keys.Where(IsCounter).Select(name => KeyValuePair.Create(name, StatsKeys.Count(entity, name)))])
            : new(true, etag, entity.GetString("Flags") ?? "", entity.GetInt64("Version") ?? 0, null);
    }
}
