namespace MedInsure.Articles.Ingestion;

/// <summary>Where an article was seen: a dump and the position in it (0 = main article).</summary>
public sealed record ArticleSource(string Dump, int Position, string IngestionId, DateTimeOffset SeenAt);

/// <summary>Tags computed for an article's text.</summary>
public sealed record ArticleTags(
    string Topic,
    double TopicScore,
    bool TopicLowConfidence,
    string ModelVersion,
    string RegionCode,
    string RegionName,
    string? ProvinceCode,
    string? CityCode,
    string? CountyCode,
    IReadOnlyList<string> OtherRegions);

/// <summary>A quality flag on an article (e.g. arithmetic-mismatch), with its details.</summary>
public sealed record ArticleFlag(string Code, string Detail);

/// <summary>The stored state of one article: what the store keeps after merging every dump that contained it.</summary>
public sealed record StoredArticle
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? ShortAnswer { get; init; }
    public required string Body { get; init; }

    /// <summary>True once the body came from a main article (complete text); related items carry truncated snippets.</summary>
    public bool IsFullText { get; init; }

    public string? Category { get; init; }
    public DateOnly? Date { get; init; }
    public required ArticleTags Tags { get; init; }
    public IReadOnlyList<ArticleFlag> Flags { get; init; } = [];
    public required DateTimeOffset FirstSeenAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Ingestion that created the article; lets a retried ingestion report the same counts as the attempt that failed.</summary>
    public required string CreatedBy { get; init; }

    public required string UpdatedBy { get; init; }

    /// <summary>Counts the article's writes (1 for the first); derived rows carry the version they were made from.</summary>
    public long Version { get; init; }

    /// <summary>Earlier <see cref="DerivedState"/>s whose index rows and statistics may still exist.</summary>
    public IReadOnlyList<DerivedState> PriorDerived { get; init; } = [];
}
