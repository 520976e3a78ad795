using Azure.Data.Tables;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Stats;
using MedInsure.Articles.Storage;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Catalog;

public sealed record TopicCount(string Code, string Name, string Description, int Articles);

public sealed record TopicList(IReadOnlyList<TopicCount> Items);

public sealed record RegionCount(string Code, string Name, string Level, int Articles);

/// <summary><c>Nationwide</c> (articles about no particular place) is given with the provinces only.</summary>
public sealed record RegionList(RegionRef? Parent, int? Nationwide, IReadOnlyList<RegionCount> Items);

/// <summary>
/// What clients can filter on (topics, regions) with article counts, summed from the all-time statistics cells
/// (partition <c>a{province}</c>, row <c>{finest region}|{topic}</c>) that ingestion keeps exact, never from scanning
/// articles. A read costs the number of (region, topic) pairs that hold articles.
/// </summary>
public sealed class CatalogService(StorageProvisioner storage, Lazy<RegionGazetteer> regions)
{
    public async Task<TopicList> TopicsAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, _, topic, articles) in await AllTimeCellsAsync(null, cancellationToken))
        {
            counts[topic] = counts.GetValueOrDefault(topic) + articles;
        }

        return new TopicList(Topics.All
            .Select(t => new TopicCount(t.Code, t.Name, t.Description, counts.GetValueOrDefault(t.Code)))
            .ToList());
    }

    /// <summary>True when <paramref name="parent"/> is absent, nationwide or a current division code.</summary>
    public bool IsValidParent(string? parent) =>
        string.IsNullOrWhiteSpace(parent) || parent.Trim() == ArticleIndex.Nationwide || regions.Value.IsValid(parent.Trim());

    /// <summary>The divisions directly under <paramref name="parent"/> (the provinces when absent) with their counts:
    /// a division counts the articles about it and about every division inside it.</summary>
    public async Task<RegionList> RegionsAsync(string? parent, CancellationToken cancellationToken)
    {
        var gazetteer = regions.Value;
        var parentCode = string.IsNullOrWhiteSpace(parent) ? ArticleIndex.Nationwide : parent.Trim();
        var province = parentCode == ArticleIndex.Nationwide ? null : StatsKeys.ProvinceOf(parentCode, gazetteer);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int nationwide = 0;
        foreach (var (_, region, _, articles) in await AllTimeCellsAsync(province, cancellationToken))
        {
            if (region == ArticleIndex.Nationwide)
            {
                nationwide += articles;
            }
            else if (ChildOf(parentCode, region, gazetteer) is { } child)
            {
                counts[child] = counts.GetValueOrDefault(child) + articles;
            }
        }

        var items = gazetteer.Children(parentCode)
            .Select(d => new RegionCount(d.Code, d.Name, d.Level.ToString().ToLowerInvariant(), counts.GetValueOrDefault(d.Code)))
            .ToList();
        return parentCode == ArticleIndex.Nationwide
            ? new RegionList(null, nationwide, items)
            : new RegionList(new RegionRef(parentCode, gazetteer.Find(parentCode)!.Name), null, items);
    }

    /// <summary>One cheap read of the stats table: throws when storage cannot be reached.</summary>
    public async Task ProbeStorageAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var stats = storage.Table(storage.Options.StatsTable);
        await foreach (var _ in stats.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"a" + ArticleIndex.Nationwide}"), 1, ["RowKey"], cancellationToken).AsPages())
        {
            break;
        }
    }

    // The division directly under parent that holds region (region itself when it is a child), or null when region
    // is parent or lies outside it.
    private static string? ChildOf(string parent, string region, RegionGazetteer gazetteer)
    {
        for (var code = region; gazetteer.Find(code) is { } division; code = division.ParentCode ?? ArticleIndex.Nationwide)
        {
            var up = division.ParentCode ?? ArticleIndex.Nationwide;
            if (up == parent)
            {
                return code;
            }

            if (code == parent)
            {
                return null;
            }
        }

        return null;
    }

    // All-time cells of one province (null: every province and the nationwide partition): (province, region, topic, articles).
    private async Task<List<(string Province, string Region, string Topic, int Articles)>> AllTimeCellsAsync(string? province, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var table = storage.Table(storage.Options.StatsTable);
        var prefix = StatsKeys.PrefixOf(StatsTier.AllTime).ToString();
        var partitions = province is null
            ? TableClient.CreateQueryFilter($"PartitionKey gt {prefix} and PartitionKey lt {((char)(prefix[0] + 1)).ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {prefix + province}");
        var cells = new List<(string, string, string, int)>();
        await foreach (var row in table.QueryAsync<TableEntity>($"{partitions} and {StatsKeys.CellsOnly}", 1000, ["PartitionKey", "RowKey", StatsKeys.Articles], cancellationToken))
        {
            if (row.RowKey.Split('|') is [var region, var topic])
            {
                cells.Add((row.PartitionKey[1..], region, topic, (int)Math.Max(0, StatsKeys.Count(row, StatsKeys.Articles))));
            }
        }

        return cells;
    }
}
