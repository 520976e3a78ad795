using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Every sighting of every article (which dump named it, where, under which ingestion, when), in a table of its own so an
/// article's provenance can grow without bound: an article named by 10,000 dumps has 10,000 small rows here, never a
/// growing property on its entity. PartitionKey is the article id's first hex digit (16 partitions, so a bulk upload's
/// sightings share full transactions); RowKey <c>{articleId}|{hash of the dump name}|{position}</c>, so one article's
/// sightings are one key range, and a retry writes the same key again. Rows are added, never replaced: the first
/// ingestion of a (dump, position) keeps its record, and a later upload cannot erase it.
/// </summary>
public sealed class SightingStore(StorageProvisioner storage) : IAsyncDisposable
{
    /// <summary>The most sightings one page returns.</summary>
    public const int MaxPage = 500;

    private readonly Lazy<TableBatchWriter> writer = new(() => new TableBatchWriter(storage.Table(storage.Options.SourcesTable)));

    public TableClient Table => storage.Table(storage.Options.SourcesTable);

    public static string PartitionFor(string articleId) => articleId[..1];

    public static string RowKey(string articleId, ArticleSource source) =>
        $"{articleId}|{DumpKey(source.Dump)}|{source.Position.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Dump names may hold characters keys cannot (<c>/</c> in virtual folders), so the key holds 16 hex of their SHA-256.</summary>
    public static string DumpKey(string dump) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dump)))[..16];

    /// <summary>Records sightings of one article; those already recorded are kept as they are.</summary>
    public async Task AddAsync(string articleId, IEnumerable<ArticleSource> sources, CancellationToken cancellationToken)
    {
        var writes = sources.Select(source => writer.Value.SubmitAsync(
            new TableTransactionAction(TableTransactionActionType.Add, ToEntity(articleId, source)), cancellationToken)).ToList();
        foreach (var result in await Task.WhenAll(writes))
        {
            if (result.Status is not (TableWriteStatus.Succeeded or TableWriteStatus.Conflict))
            {
                throw new InvalidOperationException($"A sighting of article {articleId} could not be recorded ({result.Status}); the ingestion will be retried.");
            }
        }
    }

    /// <summary>One page of an article's sightings in key order (stable, not by time), and the key to resume after.</summary>
    public async Task<(IReadOnlyList<ArticleSource> Items, string? Next)> PageAsync(string articleId, string? after, int limit, CancellationToken cancellationToken)
    {
        var from = after ?? $"{articleId}|";
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PartitionFor(articleId)} and RowKey gt {from} and RowKey lt {articleId + "}"}");
        var items = new List<(string RowKey, ArticleSource Source)>();
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, Math.Min(limit + 1, 1000), cancellationToken: cancellationToken).AsPages())
        {
            items.AddRange(page.Values.Select(row => (row.RowKey, FromEntity(row))));
            if (items.Count > limit)
            {
                break;
            }
        }

        return items.Count > limit
            ? ([.. items.Take(limit).Select(i => i.Source)], items[limit - 1].RowKey)
            : ([.. items.Select(i => i.Source)], null);
    }

    /// <summary>Every sighting of one article (rebuilds and tests; a request pages instead).</summary>
    public async Task<List<ArticleSource>> AllAsync(string articleId, CancellationToken cancellationToken)
    {
        var all = new List<ArticleSource>();
        for (string? after = null; ;)
        {
            var (items, next) = await PageAsync(articleId, after, MaxPage, cancellationToken);
            all.AddRange(items);
            if ((after = next) is null)
            {
                return all;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }
    }

    private static TableEntity ToEntity(string articleId, ArticleSource source) => new(PartitionFor(articleId), RowKey(articleId, source))
    {
        ["Dump"] = source.Dump,
        ["Position"] = source.Position,
        ["IngestionId"] = source.IngestionId,
        ["SeenAt"] = source.SeenAt,
    };

    private static ArticleSource FromEntity(TableEntity row) => new(
        row.GetString("Dump") ?? "",
        row.GetInt32("Position") ?? 0,
        row.GetString("IngestionId") ?? "",
        row.GetDateTimeOffset("SeenAt") ?? DateTimeOffset.MinValue);
}
