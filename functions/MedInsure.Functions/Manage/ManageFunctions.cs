using MedInsure.Articles.Operations;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Manage;

/// <summary>
/// Admin operations (admin key). Rebuilds and re-tagging scan every article, which can outlast the 230 s an HTTP request
/// gets through the Functions front end, so they run in the background: the POST answers 202 with a status URL.
/// </summary>
internal sealed class ManageFunctions(AdminOperations operations)
{
    [Function("StartReindex")]
    [ApiOperation("Manage", "Rebuild the query index from the articles, in the background",
        Description = "Answers 202 with `Location: /api/manage/operations/{id}`. The result lists the index rows that were missing, stale or extra (all repaired). Safe while dumps are ingested.")]
    public Task<Accepted<OperationStatus>> ReindexAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/manage/reindex")] HttpRequest request,
        CancellationToken cancellationToken) =>
        StartAsync(OperationKind.Reindex, cancellationToken);

    [Function("StartRecount")]
    [ApiOperation("Manage", "Rebuild the statistics and the topic and region counts from the articles, in the background",
        Description = "Answers 202 with `Location: /api/manage/operations/{id}`. The result lists the cells whose counts had drifted (all repaired). Safe while dumps are ingested.")]
    public Task<Accepted<OperationStatus>> RecountAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/manage/recount")] HttpRequest request,
        CancellationToken cancellationToken) =>
        StartAsync(OperationKind.Recount, cancellationToken);

    [Function("StartRetag")]
    [ApiOperation("Manage", "Re-classify every stored article with the current topic model and region gazetteer, in the background",
        Description = "Answers 202 with `Location: /api/manage/operations/{id}`. Idempotent: articles whose tags already match are not rewritten.")]
    public Task<Accepted<OperationStatus>> RetagAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/manage/retag")] HttpRequest request,
        CancellationToken cancellationToken) =>
        StartAsync(OperationKind.Retag, cancellationToken);

    [Function("GetOperation")]
    [ApiOperation("Manage", "Status, progress and result of a background admin operation", Returns = typeof(OperationStatus), Problems = [404])]
    [ApiRouteParameter("id", "Operation id: 32 lower-case hex characters, from the 202 response.")]
    public async Task<Results<Ok<OperationStatus>, NotFound<ProblemDetails>>> GetAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "api/manage/operations/{id}")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var id = request.RouteValue("id");
        var status = AdminOperations.IsValidId(id) ? await operations.FindAsync(id, cancellationToken) : null;
        return status is null
            ? TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Not found",
                Detail = AdminOperations.IsValidId(id) ? $"No operation with id '{id}'." : "No operation with that id (ids are 32 lower-case hex characters).",
            })
            : TypedResults.Ok(status);
    }

    /// <summary>Runs a queued operation; a failure is retried by the queue (every operation converges when run again).</summary>
    [Function("RunOperation")]
    public Task RunAsync([QueueTrigger(AdminOperations.QueueName)] string id, CancellationToken cancellationToken) =>
        operations.RunAsync(id.Trim(), cancellationToken);

    private async Task<Accepted<OperationStatus>> StartAsync(OperationKind kind, CancellationToken cancellationToken)
    {
        var status = await operations.StartAsync(kind, cancellationToken);
        return TypedResults.Accepted($"/api/manage/operations/{status.Id}", status);
    }
}
