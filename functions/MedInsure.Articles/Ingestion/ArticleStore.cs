using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Writes articles with optimistic concurrency: a new article is an Add (batched with others); an existing one is
/// merged and replaced under its ETag (its state read, or remembered from this process's last write of it), retrying
/// on fresh state when another ingestion got there first. Every write counts a version, and after it the derived rows
/// (query index, statistics) are brought to the written state; see <see cref="DeriveAsync"/>.
/// </summary>
public sealed class ArticleStore(StorageProvisioner storage, SightingStore sightings, IEnumerable<IArticleChangeObserver> observers) : IAsyncDisposable
{
    private const int MaxAttempts = 30;

    // Derived writes follow a moving article at most this many times before the ingestion fails and is retried.
    private const int MaxDerivePasses = 10;

    // Concurrent dumps in this process that share an article merge one at a time instead of racing on its ETag
    // (20 dumps naming one article would otherwise need ~20 rounds of 412s); ETags still guard other instances.
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    // Ids of articles this process has written (two generations of 100,000, ~10 MB at most). Only a hint: a stale or
    // missing entry costs one extra request, never correctness.
    private readonly RecentIds stored = new(100_000);

    // Articles this process wrote, with their ETags (about 8 MB of text at most), so a repeat merges without a read.
    private readonly RecentArticles written = new(4_000_000);

    private readonly Lazy<TableBatchWriter> writer = new(() => new TableBatchWriter(storage.Table(storage.Options.ArticlesTable)));

    public TableClient Table => storage.Table(storage.Options.ArticlesTable);

    /// <summary>Merges one dump's sighting(s) of an article into the store, then records the sightings.</summary>
    public async Task<ArticleChange> SaveAsync(StoredArticle incoming, IReadOnlyList<ArticleSource> seen, CancellationToken cancellationToken)
    {
        var change = await SaveArticleAsync(incoming, cancellationToken);
        // After the article: a sighting row always names a stored article, and a retry adds the same keys again.
        await sightings.AddAsync(incoming.Id, seen, cancellationToken);
        return change;
    }

    private async Task<ArticleChange> SaveArticleAsync(StoredArticle incoming, CancellationToken cancellationToken)
    {
        var bodyBlob = await StoreLongBodyAsync(incoming, cancellationToken);
        // An article this process stored already goes straight to the merge: its Add could only fail (409), and a
        // refused Add costs its whole transaction a resubmission.
        if (!stored.Contains(incoming.Id) && await TryAddAsync(incoming, bodyBlob, cancellationToken))
        {
            return ArticleChange.New;
        }

        var stripe = stripes[Convert.ToInt32(incoming.Id[..2], 16)];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            return await MergeAsync(incoming, bodyBlob, cancellationToken);
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Adds a new article (false when it exists already: 409), remembers its id and derives its rows.</summary>
    private async Task<bool> TryAddAsync(StoredArticle incoming, string? bodyBlob, CancellationToken cancellationToken)
    {
        var first = incoming with { Version = 1, PriorDerived = [] };
        var result = await writer.Value.SubmitAsync(
            new TableTransactionAction(TableTransactionActionType.Add, ArticleEntityMapper.ToEntity(first, bodyBlob)), cancellationToken);
        if (!result.Succeeded)
        {
            return false;
        }

        stored.Add(incoming.Id);
        Remember(first, bodyBlob, result);
        await DeriveAsync(null, first, cancellationToken);
        return true;
    }

    private async Task<ArticleChange> MergeAsync(StoredArticle incoming, string? bodyBlob, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // The state this process wrote last is the first guess; after a refusal (changed elsewhere) it is read.
            if (!written.TryGet(incoming.Id, out var known))
            {
                var found = await Table.GetEntityIfExistsAsync<TableEntity>(
                    ArticleIdentity.PartitionFor(incoming.Id), incoming.Id, cancellationToken: cancellationToken);
                if (!found.HasValue || found.Value is null)
                {
                    if (await TryAddAsync(incoming, bodyBlob, cancellationToken))
                    {
                        return ArticleChange.New;
                    }

                    continue;
                }

                stored.Add(incoming.Id);
                known = new WrittenArticle(await ReadAsync(found.Value, cancellationToken), ArticleEntityMapper.BodyBlobOf(found.Value), found.Value.ETag);
            }

            var existing = known.Article;
            var (merged, change) = ArticleMerger.Merge(existing, incoming);
            if (ReferenceEquals(merged, existing))
            {
                // A retry finds its own earlier write: the derived writes after it may not have happened, so they run again.
                if (IsOwnWrite(existing, incoming))
                {
                    await DeriveAsync(null, existing, cancellationToken);
                }

                return change;
            }

            merged = merged with { Version = existing.Version + 1, PriorDerived = DerivedState.PriorAfter(existing, merged) };
            var mergedBlob = ReferenceEquals(merged.Body, incoming.Body) ? bodyBlob : known.BodyBlob;
            var result = await writer.Value.SubmitAsync(
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ArticleEntityMapper.ToEntity(merged, mergedBlob), known.ETag),
                cancellationToken);
            if (result.Succeeded)
            {
                Remember(merged, mergedBlob, result);
                await DeriveAsync(existing, merged, cancellationToken);
                return change;
            }

            // Lost a race with another instance (or the remembered state was stale): back off a little, merge on fresh state.
            written.Forget(incoming.Id);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), cancellationToken);
        }

        throw new InvalidOperationException($"Article {incoming.Id} kept changing under {MaxAttempts} attempts to merge it; the ingestion will be retried.");
    }

    // The ingestion that created or last updated the article is the incoming one. (One that wrote earlier and was then
    // overtaken needs nothing: the later writer derives from the newer state, and PriorDerived covers the older rows.)
    private static bool IsOwnWrite(StoredArticle existing, StoredArticle incoming) =>
        existing.CreatedBy == incoming.CreatedBy || existing.UpdatedBy == incoming.UpdatedBy;

    private void Remember(StoredArticle article, string? bodyBlob, TableWriteResult result)
    {
        if (result.ETag is { } etag)
        {
            written.Remember(new WrittenArticle(article, bodyBlob, etag));
        }
        else
        {
            written.Forget(article.Id);
        }
    }

    /// <summary>Replaces an article's tags and flags (re-tagging), under its ETag; its derived rows follow.</summary>
    public async Task<bool> RetagAsync(string id, Func<StoredArticle, StoredArticle?> retag, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(ArticleIdentity.PartitionFor(id), id, cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value is null)
            {
                return false;
            }

            var existing = await ReadAsync(found.Value, cancellationToken);
            if (retag(existing) is not { } updated || updated == existing)
            {
                return false;
            }

            updated = updated with { Version = existing.Version + 1, PriorDerived = DerivedState.PriorAfter(existing, updated) };
            var bodyBlob = ArticleEntityMapper.BodyBlobOf(found.Value);
            var result = await writer.Value.SubmitAsync(
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ArticleEntityMapper.ToEntity(updated, bodyBlob), found.Value.ETag),
                cancellationToken);
            if (result.Succeeded)
            {
                Remember(updated, bodyBlob, result);
                await DeriveAsync(existing, updated, cancellationToken);
                return true;
            }

            written.Forget(id);
        }

        throw new InvalidOperationException($"Article {id} kept changing under {MaxAttempts} attempts to re-tag it.");
    }

    /// <summary>
    /// Brings the derived rows to the article as written (version <c>after.Version</c>): the observers move them from
    /// <paramref name="before"/> (null: unknown, so from wherever an earlier state may have left rows). Then the article
    /// is read back: if another instance wrote a newer version meanwhile, its rows may have landed before these, so the
    /// observers run again for what is stored now. Whichever writer finishes last thus leaves the rows of the latest
    /// version, and a failure anywhere is repaired by the retry, which finds its own write and comes back here.
    /// </summary>
    private async Task DeriveAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < MaxDerivePasses; pass++)
        {
            await Task.WhenAll(observers.Select(observer => observer.OnArticleChangedAsync(before, after, cancellationToken)));
            var version = await FindVersionAsync(after.Id, cancellationToken);
            if (version is null || version <= after.Version)
            {
                return;
            }

            after = await FindAsync(after.Id, cancellationToken) ?? after;
            before = null;
        }

        throw new InvalidOperationException($"Article {after.Id} kept changing under {MaxDerivePasses} passes of its derived writes; the ingestion will be retried.");
    }

    /// <summary>Every stored article, one partition at a time (for re-tagging and rebuilds; never on a request path).</summary>
    public async IAsyncEnumerable<StoredArticle> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            yield return await ReadAsync(entity, cancellationToken);
        }
    }

    public async Task<StoredArticle?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(ArticleIdentity.PartitionFor(id), id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? await ReadAsync(found.Value, cancellationToken) : null;
    }

    /// <summary>The stored version of an article (null: no such article); a read of one property.</summary>
    public async Task<long?> FindVersionAsync(string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(ArticleIdentity.PartitionFor(id), id, ["Version"], cancellationToken);
        return found.HasValue && found.Value is { } entity ? entity.GetInt64("Version") ?? 0 : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }
    }

    private async Task<StoredArticle> ReadAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        string? body = null;
        if (ArticleEntityMapper.BodyBlobOf(entity) is { } blobName)
        {
            var content = await Bodies.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            body = content.Value.Content.ToString();
        }

        return ArticleEntityMapper.FromEntity(entity, body);
    }

    private BlobContainerClient Bodies => storage.Container(storage.Options.ArticleBodiesContainer);

    // Content-addressed, so a retried write uploads the same name and nothing is orphaned twice.
    private async Task<string?> StoreLongBodyAsync(StoredArticle article, CancellationToken cancellationToken)
    {
        if (!ArticleEntityMapper.NeedsBlob(article))
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(article.Body);
        var name = $"{article.Id}/{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}.txt";
        await Bodies.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
        return name;
    }
}
