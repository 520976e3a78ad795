namespace MedInsure.Articles.Ingestion;

public enum ArticleChange
{
    New,
    Updated,
    Unchanged,
}

/// <summary>
/// How two sightings of one article combine (pure): the fullest text wins (a main article's complete body over a
/// related item's snippet, then the longer text), the earliest date, every source once, first title kept.
/// </summary>
public static class ArticleMerger
{
    public static (StoredArticle Merged, ArticleChange Change) Merge(StoredArticle? existing, StoredArticle incoming)
    {
        if (existing is null)
        {
            return (incoming, ArticleChange.New);
        }

        var takeIncomingText = IsFuller(incoming, existing);
        var sources = existing.Sources.ToList();
        foreach (var source in incoming.Sources)
        {
            if (!sources.Any(s => s.Dump == source.Dump && s.Position == source.Position))
            {
                sources.Add(source);
            }
        }

        var merged = existing with
        {
            Body = takeIncomingText ? incoming.Body : existing.Body,
            IsFullText = existing.IsFullText || incoming.IsFullText,
            Tags = takeIncomingText ? incoming.Tags : existing.Tags,
            Flags = takeIncomingText ? incoming.Flags : existing.Flags,
            ShortAnswer = existing.ShortAnswer ?? incoming.ShortAnswer,
            Category = existing.Category ?? incoming.Category,
            Date = Earliest(existing.Date, incoming.Date),
            Sources = sources,
        };

        var changed = takeIncomingText
            || merged.ShortAnswer != existing.ShortAnswer
            || merged.Category != existing.Category
            || merged.Date != existing.Date
            || sources.Count != existing.Sources.Count;

        if (!changed)
        {
            // A retried ingestion finds its own earlier write: report what that attempt did.
            var change = existing.CreatedBy == incoming.CreatedBy ? ArticleChange.New
                : existing.UpdatedBy == incoming.UpdatedBy ? ArticleChange.Updated
                : ArticleChange.Unchanged;
            return (existing, change);
        }

        return (merged with { UpdatedAt = incoming.UpdatedAt, UpdatedBy = incoming.UpdatedBy }, ArticleChange.Updated);
    }

    private static bool IsFuller(StoredArticle incoming, StoredArticle existing)
    {
        if (incoming.IsFullText != existing.IsFullText)
        {
            return incoming.IsFullText;
        }

        return incoming.Body.Length > existing.Body.Length;
    }

    private static DateOnly? Earliest(DateOnly? a, DateOnly? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
