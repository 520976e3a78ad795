using System.Globalization;
using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Stats;

/// <summary>
/// The aggregate rows of the stats table: signed deltas coalesced and applied under ETags at ingestion and re-tagging, range reads
/// for queries, and a full rebuild (recount) from the articles that reports drift.
/// </summary>
public sealed class StatsStore(StorageProvisioner storage, Lazy<RegionGazetteer> gazetteer) : IAsyncDisposable
{
    private readonly Lazy<CounterWriter> counters = new(() => new CounterWriter(storage.Table(storage.Options.StatsTable), deleteWhenZero: true));

    public async ValueTask DisposeAsync()
    {
        if (counters.IsValueCreated)
        {
            await counters.Value.DisposeAsync();
        }
    }

    public TableClient Table => storage.Table(storage.Options.StatsTable);

    public RegionGazetteer Gazetteer => gazetteer.Value;

    public async Task ApplyAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken)
    {
        var deltas = StatsKeys.Deltas(before, after, gazetteer.Value);
        if (deltas.Count == 0)
        {
            return;
        }

        await storage.EnsureAsync(cancellationToken);
        // All cells ride in the same flush instead of one flush each.
        await Task.WhenAll(deltas.Select(delta => ApplyAsync(delta, cancellationToken)));
    }

    // Deltas from concurrent ingestions are summed per cell and applied once per flush (see CounterWriter):
    // per-article ETag updates on a few hot cells made bulk ingestion a retry storm. Emptied cells are deleted,
    // so a query never pays for groups that no longer hold an article.
    public Task ApplyAsync(StatsDelta delta, CancellationToken cancellationToken) =>
        counters.Value.AddAsync(delta.PartitionKey, delta.RowKey, delta.Changes, cancellationToken);

    /// <summary>The cells of one tier whose partitions can hold dates in [from, to]; undated cells only for an open range.</summary>
    public async Task<List<StatsCell>> ReadAsync(StatsTier tier, DateOnly? from, DateOnly? to, string? flag, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var prefix = StatsKeys.PrefixOf(tier);
        string filter;
        if (from is null && to is null)
        {
            filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix.ToString()} and PartitionKey lt {((char)(prefix + 1)).ToString()}");
        }
        else
        {
            var lo = prefix + (from ?? DateOnly.MinValue).ToString("yyyy", CultureInfo.InvariantCulture);
            var hi = prefix + (to ?? DateOnly.MaxValue).ToString("yyyy", CultureInfo.InvariantCulture);
            filter = TableClient.CreateQueryFilter($"PartitionKey ge {lo} and PartitionKey le {hi}");
            if (tier == StatsTier.Day)
            {
                // Day cells of a year share a partition; their RowKeys start with yyyyMMdd, and '}' sorts after '|'.
                var first = (from ?? DateOnly.MinValue).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
                var last = (to ?? DateOnly.MaxValue).ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "}";
                filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {first} and RowKey lt {last}");
            }
        }

        var counter = flag switch
        {
            null => StatsKeys.Articles,
            StatsQuery.AnyFlag => StatsKeys.Flagged,
            _ => StatsKeys.FlagProperty(flag),
        };
        var select = new[] { "RowKey", StatsKeys.Articles, StatsKeys.Flagged, counter }.Distinct().ToArray();
        var cells = new List<StatsCell>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: select, cancellationToken: cancellationToken))
        {
            var cell = StatsCell.Parse(tier, entity.RowKey, Count(entity, counter), flag is null ? Count(entity, StatsKeys.Flagged) : Count(entity, counter));
            if (cell is not null && cell.Articles != 0)
            {
                cells.Add(cell);
            }
        }

        return cells;
    }

    /// <summary>Rebuilds every cell from a scan of the articles; reports the cells whose stored counts differed before rewriting them.</summary>
    public async Task<RecountReport> RecountAsync(ArticleStore articles, Action<int>? progress, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var expected = new Dictionary<(string, string), Dictionary<string, long>>();
        var articleCount = 0;
        await foreach (var article in articles.ScanAsync(cancellationToken))
        {
            foreach (var (pk, rk, counts) in StatsKeys.Cells(StatsContribution.Of(article), gazetteer.Value))
            {
                if (!expected.TryGetValue((pk, rk), out var into))
                {
                    expected[(pk, rk)] = into = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                foreach (var (name, value) in counts)
                {
                    into[name] = into.GetValueOrDefault(name) + value;
                }
            }

            articleCount++;
            progress?.Invoke(articleCount);
        }

        var stored = new Dictionary<(string, string), TableEntity>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            stored[(entity.PartitionKey, entity.RowKey)] = entity;
        }

        var drift = new List<StatsDrift>();
        var writes = new List<TableTransactionAction>();
        foreach (var key in expected.Keys.Union(stored.Keys))
        {
            var want = expected.GetValueOrDefault(key) ?? new Dictionary<string, long>(StringComparer.Ordinal);
            var have = stored.GetValueOrDefault(key);
            var names = want.Keys.Concat(have is null ? [] : CountNames(have)).Distinct(StringComparer.Ordinal);
            if (names.All(n => want.GetValueOrDefault(n) == (have is null ? 0 : Count(have, n))))
            {
                continue;
            }

            drift.Add(new StatsDrift(key.Item1, key.Item2,
                have is null ? 0 : Count(have, StatsKeys.Articles), want.GetValueOrDefault(StatsKeys.Articles),
                have is null ? 0 : Count(have, StatsKeys.Flagged), want.GetValueOrDefault(StatsKeys.Flagged)));
            if (want.Count == 0 || want.Values.All(v => v == 0))
            {
                writes.Add(new TableTransactionAction(TableTransactionActionType.Delete, have!, ETag.All));
            }
            else
            {
                var entity = new TableEntity(key.Item1, key.Item2);
                foreach (var (name, value) in want)
                {
                    entity[name] = value;
                }

                writes.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            }
        }

        // Entity-group transactions of up to 100 per partition, several partitions at a time.
        await Parallel.ForEachAsync(writes.GroupBy(w => w.Entity.PartitionKey).SelectMany(g => g.Chunk(100)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (batch, ct) => await Table.SubmitTransactionAsync(batch, ct));

        return new RecountReport(articleCount, expected.Count, drift.Count, drift.OrderBy(d => d.PartitionKey, StringComparer.Ordinal).ThenBy(d => d.RowKey, StringComparer.Ordinal).Take(100).ToList());
    }

    private static IEnumerable<string> CountNames(TableEntity entity) =>
        entity.Keys.Where(k => k is StatsKeys.Articles or StatsKeys.Flagged || k.StartsWith(StatsKeys.FlagPrefix, StringComparison.Ordinal));

    private static long Count(TableEntity entity, string name) => entity.TryGetValue(name, out var value) ? value switch
    {
        long l => l,
        int i => i,
        string s when long.TryParse(s, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    } : 0;
}

/// <summary>One aggregate row as queries see it: its coordinates and the two counts the query asked for.</summary>
public sealed record StatsCell(DateOnly? Date, string Topic, string Region, long Articles, long Flagged)
{
    public static StatsCell? Parse(StatsTier tier, string rowKey, long articles, long flagged)
    {
        var parts = rowKey.Split('|');
        if (parts.Length != 3)
        {
            return null;
        }

        DateOnly? date = null;
        if (parts[0] != StatsKeys.NoDate)
        {
            if (!DateOnly.TryParseExact(tier == StatsTier.Day ? parts[0] : parts[0] + "01", "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                return null;
            }

            date = d;
        }

        return new StatsCell(date, parts[1], parts[2], articles, flagged);
    }

    /// <summary>The same numbers computed from one article (the slow path: recount checks and the benchmark baseline).</summary>
    public static StatsCell? FromArticle(StoredArticle article, string? flag)
    {
        var c = StatsContribution.Of(article);
        var counted = flag switch
        {
            null => true,
            StatsQuery.AnyFlag => c.Flagged,
            _ => c.Flags.Contains(flag, StringComparer.Ordinal),
        };
        return counted ? new StatsCell(c.Date, c.Topic, c.RegionCode, 1, c.Flagged ? 1 : 0) : null;
    }
}

public sealed record StatsDrift(string PartitionKey, string RowKey, long StoredArticles, long ExpectedArticles, long StoredFlagged, long ExpectedFlagged);

/// <summary>Result of a recount: articles scanned, cells written, and the cells that had drifted (first 100).</summary>
public sealed record RecountReport(int Articles, int Cells, int DriftCells, IReadOnlyList<StatsDrift> Drift);
