using MedInsure.Articles.Queries;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Calculations;

/// <summary>
/// Stored articles next to an answer, read from the Articles feature's index (never a scan of the articles table):
/// the question's region and topic when both are known, else whichever is known, newest first.
/// </summary>
public sealed class RelatedArticles(ArticleQueryService queries, StorageProvisioner storage, Lazy<RegionGazetteer> gazetteer)
{
    public async Task<IReadOnlyList<ArticleListItem>> FindAsync(string? regionCode, string? topic, int limit, CancellationToken cancellationToken)
    {
        var division = regionCode is null ? null : gazetteer.Value.Find(regionCode);
        if (division is null && topic is null)
        {
            return [];
        }

        var filter = new ArticleFilter(topic is null ? [] : [topic], division?.Code, division?.Level, null, null, null, []);
        await storage.EnsureAsync(cancellationToken);
        var (rows, _) = await queries.RunAsync(ArticleQueryPlanner.Plan(filter), null, limit, cancellationToken);
        return [.. rows.Select(r => r.AsListItem())];
    }
}
