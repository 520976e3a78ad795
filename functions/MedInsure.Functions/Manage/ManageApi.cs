using MedInsure.Functions.Http;
using MedInsure.Articles.Tagging;

namespace MedInsure.Functions.Manage;

/// <summary>Admin operations (function.json authLevel admin): need the admin key.</summary>
internal static class ManageApi
{
    public static RouteGroupBuilder MapManage(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/manage").WithTags("Manage").RequireFunctionKey(AuthLevel.Admin);
        group.MapPost("/retag", Retag)
            .WithName("RetagArticles")
            .WithSummary("Re-classify every stored article with the current topic model and region gazetteer")
            .WithDescription("Idempotent: articles whose tags already match are not rewritten. Runs to completion before answering; for large stores prefer the `retag` command.");
        return group;
    }

    public static async Task<Ok<RetagSummary>> Retag(RetagService retag, CancellationToken cancellationToken) =>
        TypedResults.Ok(await retag.RetagAllAsync(progress: null, cancellationToken));
}
