using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Queries;

/// <summary>
/// Keeps the index shard tables in step with the articles: rows of the old state that the new state no longer has are
/// deleted and the new state's rows that differ from the old are upserted (both idempotent), coalesced into
/// per-partition transactions with other concurrent changes; then the topic and region count rows
/// (<c>articlecounts</c>) move by the difference through the coalescing CounterWriter.
/// </summary>
public sealed partial class ArticleIndexObserver(StorageProvisioner storage, Lazy<RegionGazetteer> regions, ILogger<ArticleIndexObserver> logger)
    : IArticleChangeObserver, IAsyncDisposable
{
    private readonly Lazy<CounterWriter> counters = new(() => new CounterWriter(storage.Table(storage.Options.ArticleCountsTable), deleteWhenZero: false));

    // Every submit names its shard table; shard 0 only fills the writer's default.
    private readonly Lazy<TableBatchWriter> writer = new(() => new TableBatchWriter(storage.IndexShard(0), metricName: storage.Options.Table(storage.Options.ArticleIndexTable)));

    public async Task OnArticleChangedAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken)
    {
        var afterRows = ArticleIndex.RowsFor(after);
        var beforeRows = (before is null ? [] : ArticleIndex.RowsFor(before)).ToDictionary(r => (r.PartitionKey, r.RowKey));
        var actions = new List<TableTransactionAction>();
        foreach (var row in afterRows)
        {
            // A row that reads the same as before is left alone: a dump repeating an article changes only its sources,
            // which no index row holds, so that merge costs the index nothing.
            if (!(beforeRows.Remove((row.PartitionKey, row.RowKey), out var old) && ArticleIndex.SameContent(old, row)))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            }
        }

        actions.AddRange(beforeRows.Values.Select(r =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All)));

        // A 404 on a delete means the row is already gone (a replay): that is the state we want.
        await Task.WhenAll(actions.Select(a =>
            writer.Value.SubmitAsync(storage.IndexShard(ArticleIndex.ShardOfPartition(a.Entity.PartitionKey)), a, cancellationToken)));

        var deltas = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var key in ArticleIndex.CountKeys(after, ParentOf))
        {
            deltas[key] = deltas.GetValueOrDefault(key) + 1;
        }

        if (before is not null)
        {
            foreach (var key in ArticleIndex.CountKeys(before, ParentOf))
            {
                deltas[key] = deltas.GetValueOrDefault(key) - 1;
            }
        }

        await Task.WhenAll(deltas.Where(d => d.Value != 0).Select(d => AddToCountAsync(d.Key, d.Value, cancellationToken)));
        LogIndexed(after.Id, actions.Count);
    }

    private string? ParentOf(string code) => regions.Value.Find(code)?.ParentCode;

    private Task AddToCountAsync(string key, int delta, CancellationToken cancellationToken) =>
        counters.Value.AddAsync(ArticleIndex.CountPartition, key, new Dictionary<string, long> { ["Count"] = delta }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }

        if (counters.IsValueCreated)
        {
            await counters.Value.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 3001, EventName = "ArticleIndexed", Level = LogLevel.Debug, Message = "Indexed article {ArticleId} with {Actions} index actions")]
    private partial void LogIndexed(string articleId, int actions);

}
