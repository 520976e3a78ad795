using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Manage;

/// <summary>Admin operations: they need the admin key.</summary>
internal sealed class ManageFunctions(RetagService retag, MedInsure.Articles.Rebuild.DerivedRebuild rebuild)
{
    [Function("RetagArticles")]
    [ApiOperation("Manage", "Re-classify every stored article with the current topic model and region gazetteer",
        Description = "Idempotent: articles whose tags already match are not rewritten. Runs to completion before answering; for large stores prefer the `retag` command.")]
    public async Task<Ok<RetagSummary>> RetagAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/manage/retag")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await retag.RetagAllAsync(progress: null, cancellationToken));

    [Function("RecountStats")]
    [ApiOperation("Manage", "Rebuilds the statistics and the topic and region counts from the articles and reports drift")]
    public async Task<Ok<MedInsure.Articles.Rebuild.RecountReport>> RecountAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "api/manage/recount")] HttpRequest request,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await rebuild.RecountAsync(null, cancellationToken));
}
