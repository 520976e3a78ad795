using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Ingestions;

public sealed record IngestionPage(IReadOnlyList<IngestionRecord> Items, string? Continuation);

/// <summary>The query string of GET /api/ingestions.</summary>
public sealed record IngestionListRequest(
    [property: Description("Page size, 1–100 (default 20)."), Range(1, 100)] int? Limit,
    [property: Description("Opaque token from the previous page's `continuation`.")] string? Continuation);

/// <summary>Content teams' view of what was ingested, rejected and why.</summary>
internal sealed class IngestionsFunctions(IngestionRecords records, StorageProvisioner storage, ContinuationTokens tokens)
{
    private const string TokenScope = "ingestions";

    [Function("ListIngestions")]
    [ApiOperation("Ingestions", "Ingestion records, newest first", Problems = [400])]
    [ApiQuery(typeof(IngestionListRequest))]
    public async Task<Results<Ok<IngestionPage>, ProblemHttpResult>> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/ingestions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (!request.TryInt("limit", out var limit, out var problem))
        {
            return problem!;
        }

        var size = limit ?? 20;
        if (size is < 1 or > 100)
        {
            return HttpConventions.InvalidParameter("limit", "must be between 1 and 100");
        }

        string? after = null;
        if (request.String("continuation") is { } continuation)
        {
            if (!tokens.TryUnprotect(TokenScope, continuation, out var key))
            {
                return HttpConventions.InvalidParameter("continuation", "is not a token this API issued (pass back `continuation` from the previous page unchanged)");
            }

            after = key;
        }

        await storage.EnsureAsync(cancellationToken);
        var (items, next) = await records.ListAsync(size, after, cancellationToken);
        return TypedResults.Ok(new IngestionPage(items, next is null ? null : tokens.Protect(TokenScope, next)));
    }

    [Function("GetIngestion")]
    [ApiOperation("Ingestions", "One ingestion record: status, counts, warnings, reason", Problems = [404])]
    [ApiRouteParameter("id", "Ingestion id, from a record's `id`.")]
    public async Task<Results<Ok<IngestionRecord>, NotFound<ProblemDetails>>> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/ingestions/{id}")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var id = request.RouteValue("id");
        await storage.EnsureAsync(cancellationToken);
        var record = id.Length <= 64 ? await records.FindAsync(id, cancellationToken) : null;
        return record is null
            ? TypedResults.NotFound(new ProblemDetails { Title = "Not found", Detail = $"No ingestion with id '{id}'.", Status = 404 })
            : TypedResults.Ok(record);
    }
}
