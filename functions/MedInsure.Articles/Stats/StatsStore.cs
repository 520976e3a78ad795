using System.Globalization;
using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Stats;

/// <summary>
/// The aggregate rows of the stats table: each article's membership in its cells written exactly once by
/// <see cref="StatsWriter"/> at ingestion and re-tagging, range reads for queries and counts, and a full rebuild
/// (recount) from the articles that reports drift.
/// </summary>
public sealed class StatsStore(StorageProvisioner storage, Lazy<RegionGazetteer> gazetteer) : IAsyncDisposable
{
    private readonly Lazy<StatsWriter> writer = new(() => new StatsWriter(storage.Table(storage.Options.StatsTable)));

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }
    }

    public TableClient Table => storage.Table(storage.Options.StatsTable);

    public RegionGazetteer Gazetteer => gazetteer.Value;

    /// <summary>
    /// Moves an article's memberships from where <paramref name="before"/> counted it (or, unknown, wherever an earlier
    /// state may have: <see cref="StoredArticle.PriorDerived"/>) to where <paramref name="after"/> counts it.
    /// </summary>
    public async Task ApplyAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken)
    {
        var memberships = Memberships(before, after, gazetteer.Value);
        if (memberships.Count == 0)
        {
            return;
        }

        await storage.EnsureAsync(cancellationToken);
        // All cells ride in the same flush instead of one flush each.
        await Task.WhenAll(memberships.Select(m => writer.Value.ApplyAsync(m, cancellationToken)));
    }

    /// <summary>Where the article must be counted, and where it must not be any more; nothing when it stays put.</summary>
    public static IReadOnlyList<StatsMembership> Memberships(StoredArticle? before, StoredArticle after, RegionGazetteer gazetteer)
    {
        var next = StatsContribution.Of(after);
        var previous = before is null ? null : StatsContribution.Of(before);
        if (next == previous)
        {
            return [];
        }

        var target = StatsKeys.CellKeys(next, gazetteer).ToHashSet();
        var known = previous is null ? [] : StatsKeys.CellKeys(previous, gazetteer).ToHashSet();
        var memberships = target.Select(cell =>
            new StatsMembership(cell.PartitionKey, cell.RowKey, after.Id, next.FlagCodes, after.Version, MayExist: known.Contains(cell))).ToList();
        var leaving = known.Concat(after.PriorDerived.SelectMany(state => StatsKeys.CellKeys(StatsContribution.Of(state), gazetteer)))
            .Where(cell => !target.Contains(cell)).Distinct();
        memberships.AddRange(leaving.Select(cell => new StatsMembership(cell.PartitionKey, cell.RowKey, after.Id, null, after.Version, MayExist: true)));
        return memberships;
    }

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
        // Member rows share the partitions (they sort after every cell): read the cells only.
        filter += " and " + StatsKeys.CellsOnly;
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
