using System.ComponentModel;
using Azure.Data.Tables;
using MedInsure.Functions.Articles;
using MedInsure.Functions.Http;
using MedInsure.Functions.Storage;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Catalog;

/// <summary>What clients can filter on (topics, regions) with article counts, and the health probe.</summary>
internal static partial class CatalogApi
{
    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/topics", GetTopics).WithTags("Catalog").WithName("ListTopics").RequireFunctionKey().WithJsonETag()
            .ProducesProblem(StatusCodes.Status401Unauthorized).Produces(StatusCodes.Status304NotModified)
            .WithSummary("The topic taxonomy with article counts")
            .WithDescription("Counts come from count rows kept up to date at ingestion, not from scanning articles.");
        routes.MapGet("/api/regions", GetRegions).WithTags("Catalog").WithName("ListRegions").RequireFunctionKey().WithJsonETag()
            .ProducesProblem(StatusCodes.Status401Unauthorized).Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("GB/T 2260 divisions under a parent (provinces when absent) with article counts")
            .WithDescription("A division's count includes articles about its cities and counties.");
        routes.MapGet("/api/health", GetHealth).WithTags("Health").WithName("Health").RequireFunctionKey(AuthLevel.Anonymous)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Liveness and storage reachability (anonymous)");
        return routes;
    }

    public static async Task<Ok<TopicList>> GetTopics(StorageProvisioner storage, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var counts = await ReadCountsAsync(storage, "t|", "t}", cancellationToken);
        return TypedResults.Ok(new TopicList(Topics.All
            .Select(t => new TopicCount(t.Code, t.Name, t.Description, counts.GetValueOrDefault($"t|{t.Code}")))
            .ToList()));
    }

    public static async Task<Results<Ok<RegionList>, ProblemHttpResult>> GetRegions(
        [Description("Parent division code (6 digits); omit (or 000000) for the provinces.")] string? parent,
        Lazy<RegionGazetteer> regions,
        StorageProvisioner storage,
        CancellationToken cancellationToken)
    {
        var gazetteer = regions.Value;
        var parentCode = string.IsNullOrWhiteSpace(parent) ? ArticleIndex.Nationwide : parent.Trim();
        if (parentCode != ArticleIndex.Nationwide && !gazetteer.IsValid(parentCode))
        {
            return ArticleProblems.Invalid("parent", "is not a current GB/T 2260 division code; allowed: a 6-digit province or city code from this list, or omit it for the provinces");
        }

        await storage.EnsureAsync(cancellationToken);
        var prefix = ArticleIndex.RegionCountKey(parentCode, "");
        var counts = await ReadCountsAsync(storage, prefix, prefix[..^1] + ArticleIndex.KeyEnd, cancellationToken);
        int? nationwide = null;
        RegionRef? parentRef = null;
        if (parentCode == ArticleIndex.Nationwide)
        {
            var key = ArticleIndex.RegionCountKey("", ArticleIndex.Nationwide);
            nationwide = (await ReadCountsAsync(storage, key, key + ArticleIndex.KeyEnd, cancellationToken)).GetValueOrDefault(key);
        }
        else
        {
            parentRef = new RegionRef(parentCode, gazetteer.Find(parentCode)!.Name);
        }

        var items = gazetteer.Children(parentCode)
            .Select(d => new RegionCount(d.Code, d.Name, d.Level.ToString().ToLowerInvariant(), counts.GetValueOrDefault(prefix + d.Code)))
            .ToList();
        return TypedResults.Ok(new RegionList(parentRef, nationwide, items));
    }

    public static async Task<Results<Ok<Health>, ProblemHttpResult>> GetHealth(StorageProvisioner storage, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await storage.EnsureAsync(timeout.Token);
            var counts = storage.Table(storage.Options.ArticleCountsTable);
            await foreach (var _ in counts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ArticleIndex.CountPartition}"), 1, ["RowKey"], timeout.Token).AsPages())
            {
                break;
            }

            return TypedResults.Ok(new Health("healthy", "reachable"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason goes to the log; the anonymous caller learns only that storage is down.
            LogStorageUnreachable(loggers.CreateLogger("MedInsure.Functions.Catalog.Health"), ex);
            return TypedResults.Problem(title: "Unhealthy", detail: "Storage is not reachable.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<Dictionary<string, int>> ReadCountsAsync(StorageProvisioner storage, string from, string to, CancellationToken cancellationToken)
    {
        var table = storage.Table(storage.Options.ArticleCountsTable);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ArticleIndex.CountPartition} and RowKey ge {from} and RowKey lt {to}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, ["RowKey", "Count"], cancellationToken))
        {
            counts[row.RowKey] = (int)Math.Max(0, CounterWriter.Read(row, "Count"));
        }

        return counts;
    }

    [LoggerMessage(EventId = 3101, EventName = "StorageUnreachable", Level = LogLevel.Warning, Message = "Health check: storage is not reachable")]
    private static partial void LogStorageUnreachable(ILogger logger, Exception exception);
}

public sealed record TopicCount(string Code, string Name, string Description, int Articles);

public sealed record TopicList(IReadOnlyList<TopicCount> Items);

public sealed record RegionCount(string Code, string Name, string Level, int Articles);

/// <summary><c>Nationwide</c> (articles about no particular place) is given with the provinces only.</summary>
public sealed record RegionList(RegionRef? Parent, int? Nationwide, IReadOnlyList<RegionCount> Items);

public sealed record Health(string Status, string Storage);
