using System.Collections.Frozen;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Dashboard;

public sealed record DashboardOption(string Code, string Name);

public sealed record DashboardMeta(IReadOnlyList<DashboardOption> Topics, IReadOnlyList<DashboardOption> Provinces);

/// <summary>
/// The analysts' dashboard: a static page (embedded in the assembly, with the pinned ECharts from node_modules) that
/// calls /api/stats with the function key the user gives it. The page itself is anonymous and holds no data.
/// </summary>
internal sealed class DashboardFunctions(Lazy<RegionGazetteer> gazetteer)
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    [Function("Dashboard")]
    [ApiOperation("Dashboard", "The analysts' dashboard page (anonymous; its data calls need a function key)", UsesStorage = false)]
    [ApiContent("text/html", "The dashboard page")]
    public Results<FileContentHttpResult, NotFound<ProblemDetails>> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard")] HttpRequest request) =>
        Asset("index.html", request.HttpContext);

    [Function("DashboardMeta")]
    [ApiOperation("Dashboard", "Labels for the dashboard's filters: the topic taxonomy and the provinces (reference data, no article data)", UsesStorage = false)]
    public Ok<DashboardMeta> Meta(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/meta.json")] HttpRequest request) =>
        TypedResults.Ok(new DashboardMeta(
            Topics.All.Select(t => new DashboardOption(t.Code, t.Name)).ToList(),
            [new DashboardOption(RegionTag.Nationwide.Code, RegionTag.Nationwide.Name),
                .. gazetteer.Value.Children(null).Select(p => new DashboardOption(p.Code, p.Name))]));

    [Function("DashboardAsset")]
    [ApiOperation("Dashboard", "The dashboard's script, styles and chart library", Problems = [404], UsesStorage = false)]
    [ApiRouteParameter("file", "dashboard.js, dashboard.css or echarts.min.js")]
    [ApiContent("text/javascript", "A script")]
    [ApiContent("text/css", "A style sheet")]
    public Results<FileContentHttpResult, NotFound<ProblemDetails>> File(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/{file}")] HttpRequest request) =>
        Asset(request.RouteValue("file"), request.HttpContext);

    private static Results<FileContentHttpResult, NotFound<ProblemDetails>> Asset(string file, HttpContext context)
    {
        var extension = Path.GetExtension(file);
        using var stream = ContentTypes.ContainsKey(extension) && file.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            ? typeof(DashboardFunctions).Assembly.GetManifestResourceStream("Dashboard/" + file)
            : null;
        if (stream is null)
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Title = "Not found",
                Status = 404,
                Detail = file == "echarts.min.js"
                    ? "The chart library was not embedded at build time: run `npm ci` in the repository root, then rebuild."
                    : $"The dashboard has no file '{file}'.",
            });
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        // The page changes with each deployment; the library is pinned, so let browsers keep it for a day.
        context.Response.Headers.CacheControl = file == "echarts.min.js" ? "public, max-age=86400" : "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(buffer.ToArray(), ContentTypes[extension]);
    }
}
