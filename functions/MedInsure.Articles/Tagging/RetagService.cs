using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using MedInsure.Tagging;

namespace MedInsure.Articles.Tagging;

public sealed record RetagSummary(int Scanned, int Changed, string ModelVersion);

/// <summary>
/// Re-classifies every stored article after a model or gazetteer change. Idempotent: an article whose tags and flags
/// already match what the current model says is not written, so a second run changes nothing. Changes go through
/// <see cref="ArticleStore.RetagAsync"/>, so index and statistics observers follow.
/// </summary>
public sealed class RetagService(ArticleStore articles, IArticleAnalyzer analyzer, Lazy<ITopicClassifier> topics, StorageProvisioner storage)
{
    public async Task<RetagSummary> RetagAllAsync(IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var scanned = 0;
        var changed = 0;
        await foreach (var article in articles.ScanAsync(cancellationToken))
        {
            scanned++;
            var (tags, flags) = analyzer.Analyze(article.Title, article.Body);
            if (!Same(article.Tags, tags) || !Same(article.Flags, flags))
            {
                var updated = await articles.RetagAsync(article.Id, current => Same(current.Tags, tags) && Same(current.Flags, flags)
                    ? null
                    : current with { Tags = tags, Flags = flags }, cancellationToken);
                changed += updated ? 1 : 0;
            }

            progress?.Report(scanned);
        }

        return new RetagSummary(scanned, changed, topics.Value.ModelVersion);
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var count = 0;
        await foreach (var _ in articles.Table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    // Records compare lists by reference; tags are equal when every value is.
    private static bool Same(ArticleTags a, ArticleTags b) =>
        a with { OtherRegions = [] } == b with { OtherRegions = [] } && a.OtherRegions.SequenceEqual(b.OtherRegions);

    private static bool Same(IReadOnlyList<ArticleFlag> a, IReadOnlyList<ArticleFlag> b) => a.SequenceEqual(b);
}
