namespace MedInsure.Articles.Ingestion;

/// <summary>
/// The part of an article that decides where its derived rows live: the index keys and their dates, and the statistics
/// cells. Two states that are equal have the same derived rows' keys. An article keeps the states it had before whose
/// rows may still exist (<see cref="StoredArticle.PriorDerived"/>), so a derived write that runs without the previous
/// state in hand (a retry, a rebuild) still knows what to remove.
/// </summary>
public sealed record DerivedState(
    string Topic,
    bool LowConfidence,
    string RegionCode,
    string? ProvinceCode,
    string? CityCode,
    string? CountyCode,
    string FlagCodes,
    DateOnly? Date)
{
    public static DerivedState Of(StoredArticle article) => new(
        article.Tags.Topic,
        article.Tags.TopicLowConfidence,
        article.Tags.RegionCode,
        article.Tags.ProvinceCode,
        article.Tags.CityCode,
        article.Tags.CountyCode,
        string.Join(',', article.Flags.Select(f => f.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        article.Date);

    public IEnumerable<string> Flags => FlagCodes.Length == 0 ? [] : FlagCodes.Split(',');

    /// <summary>
    /// The states whose rows may outlive a write from <paramref name="before"/> to <paramref name="after"/>: every
    /// earlier one not equal to the new one. States only accumulate (an article changes tags a handful of times at
    /// most), so a write that fails half-way and one that follows it never lose track of a row to remove.
    /// </summary>
    public static IReadOnlyList<DerivedState> PriorAfter(StoredArticle before, StoredArticle after)
    {
        var next = Of(after);
        return [.. before.PriorDerived.Append(Of(before)).Distinct().Where(s => s != next)];
    }
}
