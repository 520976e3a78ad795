using System.ComponentModel;
using MedInsure.Articles.Catalog;
using MedInsure.Articles.Queries;
using MedInsure.Functions.Articles;
using MedInsure.Functions.Http;

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

    public static async Task<Ok<TopicList>> GetTopics(CatalogService catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.TopicsAsync(cancellationToken));

    public static async Task<Results<Ok<RegionList>, ProblemHttpResult>> GetRegions(
        [Description("Parent division code (6 digits); omit (or 000000) for the provinces.")] string? parent,
        CatalogService catalog,
        CancellationToken cancellationToken)
    {
        if (!catalog.IsValidParent(parent))
        {
            return ArticleProblems.Invalid("parent", "is not a current GB/T 2260 division code; allowed: a 6-digit province or city code from this list, or omit it for the provinces");
        }

        return TypedResults.Ok(await catalog.RegionsAsync(parent, cancellationToken));
    }

    public static async Task<Results<Ok<Health>, ProblemHttpResult>> GetHealth(CatalogService catalog, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await catalog.ProbeStorageAsync(timeout.Token);
            return TypedResults.Ok(new Health("healthy", "reachable"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason goes to the log; the anonymous caller learns only that storage is down.
            LogStorageUnreachable(loggers.CreateLogger("MedInsure.Functions.Catalog.Health"), ex);
            return TypedResults.Problem(title: "Unhealthy", detail: "Storage is not reachable.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(EventId = 3101, EventName = "StorageUnreachable", Level = LogLevel.Warning, Message = "Health check: storage is not reachable")]
    private static partial void LogStorageUnreachable(ILogger logger, Exception exception);
}

public sealed record Health(string Status, string Storage);
