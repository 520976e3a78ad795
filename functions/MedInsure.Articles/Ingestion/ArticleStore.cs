using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Writes articles with optimistic concurrency: a new article is an Add (batched with others); an existing one is
/// merged and replaced under its ETag (its state read, or remembered from this process's last write of it), retrying
/// on fresh state when another ingestion got there first.
/// </summary>
public sealed class ArticleStore(StorageProvisioner storage, IEnumerable<IArticleChangeObserver> observers) : IAsyncDisposable
{
    private const int MaxAttempts = 30;

    // Concurrent dumps in this process that share an article merge one at a time instead of racing on its ETag
    // (20 dumps naming one article would otherwise need ~20 rounds of 412s); ETags still guard other instances.
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    // Ids of articles this process has written (two generations of 100,000, ~10 MB at most). Only a hint: a stale or
    // missing entry costs one extra request, never correctness.
    private readonly RecentIds stored = new(100_000);

    // Articles this process wrote, with their ETags (about 8 MB of text at most), so a repeat merges without a read.
    private readonly RecentArticles written = new(4_000_000);

    // The layout check, shared by concurrent callers; once it has passed it is never run again in this process (a
    // store is migrated once), and a failed one is run again by the next caller.
    private readonly Lock layoutGate = new();
    private Task? layoutCheck;

    private readonly Lazy<TableBatchWriter> writer = new(() => new TableBatchWriter(storage.Table(storage.Options.ArticlesTable)));

    public TableClient Table => storage.Table(storage.Options.ArticlesTable);

    public async Task<ArticleChange> SaveAsync(StoredArticle incoming, CancellationToken cancellationToken)
    {
        await EnsureLayoutAsync(cancellationToken);
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

    /// <summary>Adds a new article (false when it exists already: 409), remembers its id and tells the observers.</summary>
    private async Task<bool> TryAddAsync(StoredArticle incoming, string? bodyBlob, CancellationToken cancellationToken)
    {
        var result = await writer.Value.SubmitAsync(
            new TableTransactionAction(TableTransactionActionType.Add, ArticleEntityMapper.ToEntity(incoming, bodyBlob)), cancellationToken);
        if (!result.Succeeded)
        {
            return false;
        }

        stored.Add(incoming.Id);
        Remember(incoming, bodyBlob, result);
        await NotifyAsync(null, incoming, cancellationToken);
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
                return change;
            }

            var mergedBlob = ReferenceEquals(merged.Body, incoming.Body) ? bodyBlob : known.BodyBlob;
            var result = await writer.Value.SubmitAsync(
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ArticleEntityMapper.ToEntity(merged, mergedBlob), known.ETag),
                cancellationToken);
            if (result.Succeeded)
            {
                Remember(merged, mergedBlob, result);
                await NotifyAsync(existing, merged, cancellationToken);
                return change;
            }

            // Lost a race with another instance (or the remembered state was stale): back off a little, merge on fresh state.
            written.Forget(incoming.Id);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), cancellationToken);
        }

        throw new InvalidOperationException($"Article {incoming.Id} kept changing under {MaxAttempts} attempts to merge it; the ingestion will be retried.");
    }

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

    /// <summary>Replaces an article's tags and flags (re-tagging), under its ETag; observers see the change.</summary>
    public async Task<bool> RetagAsync(string id, Func<StoredArticle, StoredArticle?> retag, CancellationToken cancellationToken)
    {
        await EnsureLayoutAsync(cancellationToken);
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

            var bodyBlob = ArticleEntityMapper.BodyBlobOf(found.Value);
            var result = await writer.Value.SubmitAsync(
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ArticleEntityMapper.ToEntity(updated, bodyBlob), found.Value.ETag),
                cancellationToken);
            if (result.Succeeded)
            {
                Remember(updated, bodyBlob, result);
                await NotifyAsync(existing, updated, cancellationToken);
                return true;
            }

            written.Forget(id);
        }

        throw new InvalidOperationException($"Article {id} kept changing under {MaxAttempts} attempts to re-tag it.");
    }

    /// <summary>Every stored article, one partition at a time (for re-tagging and rebuilds; never on a request path).</summary>
    public async IAsyncEnumerable<StoredArticle> ScanAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            yield return await ReadAsync(entity, cancellationToken);
        }
    }

    // Observers keep independent tables, so they run side by side: an article's write waits for the slowest, not the sum.
    private Task NotifyAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken) =>
        Task.WhenAll(observers.Select(observer => observer.OnArticleChangedAsync(before, after, cancellationToken)));

    public async Task<StoredArticle?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureLayoutAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(ArticleIdentity.PartitionFor(id), id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? await ReadAsync(found.Value, cancellationToken) : null;
    }

    /// <summary>
    /// Moves every article stored under an older partition layout to <see cref="ArticleIdentity.PartitionFor"/>'s
    /// partition: the row is written there, then deleted under its ETag from where it was. Safe to run again after an
    /// interruption (a row found in both places is written again and its old copy deleted). Index rows, statistics and
    /// body blobs name articles by id only, so nothing else moves. Run it with ingestion stopped.
    /// </summary>
    public async Task<LayoutMigration> MigrateLayoutAsync(IProgress<int>? progress, CancellationToken cancellationToken)
    {
        int scanned = 0, moved = 0;
        // A row only ever moves to a lower partition ("5" → "1"), which this ascending scan has passed: none is seen twice.
        await foreach (var row in Table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            scanned++;
            var partition = ArticleIdentity.PartitionFor(row.RowKey);
            if (row.PartitionKey != partition)
            {
                var copy = new TableEntity(row) { PartitionKey = partition };
                copy.Remove("odata.etag");
                copy.Remove("Timestamp");
                await Table.UpsertEntityAsync(copy, TableUpdateMode.Replace, cancellationToken);
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                moved++;
            }

            progress?.Report(scanned);
        }

        lock (layoutGate)
        {
            layoutCheck = null;
        }

        return new LayoutMigration(scanned, moved);
    }

    /// <summary>
    /// Refuses to read or write articles while the table still holds rows of the 16-partition layout (before 2026-12-02):
    /// an Add in the new partition would store a second copy of an article kept in its old one.
    /// </summary>
    private Task EnsureLayoutAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref layoutCheck) is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (layoutGate)
        {
            if (layoutCheck is null || layoutCheck.IsFaulted || layoutCheck.IsCanceled)
            {
                layoutCheck = CheckLayoutAsync();
            }

            return layoutCheck.WaitAsync(cancellationToken);
        }
    }

    private async Task CheckLayoutAsync()
    {
        // Old rows of ids starting 4–f sit in partitions "4"–"f", which the current layout never uses: an empty range read.
        var last = ArticleIdentity.PartitionFor("f");
        await foreach (var _ in Table.QueryAsync<TableEntity>($"PartitionKey gt '{last}'", maxPerPage: 1, select: ["PartitionKey"]))
        {
            throw new InvalidOperationException(
                $"Table '{Table.Name}' holds articles in the 16-partition layout of builds before 2026-12-02; " +
                "run `MedInsure.Cli migrate` once against this storage account, then retry.");
        }
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

/// <summary>What <see cref="ArticleStore.MigrateLayoutAsync"/> did: rows read, rows moved to their current partition.</summary>
public sealed record LayoutMigration(int Scanned, int Moved);
