namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Told about every successful article write, so derived tables (query indexes, statistics) follow the articles.
/// <paramref name="before"/> is null for a new article. Writes to one article are serialised by its ETag, so each
/// observer sees one (before, after) step at a time per write; observers must be idempotent and use optimistic
/// concurrency on shared rows. A crash between the article write and an observer leaves drift that the
/// rebuild operations (reindex/recount) repair.
/// </summary>
public interface IArticleChangeObserver
{
    Task OnArticleChangedAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken);
}
