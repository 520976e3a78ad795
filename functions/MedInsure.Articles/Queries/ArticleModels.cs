using System.ComponentModel;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Articles.Queries;

public sealed record RegionRef(string Code, string Name);

/// <summary>
/// One list item: everything comes from the covering index row, so it holds only what changes with the article's listed
/// content. How many dumps an article was seen in is on the detail (<c>sources</c>): counting it here would rewrite the
/// index rows, and change every list page's ETag, each time a dump repeats an article.
/// </summary>
public sealed record ArticleListItem(
    string Id,
    string Title,
    string? ShortAnswer,
    string Summary,
    string Topic,
    double TopicScore,
    RegionRef Region,
    string? Date);

public sealed record ArticlePage(IReadOnlyList<ArticleListItem> Items, string? Continuation);

public sealed record ArticleRegion(string Code, string Name, string? ProvinceCode, string? CityCode, string? CountyCode, IReadOnlyList<string> OtherRegions);

public sealed record ArticleTagsView(string Topic, string? TopicName, double TopicScore, bool TopicLowConfidence, string ModelVersion, ArticleRegion Region);

/// <summary>The full article. Storage details (partition, chunking, blob names, ingestion ids of writers) stay out.</summary>
public sealed record ArticleDetail(
    string Id,
    string Title,
    string? ShortAnswer,
    string Text,
    bool IsFullText,
    string? Category,
    string? Date,
    ArticleTagsView Tags,
    IReadOnlyList<ArticleFlag> Flags,
    IReadOnlyList<ArticleSource> Sources,
    string? SourcesContinuation,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset UpdatedAt);

public static class ArticleMapping
{
    public static ArticleListItem AsListItem(this TableEntity row) => new(
        row.GetString("Id") ?? "",
        row.GetString("Title") ?? "",
        row.GetString("ShortAnswer"),
        row.GetString("Summary") ?? "",
        row.GetString("Topic") ?? "",
        row.GetDouble("TopicScore") ?? 0,
        new RegionRef(row.GetString("RegionCode") ?? ArticleIndex.Nationwide, row.GetString("RegionName") ?? ""),
        row.GetString("Date"));

    /// <summary>The article with one page of its sightings (<paramref name="sources"/>) and the token for the next.</summary>
    public static ArticleDetail AsDetail(this StoredArticle article, IReadOnlyList<ArticleSource> sources, string? sourcesContinuation)
    {
        var tags = article.Tags;
        var flags = article.Flags.ToList();
        if (tags.TopicLowConfidence && flags.All(f => f.Code != ArticleIndex.LowConfidence))
        {
            flags.Add(new ArticleFlag(ArticleIndex.LowConfidence, $"topic score {tags.TopicScore.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} is below the model's confidence threshold"));
        }

        return new ArticleDetail(
            article.Id,
            article.Title,
            article.ShortAnswer,
            article.Body,
            article.IsFullText,
            article.Category,
            article.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            new ArticleTagsView(tags.Topic, MedInsure.Tagging.Topics.Find(tags.Topic)?.Name, tags.TopicScore, tags.TopicLowConfidence, tags.ModelVersion,
                new ArticleRegion(tags.RegionCode, tags.RegionName, tags.ProvinceCode, tags.CityCode, tags.CountyCode, tags.OtherRegions)),
            flags,
            sources,
            sourcesContinuation,
            article.FirstSeenAt,
            article.UpdatedAt);
    }
}
