namespace MedInsure.Articles.Ingestion;

public enum ArticleChange
{
    New,
    Updated,
    Unchanged,
}

/// <summary>
/// How two sightings of one article combine (pure). The fullest text wins: any text over none, a main article's
/// complete body over a related item's summary, then the longer body. Ties are broken by the text itself, so the
/// result does not depend on the order in which dumps arrive and a sighting with less text never replaces fuller
/// text. The earliest date wins, and the short answer and category are the fullest seen. Sightings are not part of
/// the article (<see cref="SightingStore"/>): a dump that names an article again changes nothing here.
/// </summary>
public static class ArticleMerger
{
    public static (StoredArticle Merged, ArticleChange Change) Merge(StoredArticle? existing, StoredArticle incoming)
    {
        if (existing is null)
        {
            return (incoming, ArticleChange.New);
        }

        var textWinner = CompareText(incoming, existing) > 0 ? incoming : existing;
        var merged = existing with
        {
            Title = textWinner.Title,
            Body = textWinner.Body,
            IsFullText = textWinner.IsFullText,
            Tags = textWinner.Tags,
            Flags = textWinner.Flags,
            ShortAnswer = Fuller(existing.ShortAnswer, incoming.ShortAnswer),
            Category = Fuller(existing.Category, incoming.Category),
            Date = Earliest(existing.Date, incoming.Date),
        };

        var changed = !ReferenceEquals(textWinner, existing)
            || merged.ShortAnswer != existing.ShortAnswer
            || merged.Category != existing.Category
            || merged.Date != existing.Date;

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

    /// <summary>Orders sightings by how full their text is; 0 only for the same text (and title).</summary>
    public static int CompareText(StoredArticle a, StoredArticle b)
    {
        var order = HasText(a).CompareTo(HasText(b));
        if (order == 0)
        {
            order = a.IsFullText.CompareTo(b.IsFullText);
        }

        if (order == 0)
        {
            order = a.Body.Length.CompareTo(b.Body.Length);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(a.Body, b.Body);
        }

        return order != 0 ? order : string.CompareOrdinal(a.Title, b.Title);
    }

    private static bool HasText(StoredArticle article) => !string.IsNullOrWhiteSpace(article.Body);

    // Longer wins, then the ordinal greater: commutative, so the order of sightings does not matter.
    private static string? Fuller(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a))
        {
            return string.IsNullOrWhiteSpace(b) ? a ?? b : b;
        }

        if (string.IsNullOrWhiteSpace(b))
        {
            return a;
        }

        var order = a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b);
        return order >= 0 ? a : b;
    }

    private static DateOnly? Earliest(DateOnly? a, DateOnly? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
