using System.Collections.Frozen;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Dashboard;

/// <summary>
/// The analysts' dashboard: a static page (embedded in the assembly, with the pinned ECharts from node_modules) that
/// calls /api/stats with the function key the user gives it. The page itself is anonymous and holds no data.
/// </summary>
internal static class DashboardApi
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/dashboard").WithTags("Dashboard").ExcludeFromDescription();
        group.MapGet("/", (HttpContext context) => Asset("index.html", context)).WithName("Dashboard");
        group.MapGet("/meta.json", Meta).WithName("DashboardMeta");
        group.MapGet("/{file}", Asset).WithName("DashboardAsset");
        return routes;
    }

    public static Results<FileContentHttpResult, NotFound<ProblemDetails>> Asset(string file, HttpContext context)
    {
        var extension = Path.GetExtension(file);
        using var stream = ContentTypes.ContainsKey(extension) && file.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-')
            ? typeof(DashboardApi).Assembly.GetManifestResourceStream("Dashboard/" + file)
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

    /// <summary>Labels for the filters: the topic taxonomy and the provinces (reference data, no article data).</summary>
    public static Ok<DashboardMeta> Meta(Lazy<RegionGazetteer> gazetteer) => TypedResults.Ok(new DashboardMeta(
        Topics.All.Select(t => new DashboardOption(t.Code, t.Name)).ToList(),
        [new DashboardOption(RegionTag.Nationwide.Code, RegionTag.Nationwide.Name),
            .. gazetteer.Value.Children(null).Select(p => new DashboardOption(p.Code, p.Name))]));
}

public sealed record DashboardOption(string Code, string Name);

public sealed record DashboardMeta(IReadOnlyList<DashboardOption> Topics, IReadOnlyList<DashboardOption> Provinces);
