namespace MedInsure.Functions.Storage;

/// <summary>Names of the containers and tables the app uses (section "Storage").</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Where content teams upload dumps; the blob trigger watches it.</summary>
    public string DumpsContainer { get; set; } = "dumps";

    /// <summary>Rejected dumps are copied here with the reason in blob metadata.</summary>
    public string QuarantineContainer { get; set; } = "quarantine";

    /// <summary>Article bodies too long for a table entity.</summary>
    public string ArticleBodiesContainer { get; set; } = "article-bodies";

    public string ArticlesTable { get; set; } = "articles";

    public string IngestionsTable { get; set; } = "ingestions";

    /// <summary>Query indexes over the articles (see docs/storage.md).</summary>
    public string ArticleIndexTable { get; set; } = "articleindex";

    /// <summary>Statistics aggregates maintained at ingestion and re-tagging.</summary>
    public string StatsTable { get; set; } = "stats";

    /// <summary>Prefix for every table and container name: lets tests and tenants share one account.</summary>
    public string NamePrefix { get; set; } = "";

    public string Container(string name) => NamePrefix.Length == 0 ? name : $"{NamePrefix}-{name}";

    public string Table(string name) => NamePrefix.Length == 0 ? name : NamePrefix.Replace("-", "", StringComparison.Ordinal) + name;
}
