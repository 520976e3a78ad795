using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using MedInsure.Functions.Http;

namespace MedInsure.Functions.Articles;

/// <summary>The query string of GET /api/articles/{id}: which page of the article's sources to include.</summary>
public sealed record ArticleDetailRequest(
    [property: Description("Sources per page, 1–500 (default 50).") , Range(1, 500)] int? SourcesLimit,
    [property: Description("Opaque token from the previous response's `sourcesContinuation`, for the next page of sources.")] string? SourcesContinuation)
{
    public static bool TryBind(HttpRequest request, out ArticleDetailRequest bound, out ProblemHttpResult? problem)
    {
        var ok = request.TryInt("sourcesLimit", out var limit, out problem);
        bound = new(limit, request.String("sourcesContinuation"));
        return ok;
    }
}
