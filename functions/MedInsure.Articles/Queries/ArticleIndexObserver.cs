using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Queries;

/// <summary>
/// Keeps the index shard tables in step with the articles: the new state's rows are upserted (those that read the same
/// as before are left alone) and the rows of every earlier state that the new one no longer has are deleted. Both are
/// idempotent, so a retry, or a write that runs without the previous state in hand (<paramref name="before"/> null),
/// ends with the same rows. Coalesced into per-partition transactions with other concurrent changes.
/// </summary>
public sealed partial class ArticleIndexObserver(StorageProvisioner storage, ILogger<ArticleIndexObserver> logger)
    : IArticleChangeObserver, IAsyncDisposable
{
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
            if (!(beforeRows.TryGetValue((row.PartitionKey, row.RowKey), out var old) && ArticleIndex.SameContent(old, row)))
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            }
        }

        // Earlier states' rows are looked for only when the derived state moves or is unknown: once a state is retired
        // its rows went with that write, and a repeat of the article must not pay for deleting them again.
        var keep = afterRows.Select(r => (r.PartitionKey, r.RowKey)).ToHashSet();
        var retired = beforeRows.Keys.Where(key => !keep.Contains(key)).ToList();
        var priors = before is null || DerivedState.Of(before) != DerivedState.Of(after)
            ? after.PriorDerived.SelectMany(state => ArticleIndex.RowKeysFor(state, after.Title, after.Id))
                .Where(key => !keep.Contains(key) && !beforeRows.ContainsKey(key)).Distinct().ToList()
            : [];
        actions.AddRange(retired.Select(key =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key.PartitionKey, key.RowKey), ETag.All)));

        // A 404 on a delete means the row is already gone (a replay): that is the state we want.
        await Task.WhenAll(actions.Select(a =>
            (Task)writer.Value.SubmitAsync(storage.IndexShard(ArticleIndex.ShardOfPartition(a.Entity.PartitionKey)), a, cancellationToken))
            .Append(DeleteIfPresentAsync(priors, cancellationToken)));
        LogIndexed(after.Id, after.Version, actions.Count);
    }

    // Most earlier states' rows are gone already, and a delete of a missing row fails its whole transaction (every
    // other writer's action in it is sent again): each goes alone, where a 404 costs only itself.
    private async Task DeleteIfPresentAsync(List<(string PartitionKey, string RowKey)> keys, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            try
            {
                await storage.IndexShard(ArticleIndex.ShardOfPartition(key.PartitionKey)).DeleteEntityAsync(key.PartitionKey, key.RowKey, ETag.All, ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Already gone: the state this delete wants.
            }
        });

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }
    }

    [LoggerMessage(EventId = 3001, EventName = "ArticleIndexed", Level = LogLevel.Debug, Message = "Indexed article {ArticleId} version {Version} with {Actions} index actions")]
    private partial void LogIndexed(string articleId, long version, int actions);
}
