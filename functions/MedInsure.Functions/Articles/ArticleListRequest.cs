using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using MedInsure.Functions.Http;

namespace MedInsure.Functions.Articles;

/// <summary>The query string of GET /api/articles.</summary>
public sealed record ArticleListRequest(
    [property: Description("Topic code(s): repeat the parameter or separate with commas (GET /api/topics lists them). Several topics match any of them.")] string[]? Topic,
    [property: Description("GB/T 2260 division code at any level: a province matches its cities and counties, a city its counties; 000000 = nationwide articles only.")] string? Region,
    [property: Description("Earliest article date, inclusive (yyyy-MM-dd).")] string? From,
    [property: Description("Latest article date, inclusive (yyyy-MM-dd).")] string? To,
    [property: Description("Keyword (2–50 characters) matched anywhere in the title, Chinese substrings included; spaces and punctuation are ignored.")] string? Q,
    [property: Description("Quality flag(s): arithmetic-mismatch, sum-mismatch, title-body-mismatch, low-confidence. Several flags match any of them.")] string[]? Flag,
    [property: Description("Page size, 1–100 (default 20)."), Range(1, 100)] int? Limit,
    [property: Description("Opaque token from the previous page's `continuation`; pass it back with the same filters.")] string? Continuation)
{
    public static bool TryBind(HttpRequest request, out ArticleListRequest bound, out ProblemHttpResult? problem)
    {
        var ok = request.TryInt("limit", out var limit, out problem);
        bound = new(request.Strings("topic"), request.String("region"), request.String("from"), request.String("to"),
            request.String("q"), request.Strings("flag"), limit, request.String("continuation"));
        return ok;
    }
}
