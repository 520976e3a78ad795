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
        var priors = before is null || DerivedState.Of(before) != DerivedState.Of(after)
            ? after.PriorDerived.SelectMany(state => ArticleIndex.RowKeysFor(state, after.Title, after.Id))
            : [];
        var retired = beforeRows.Keys.Concat(priors).Where(key => !keep.Contains(key)).Distinct();
        actions.AddRange(retired.Select(key =>
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key.PartitionKey, key.RowKey), ETag.All)));

        // A 404 on a delete means the row is already gone (a replay, or an earlier state's row removed before): that is the state we want.
        await Task.WhenAll(actions.Select(a =>
            writer.Value.SubmitAsync(storage.IndexShard(ArticleIndex.ShardOfPartition(a.Entity.PartitionKey)), a, cancellationToken)));
        LogIndexed(after.Id, after.Version, actions.Count);
    }

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
