using Azure.Data.Tables;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Storage;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Catalog;

public sealed record TopicCount(string Code, string Name, string Description, int Articles);

public sealed record TopicList(IReadOnlyList<TopicCount> Items);

public sealed record RegionCount(string Code, string Name, string Level, int Articles);

/// <summary><c>Nationwide</c> (articles about no particular place) is given with the provinces only.</summary>
public sealed record RegionList(RegionRef? Parent, int? Nationwide, IReadOnlyList<RegionCount> Items);

/// <summary>What clients can filter on (topics, regions) with article counts, read from the count rows that ingestion
/// keeps up to date, never from scanning articles.</summary>
public sealed class CatalogService(StorageProvisioner storage, Lazy<RegionGazetteer> regions)
{
    public async Task<TopicList> TopicsAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var counts = await ReadCountsAsync("t|", "t}", cancellationToken);
        return new TopicList(Topics.All
            .Select(t => new TopicCount(t.Code, t.Name, t.Description, counts.GetValueOrDefault($"t|{t.Code}")))
            .ToList());
    }

    /// <summary>True when <paramref name="parent"/> is absent, nationwide or a current division code.</summary>
    public bool IsValidParent(string? parent) =>
        string.IsNullOrWhiteSpace(parent) || parent.Trim() == ArticleIndex.Nationwide || regions.Value.IsValid(parent.Trim());

    /// <summary>The divisions directly under <paramref name="parent"/> (the provinces when absent) with their counts.</summary>
    public async Task<RegionList> RegionsAsync(string? parent, CancellationToken cancellationToken)
    {
        var gazetteer = regions.Value;
        var parentCode = string.IsNullOrWhiteSpace(parent) ? ArticleIndex.Nationwide : parent.Trim();
        await storage.EnsureAsync(cancellationToken);
        var prefix = ArticleIndex.RegionCountKey(parentCode, "");
        var counts = await ReadCountsAsync(prefix, prefix[..^1] + ArticleIndex.KeyEnd, cancellationToken);
        int? nationwide = null;
        RegionRef? parentRef = null;
        if (parentCode == ArticleIndex.Nationwide)
        {
            var key = ArticleIndex.RegionCountKey("", ArticleIndex.Nationwide);
            nationwide = (await ReadCountsAsync(key, key + ArticleIndex.KeyEnd, cancellationToken)).GetValueOrDefault(key);
        }
        else
        {
            parentRef = new RegionRef(parentCode, gazetteer.Find(parentCode)!.Name);
        }

        var items = gazetteer.Children(parentCode)
            .Select(d => new RegionCount(d.Code, d.Name, d.Level.ToString().ToLowerInvariant(), counts.GetValueOrDefault(prefix + d.Code)))
            .ToList();
        return new RegionList(parentRef, nationwide, items);
    }

    /// <summary>One cheap read of the count table: throws when storage cannot be reached.</summary>
    public async Task ProbeStorageAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var counts = storage.Table(storage.Options.ArticleCountsTable);
        await foreach (var _ in counts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ArticleIndex.CountPartition}"), 1, ["RowKey"], cancellationToken).AsPages())
        {
            break;
        }
    }

    private async Task<Dictionary<string, int>> ReadCountsAsync(string from, string to, CancellationToken cancellationToken)
    {
        var table = storage.Table(storage.Options.ArticleCountsTable);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ArticleIndex.CountPartition} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, ["RowKey", "Count"], cancellationToken))
        {
            counts[row.RowKey] = (int)Math.Max(0, CounterWriter.Read(row, "Count"));
        }

        return counts;
    }
}
