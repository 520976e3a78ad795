using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Stats;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Rebuild;

/// <summary>How far a rebuild is: its phase ("articles", then "partitions"), and how many of how many are done.</summary>
public sealed record RebuildProgress(string Phase, int Done, int? Total);

public sealed record StatsDrift(string PartitionKey, string RowKey, long StoredArticles, long ExpectedArticles, long StoredFlagged, long ExpectedFlagged);

/// <summary>Result of a recount: articles scanned, cells expected, cells whose stored counts differed (first 100), member rows repaired.</summary>
public sealed record RecountReport(int Articles, int Cells, int DriftCells, int MembersFixed, IReadOnlyList<StatsDrift> Drift);

/// <summary>One index row that differed from the articles: missing, stale (other content) or extra (no article state has it).</summary>
public sealed record IndexDrift(string Table, string RowKey, string Kind);

/// <summary>Result of a reindex: articles scanned, rows expected, rows missing, stale and extra (first 100 listed), all repaired.</summary>
public sealed record ReindexReport(int Articles, int Rows, int Missing, int Stale, int Extra, IReadOnlyList<IndexDrift> Drift);

/// <summary>
/// Rebuilds what ingestion derives from the articles, and says what had drifted: <see cref="RecountAsync"/> the
/// statistics cells with their member rows (which also give the topic and region counts), <see cref="ReindexAsync"/>
/// the query index. Both scan the articles once, then reconcile one partition at a time: the partition is read, the
/// differences are written under the ETags just read, and a partition that changed meanwhile is read again. A row made
/// from a newer article version than the scan saw is left alone, and an article that changed since the scan is
/// re-read before any of its rows is touched, so a rebuild can run while dumps are being ingested.
/// </summary>
public sealed class DerivedRebuild(ArticleStore articles, StorageProvisioner storage, Lazy<RegionGazetteer> gazetteer)
{
    private const int MaxAttempts = 20;
    private const int ListedDrift = 100;

    public async Task<RecountReport> RecountAsync(IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var (snapshot, count) = await ScanAsync(progress, cancellationToken);
        var expected = new Dictionary<string, Dictionary<string, Member>>(StringComparer.Ordinal);
        foreach (var article in snapshot.Values)
        {
            var contribution = StatsContribution.Of(article);
            foreach (var (pk, rk) in StatsKeys.CellKeys(contribution, gazetteer.Value))
            {
                Partition(expected, pk)[StatsWriter.MemberRowKey(rk, article.Id)] = new Member(rk, article.Id, contribution.FlagCodes, article.Version);
            }
        }

        var table = storage.Table(storage.Options.StatsTable);
        var partitions = expected.Keys.Union(await PartitionsAsync(table, cancellationToken)).Order(StringComparer.Ordinal).ToList();
        var drift = new List<StatsDrift>();
        var membersFixed = 0;
        var done = 0;
        foreach (var partition in partitions)
        {
            var (cellDrift, fixedMembers) = await ReconcileStatsAsync(table, partition, expected.GetValueOrDefault(partition) ?? [], snapshot, cancellationToken);
            drift.AddRange(cellDrift);
            membersFixed += fixedMembers;
            progress?.Report(new RebuildProgress("partitions", ++done, partitions.Count));
        }

        return new RecountReport(count, expected.Sum(p => p.Value.Values.Select(m => m.Cell).Distinct().Count()), drift.Count, membersFixed,
            [.. drift.OrderBy(d => d.PartitionKey, StringComparer.Ordinal).ThenBy(d => d.RowKey, StringComparer.Ordinal).Take(ListedDrift)]);
    }

    public async Task<ReindexReport> ReindexAsync(IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var (snapshot, count) = await ScanAsync(progress, cancellationToken);
        var expected = new Dictionary<int, Dictionary<string, TableEntity>>();
        foreach (var article in snapshot.Values)
        {
            foreach (var row in ArticleIndex.RowsFor(article))
            {
                var shard = ArticleIndex.ShardOfPartition(row.PartitionKey);
                if (!expected.TryGetValue(shard, out var rows))
                {
                    expected[shard] = rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                }

                rows[row.RowKey] = row;
            }
        }

        int missing = 0, stale = 0, extra = 0, done = 0;
        var drift = new List<IndexDrift>();
        for (var shard = 0; shard < ArticleIndex.Shards; shard++)
        {
            var table = storage.IndexShard(shard);
            var found = await ReconcileIndexAsync(table, ArticleIndex.PartitionOf(shard), expected.GetValueOrDefault(shard) ?? [], snapshot, cancellationToken);
            missing += found.Count(d => d.Kind == "missing");
            stale += found.Count(d => d.Kind == "stale");
            extra += found.Count(d => d.Kind == "extra");
            drift.AddRange(found.Take(ListedDrift - drift.Count).Select(d => d with { Table = table.Name }));
            progress?.Report(new RebuildProgress("partitions", ++done, ArticleIndex.Shards));
        }

        return new ReindexReport(count, expected.Sum(s => s.Value.Count), missing, stale, extra, drift);
    }

    private async Task<(Dictionary<string, StoredArticle> Snapshot, int Count)> ScanAsync(IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        var snapshot = new Dictionary<string, StoredArticle>(StringComparer.Ordinal);
        await foreach (var article in articles.ScanAsync(cancellationToken))
        {
            snapshot[article.Id] = article;
            if (snapshot.Count % 100 == 0)
            {
                progress?.Report(new RebuildProgress("articles", snapshot.Count, null));
            }
        }

        progress?.Report(new RebuildProgress("articles", snapshot.Count, snapshot.Count));
        return (snapshot, snapshot.Count);
    }

    private async Task<(List<StatsDrift> Drift, int MembersFixed)> ReconcileStatsAsync(
        TableClient table, string partition, Dictionary<string, Member> expected, Dictionary<string, StoredArticle> snapshot, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await ReadPartitionAsync(table, partition, cancellationToken);
            var cells = stored.Where(r => StatsWriter.IsCell(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
            var members = stored.Where(r => !StatsWriter.IsCell(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

            // What the articles say each cell holds, against what is stored (the drift to report).
            var wanted = ExpectedCells(expected.Values);
            var drift = wanted.Keys.Union(cells.Keys)
                .Select(cell => (cell, want: wanted.GetValueOrDefault(cell), have: cells.GetValueOrDefault(cell)))
                .Where(c => !SameCounts(c.want, c.have))
                .Select(c => new StatsDrift(partition, c.cell, Count(c.have, StatsKeys.Articles), c.want?.GetValueOrDefault(StatsKeys.Articles) ?? 0,
                    Count(c.have, StatsKeys.Flagged), c.want?.GetValueOrDefault(StatsKeys.Flagged) ?? 0))
                .ToList();

            // Member rows first, each guarded by what was just read; rows of articles that moved on since the scan are theirs.
            var actions = new List<TableTransactionAction>();
            var fresh = await FreshAsync(
                expected.Where(m => !members.TryGetValue(m.Key, out var row) || row.GetString("Flags") != m.Value.Flags).Select(m => m.Value.ArticleId)
                    .Concat(members.Where(m => !expected.ContainsKey(m.Key)).Select(m => ArticleIdOf(m.Key))),
                snapshot, cancellationToken);
            foreach (var (rowKey, want) in expected)
            {
                if (!fresh.Contains(want.ArticleId))
                {
                    continue;
                }

                var entity = new TableEntity(partition, rowKey) { ["Version"] = want.Version, ["Flags"] = want.Flags };
                if (!members.TryGetValue(rowKey, out var have))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
                }
                else if (have.GetString("Flags") != want.Flags && (have.GetInt64("Version") ?? 0) <= want.Version)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, have.ETag));
                }
            }

            foreach (var (rowKey, have) in members.Where(m => !expected.ContainsKey(m.Key)))
            {
                var article = snapshot.GetValueOrDefault(ArticleIdOf(rowKey));
                if (fresh.Contains(ArticleIdOf(rowKey)) && (article is null || (have.GetInt64("Version") ?? 0) <= article.Version))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, have, have.ETag));
                }
            }

            try
            {
                await SubmitAsync(table, actions, cancellationToken);

                // Then each cell is set to what its member rows, as they now stand, add up to.
                var now = actions.Count == 0 ? members : (await ReadPartitionAsync(table, partition, cancellationToken)).Where(r => !StatsWriter.IsCell(r.Key))
                    .ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
                var counted = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
                foreach (var (rowKey, member) in now)
                {
                    var cell = CellOf(rowKey);
                    counted[cell] = Add(counted.GetValueOrDefault(cell), StatsWriter.Contribution(member.GetString("Flags") ?? "", 1));
                }

                var cellActions = new List<TableTransactionAction>();
                foreach (var cell in counted.Keys.Union(cells.Keys))
                {
                    var want = counted.GetValueOrDefault(cell);
                    var have = cells.GetValueOrDefault(cell);
                    if (SameCounts(want, have))
                    {
                        continue;
                    }

                    var entity = new TableEntity(partition, cell);
                    foreach (var (name, value) in want ?? [])
                    {
                        entity[name] = value;
                    }

                    cellActions.Add(want is null || want.Values.All(v => v == 0)
                        ? new TableTransactionAction(TableTransactionActionType.Delete, have!, have!.ETag)
                        : have is null
                            ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, have.ETag));
                }

                await SubmitAsync(table, cellActions, cancellationToken);
                return (drift, actions.Count);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404 && attempt + 1 < MaxAttempts)
            {
                // Ingestion changed the partition since it was read: read it again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50)), cancellationToken);
            }
        }
    }

    private async Task<List<IndexDrift>> ReconcileIndexAsync(
        TableClient table, string partition, Dictionary<string, TableEntity> expected, Dictionary<string, StoredArticle> snapshot, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await ReadPartitionAsync(table, partition, cancellationToken);
            var drift = new List<IndexDrift>();
            var planned = new List<(TableTransactionAction Action, string ArticleId)>();
            foreach (var (rowKey, want) in expected)
            {
                if (!stored.TryGetValue(rowKey, out var have))
                {
                    drift.Add(new IndexDrift(table.Name, rowKey, "missing"));
                    planned.Add((new TableTransactionAction(TableTransactionActionType.Add, want), want.GetString("Id")!));
                }
                else if (!ArticleIndex.SameContent(have, want) && (have.GetInt64(ArticleIndex.VersionProperty) ?? 0) <= (want.GetInt64(ArticleIndex.VersionProperty) ?? 0))
                {
                    drift.Add(new IndexDrift(table.Name, rowKey, "stale"));
                    planned.Add((new TableTransactionAction(TableTransactionActionType.UpdateReplace, want, have.ETag), want.GetString("Id")!));
                }
            }

            foreach (var (rowKey, have) in stored.Where(r => !expected.ContainsKey(r.Key)))
            {
                var id = have.GetString("Id") ?? "";
                var article = snapshot.GetValueOrDefault(id);
                if (article is null || (have.GetInt64(ArticleIndex.VersionProperty) ?? 0) <= article.Version)
                {
                    drift.Add(new IndexDrift(table.Name, rowKey, "extra"));
                    planned.Add((new TableTransactionAction(TableTransactionActionType.Delete, have, have.ETag), id));
                }
            }

            var fresh = await FreshAsync(planned.Select(p => p.ArticleId), snapshot, cancellationToken);
            try
            {
                await SubmitAsync(table, [.. planned.Where(p => fresh.Contains(p.ArticleId)).Select(p => p.Action)], cancellationToken);
                return drift;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404 && attempt + 1 < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50)), cancellationToken);
            }
        }
    }

    // Articles whose stored version is still the one the scan saw (or that no longer exist): only their rows are repaired.
    // One that moved on writes its own derived rows.
    private async Task<HashSet<string>> FreshAsync(IEnumerable<string> ids, Dictionary<string, StoredArticle> snapshot, CancellationToken cancellationToken)
    {
        var fresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var current = await articles.FindVersionAsync(id, cancellationToken);
            if (current == (snapshot.TryGetValue(id, out var seen) ? seen.Version : null))
            {
                fresh.Add(id);
            }
        }

        return fresh;
    }

    private static async Task SubmitAsync(TableClient table, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        var batch = new List<TableTransactionAction>();
        var bytes = 0;
        foreach (var action in actions)
        {
            var size = TableLimits.EstimatedTransactionBytes(action);
            if (batch.Count == TableLimits.MaxTransactionActions || (batch.Count > 0 && bytes + size > TableLimits.TransactionBudgetBytes))
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
                (batch, bytes) = ([], 0);
            }

            batch.Add(action);
            bytes += size;
        }

        if (batch.Count > 0)
        {
            await table.SubmitTransactionAsync(batch, cancellationToken);
        }
    }

    private static async Task<Dictionary<string, TableEntity>> ReadPartitionAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), 1000, cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    private static async Task<IEnumerable<string>> PartitionsAsync(TableClient table, CancellationToken cancellationToken)
    {
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            partitions.Add(row.PartitionKey);
        }

        return partitions;
    }

    private static Dictionary<string, Member> Partition(Dictionary<string, Dictionary<string, Member>> all, string partition)
    {
        if (!all.TryGetValue(partition, out var members))
        {
            all[partition] = members = new Dictionary<string, Member>(StringComparer.Ordinal);
        }

        return members;
    }

    private static Dictionary<string, Dictionary<string, long>> ExpectedCells(IEnumerable<Member> members)
    {
        var cells = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            cells[member.Cell] = Add(cells.GetValueOrDefault(member.Cell), StatsWriter.Contribution(member.Flags, 1));
        }

        return cells;
    }

    private static Dictionary<string, long> Add(Dictionary<string, long>? into, Dictionary<string, long> counts)
    {
        into ??= new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in counts)
        {
            into[name] = into.GetValueOrDefault(name) + value;
        }

        return into;
    }

    private static bool SameCounts(Dictionary<string, long>? want, TableEntity? have)
    {
        var names = (want?.Keys.AsEnumerable() ?? []).Concat(have is null ? [] : CountNames(have)).Distinct(StringComparer.Ordinal);
        return names.All(n => (want?.GetValueOrDefault(n) ?? 0) == Count(have, n));
    }

    private static IEnumerable<string> CountNames(TableEntity entity) =>
        entity.Keys.Where(k => k is StatsKeys.Articles or StatsKeys.Flagged || k.StartsWith(StatsKeys.FlagPrefix, StringComparison.Ordinal));

    private static long Count(TableEntity? entity, string name) => entity is null ? 0 : StatsKeys.Count(entity, name);

    // "~{cell}|{articleId}": the article id is the last segment, the cell everything between.
    private static string CellOf(string memberRowKey) => memberRowKey[1..memberRowKey.LastIndexOf('|')];

    private static string ArticleIdOf(string memberRowKey) => memberRowKey[(memberRowKey.LastIndexOf('|') + 1)..];

    private sealed record Member(string Cell, string ArticleId, string Flags, long Version);
}
