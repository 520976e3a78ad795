using System.ComponentModel;
using MedInsure.Functions.Http;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Ingestions;

/// <summary>Content teams' view of what was ingested, rejected and why.</summary>
internal static class IngestionsApi
{
    private const string TokenScope = "ingestions";

    public static RouteGroupBuilder MapIngestions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/ingestions").WithTags("Ingestions").RequireFunctionKey();
        group.MapGet("/", List).WithName("ListIngestions").WithSummary("Ingestion records, newest first");
        group.MapGet("/{id}", Get).WithName("GetIngestion").WithSummary("One ingestion record: status, counts, warnings, reason");
        return group;
    }

    public static async Task<Results<Ok<IngestionPage>, ProblemHttpResult>> List(
        [Description("Page size, 1–100 (default 20)")] int? limit,
        [Description("Opaque token from the previous page's `continuation`")] string? continuation,
        IngestionRecords records,
        StorageProvisioner storage,
        ContinuationTokens tokens,
        CancellationToken cancellationToken)
    {
        var size = limit ?? 20;
        if (size is < 1 or > 100)
        {
            return HttpExtensions.InvalidParameter("limit", "must be between 1 and 100");
        }

        string? after = null;
        if (continuation is not null)
        {
            if (!tokens.TryUnprotect(TokenScope, continuation, out var key))
            {
                return HttpExtensions.InvalidParameter("continuation", "is not a token this API issued (pass back `continuation` from the previous page unchanged)");
            }

            after = key;
        }

        await storage.EnsureAsync(cancellationToken);
        var (items, next) = await records.ListAsync(size, after, cancellationToken);
        return TypedResults.Ok(new IngestionPage(items, next is null ? null : tokens.Protect(TokenScope, next)));
    }

    public static async Task<Results<Ok<IngestionRecord>, NotFound<ProblemDetails>>> Get(string id, IngestionRecords records, StorageProvisioner storage, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var record = id.Length <= 64 ? await records.FindAsync(id, cancellationToken) : null;
        return record is null
            ? TypedResults.NotFound(new ProblemDetails { Title = "Not found", Detail = $"No ingestion with id '{id}'.", Status = 404 })
            : TypedResults.Ok(record);
    }
}

public sealed record IngestionPage(IReadOnlyList<IngestionRecord> Items, string? Continuation);
