using MedInsure.Functions.Articles;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Catalog;

/// <summary>The parent of GET /api/regions.</summary>
public sealed record RegionListRequest(
    [property: System.ComponentModel.Description("Parent division code (6 digits); omit (or 000000) for the provinces.")] string? Parent);

/// <summary>What clients can filter on (topics, regions) with article counts.</summary>
internal sealed class CatalogFunctions(CatalogService catalog)
{
    [Function("ListTopics")]
    [ApiOperation("Catalog", "The topic taxonomy with article counts", ConditionalGet = true, Returns = typeof(TopicList),
        Description = "Counts come from count rows kept up to date at ingestion, not from scanning articles.")]
    public async Task<IResult> TopicsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/topics")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConditionalGet.WithJsonETag(request, TypedResults.Ok(await catalog.TopicsAsync(cancellationToken)));

    [Function("ListRegions")]
    [ApiOperation("Catalog", "GB/T 2260 divisions under a parent (provinces when absent) with article counts", Problems = [400], ConditionalGet = true, Returns = typeof(RegionList),
        Description = "A division's count includes articles about its cities and counties.")]
    [ApiQuery(typeof(RegionListRequest))]
    public async Task<IResult> RegionsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/regions")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConditionalGet.WithJsonETag(request, await RegionsAsync(request.String("parent"), cancellationToken));

    private async Task<Results<Ok<RegionList>, ProblemHttpResult>> RegionsAsync(string? parent, CancellationToken cancellationToken)
    {
        if (!catalog.IsValidParent(parent))
        {
            return ArticleProblems.Invalid("parent", "is not a current GB/T 2260 division code; allowed: a 6-digit province or city code from this list, or omit it for the provinces");
        }

        return TypedResults.Ok(await catalog.RegionsAsync(parent, cancellationToken));
    }
}
