namespace MedInsure.Articles.Storage;

/// <summary>Names of the containers and tables the app uses (section "Storage").</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Index rows are spread over this many tables by a hash of their index key. In Azure that is no different from as
    /// many partitions of one table; on Azurite, which scans a whole table for every query and keeps sorted arrays per
    /// table, it keeps each query and write to a 32nd of the index.
    /// </summary>
    public const int ArticleIndexShards = 32;

    /// <summary>Where content teams upload dumps. The blob trigger's path names it, so it is fixed and never prefixed.</summary>
    public const string DumpsContainerName = "dumps";

    public string DumpsContainer => DumpsContainerName;

    /// <summary>Rejected dumps are copied here with the reason in blob metadata.</summary>
    public string QuarantineContainer { get; set; } = "quarantine";

    /// <summary>Article bodies too long for a table entity.</summary>
    public string ArticleBodiesContainer { get; set; } = "article-bodies";

    public string ArticlesTable { get; set; } = "articles";

    public string IngestionsTable { get; set; } = "ingestions";

    /// <summary>
    /// Query indexes over the articles (see docs/storage.md): the name prefix of <see cref="ArticleIndexShards"/> tables,
    /// <c>articleindex00</c> to <c>articleindex31</c>.
    /// </summary>
    public string ArticleIndexTable { get; set; } = "articleindex";

    /// <summary>Every sighting of every article (<see cref="MedInsure.Articles.Ingestion.SightingStore"/>).</summary>
    public string SourcesTable { get; set; } = "sources";

    /// <summary>Background admin operations and their progress (<see cref="MedInsure.Articles.Operations.AdminOperations"/>).</summary>
    public string OperationsTable { get; set; } = "operations";

    /// <summary>Statistics aggregates maintained at ingestion and re-tagging.</summary>
    public string StatsTable { get; set; } = "stats";

    /// <summary>Prefix for every table and container name but the dumps container's: lets benchmark rounds share one account.</summary>
    public string NamePrefix { get; set; } = "";

    public string Container(string name) => NamePrefix.Length == 0 || name == DumpsContainerName ? name : $"{NamePrefix}-{name}";

    /// <summary>Unprefixed names of every table the app uses.</summary>
    public IEnumerable<string> AllTables() =>
        new[] { ArticlesTable, SourcesTable, IngestionsTable, StatsTable, OperationsTable }.Concat(Enumerable.Range(0, ArticleIndexShards).Select(IndexShardTable));

    /// <summary>Unprefixed name of one index shard table: "articleindex07".</summary>
    public string IndexShardTable(int shard) => ArticleIndexTable + shard.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    public string Table(string name) => NamePrefix.Length == 0 ? name : NamePrefix.Replace("-", "", StringComparison.Ordinal) + name;
}
