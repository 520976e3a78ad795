using System.ComponentModel;
using MedInsure.Functions.Http;
using MedInsure.Articles.Ingestion;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Stats;

/// <summary>Analysts' statistics: counts by topic, region and period from the aggregates in the stats table.</summary>
internal static class StatsApi
{
    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/stats", Get).WithTags("Stats").RequireFunctionKey()
            .WithName("GetStats").WithSummary("Article counts grouped by topic, region and period, as JSON or CSV");
        routes.MapPost("/api/manage/recount", Recount).WithTags("Stats").RequireFunctionKey(AuthLevel.Admin)
            .WithName("RecountStats").WithSummary("Rebuilds the stats aggregates from the articles and reports drift");
        return routes;
    }

    public static async Task<Results<Ok<StatsResult>, FileContentHttpResult, ProblemHttpResult>> Get(
        [Description("Comma-separated groups: topic, region, and one of day, month, year")] string? by,
        [Description("Region level when grouping by region: province (default), city, county")] string? level,
        [Description("First date, yyyy-MM-dd or yyyy-MM (inclusive)")] string? from,
        [Description("Last date, yyyy-MM-dd or yyyy-MM (inclusive)")] string? to,
        [Description("Topic code(s), comma-separated")] string? topic,
        [Description("GB/T 2260 region code: that division and everything inside it")] string? region,
        [Description("Count only articles with this quality flag code, or 'any'")] string? flag,
        [Description("json (default) or csv")] string? format,
        [Description("csv only: add a totals row")] bool? totals,
        StatsService stats,
        Lazy<RegionGazetteer> gazetteer,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (format is not (null or "" or "json" or "csv"))
        {
            return HttpExtensions.InvalidParameter("format", "must be json or csv");
        }

        if (!StatsQuery.TryParse(by, level, from, to, topic, region, flag, gazetteer.Value, out var query, out var error))
        {
            return HttpExtensions.InvalidParameter(error.Parameter, error.Detail);
        }

        var result = await stats.QueryAsync(query, cancellationToken);
        if (format == "csv")
        {
            return TypedResults.File(StatsService.ToCsv(query, result, totals == true), "text/csv; charset=utf-8",
                StatsService.FileName(query, clock.GetUtcNow(), "csv"));
        }

        return TypedResults.Ok(result);
    }

    public static async Task<Ok<RecountReport>> Recount(StatsStore store, ArticleStore articles, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.RecountAsync(articles, null, cancellationToken));
}
