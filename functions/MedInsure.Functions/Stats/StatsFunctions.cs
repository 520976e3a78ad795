using System.ComponentModel;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using MedInsure.Tagging.Regions;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Stats;

/// <summary>The query string of GET /api/stats.</summary>
public sealed record StatsRequest(
    [property: Description("Comma-separated groups: topic, region, and one of day, month, year")] string? By,
    [property: Description("Region level when grouping by region: province (default), city, county")] string? Level,
    [property: Description("First date, yyyy-MM-dd or yyyy-MM (inclusive)")] string? From,
    [property: Description("Last date, yyyy-MM-dd or yyyy-MM (inclusive)")] string? To,
    [property: Description("Topic code(s), comma-separated")] string? Topic,
    [property: Description("GB/T 2260 region code: that division and everything inside it")] string? Region,
    [property: Description("Count only articles with this quality flag code, or 'any'")] string? Flag,
    [property: Description("json (default) or csv")] string? Format,
    [property: Description("csv only: add a totals row")] bool? Totals);

/// <summary>Analysts' statistics: counts by topic, region and period from the aggregates in the stats table.</summary>
internal sealed class StatsFunctions(StatsService stats, Lazy<RegionGazetteer> gazetteer, TimeProvider clock)
{
    [Function("GetStats")]
    [ApiOperation("Stats", "Article counts grouped by topic, region and period, as JSON or CSV", Problems = [400])]
    [ApiQuery(typeof(StatsRequest))]
    [ApiContent("text/csv", "With format=csv: UTF-8 with BOM, RFC 4180, columns topic,topic_name,region,region_name,period,articles,flagged")]
    public async Task<Results<Ok<StatsResult>, FileContentHttpResult, ProblemHttpResult>> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/stats")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var format = request.String("format");
        if (format is not (null or "" or "json" or "csv"))
        {
            return HttpConventions.InvalidParameter("format", "must be json or csv");
        }

        if (!request.TryBool("totals", out var totals, out var problem))
        {
            return problem!;
        }

        if (!StatsQuery.TryParse(request.String("by"), request.String("level"), request.String("from"), request.String("to"),
                request.String("topic"), request.String("region"), request.String("flag"), gazetteer.Value, out var query, out var error))
        {
            return HttpConventions.InvalidParameter(error.Parameter, error.Detail);
        }

        var result = await stats.QueryAsync(query, cancellationToken);
        if (format == "csv")
        {
            return TypedResults.File(StatsService.ToCsv(query, result, totals == true), "text/csv; charset=utf-8",
                StatsService.FileName(query, clock.GetUtcNow(), "csv"));
        }

        return TypedResults.Ok(result);
    }
}
