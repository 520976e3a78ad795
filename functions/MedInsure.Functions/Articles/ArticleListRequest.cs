using System.ComponentModel;

namespace MedInsure.Functions.Articles;

/// <summary>The query string of GET /api/articles.</summary>
public sealed record ArticleListRequest(
    [FromQuery(Name = "topic")][property: Description("Topic code(s): repeat the parameter or separate with commas (GET /api/topics lists them). Several topics match any of them.")] string[]? Topic,
    [FromQuery(Name = "region")][property: Description("GB/T 2260 division code at any level: a province matches its cities and counties, a city its counties; 000000 = nationwide articles only.")] string? Region,
    [FromQuery(Name = "from")][property: Description("Earliest article date, inclusive (yyyy-MM-dd).")] string? From,
    [FromQuery(Name = "to")][property: Description("Latest article date, inclusive (yyyy-MM-dd).")] string? To,
    [FromQuery(Name = "q")][property: Description("Keyword (2–50 characters) matched anywhere in the title, Chinese substrings included; spaces and punctuation are ignored.")] string? Q,
    [FromQuery(Name = "flag")][property: Description("Quality flag(s): arithmetic-mismatch, sum-mismatch, title-body-mismatch, low-confidence. Several flags match any of them.")] string[]? Flag,
    [FromQuery(Name = "limit")][property: Description("Page size, 1–100 (default 20).")] int? Limit,
    [FromQuery(Name = "continuation")][property: Description("Opaque token from the previous page's `continuation`; pass it back with the same filters.")] string? Continuation);
