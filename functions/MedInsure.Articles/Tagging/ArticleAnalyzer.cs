using MedInsure.Articles.Calculations;
using MedInsure.Articles.Ingestion;
using MedInsure.Tagging;

namespace MedInsure.Articles.Tagging;

/// <summary>Everything computed from an article's text at ingestion: topic, region and quality flags.</summary>
public interface IArticleAnalyzer
{
    (ArticleTags Tags, IReadOnlyList<ArticleFlag> Flags) Analyze(string title, string? body);
}

/// <summary>Combines the topic classifier and the region tagger. Both load lazily: the host must see the
/// handler answer within seconds of start, and the ML model takes longer than that to load.</summary>
public sealed class ArticleAnalyzer(Lazy<ITopicClassifier> topics, Lazy<IRegionTagger> regions) : IArticleAnalyzer
{
    public (ArticleTags Tags, IReadOnlyList<ArticleFlag> Flags) Analyze(string title, string? body)
    {
        var topic = topics.Value.Predict(title, body);
        var region = regions.Value.Tag(title, body);
        var primary = region.Primary;
        var tags = new ArticleTags(
            topic.Topic,
            Math.Round(topic.Score, 4),
            topic.LowConfidence,
            topics.Value.ModelVersion,
            primary.Code,
            primary.Name,
            primary.ProvinceCode,
            primary.CityCode,
            primary.CountyCode,
            region.Others.Select(r => r.Code).ToList());

        // Arithmetic stated in the text (8400 × 8% = 672) is re-computed at ingestion and wrong claims are flagged.
        return (tags, FactCheckFlags.For(title, body));
    }
}
