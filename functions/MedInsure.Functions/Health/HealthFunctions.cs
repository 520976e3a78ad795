using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Health;

public sealed record HealthReport(string Status, string Storage);

public sealed record ServiceInfo(string Service, string Status, string Docs);

/// <summary>Liveness for monitors, and the site root.</summary>
internal sealed partial class HealthFunctions(CatalogService catalog, ILogger<HealthFunctions> logger)
{
    [Function("Health")]
    [ApiOperation("Health", "Liveness and storage reachability (anonymous)")]
    public async Task<Results<Ok<HealthReport>, ProblemHttpResult>> HealthAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await catalog.ProbeStorageAsync(timeout.Token);
            return TypedResults.Ok(new HealthReport("healthy", "reachable"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The reason goes to the log; the anonymous caller learns only that storage is down.
            StorageUnreachable(ex);
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(title: "Unhealthy", detail: "Storage is not reachable.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    // With the route prefix empty, a function answers at "/" (the optional, always-empty parameter matches only the root).
    [Function("Root")]
    [ApiOperation("Health", "The service's name and where its documentation is (anonymous)", UsesStorage = false)]
    public Ok<ServiceInfo> Root(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{root:maxlength(0)?}")] HttpRequest request) =>
        TypedResults.Ok(new ServiceInfo("MedInsure.Functions", "ready", "/api/docs"));

    [LoggerMessage(EventId = 3101, EventName = "StorageUnreachable", Level = LogLevel.Warning, Message = "Health check: storage is not reachable")]
    private partial void StorageUnreachable(Exception exception);
}
