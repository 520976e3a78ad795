using System.Globalization;

namespace MedInsure.Functions.Http;

/// <summary>Reads query parameters the way the API documents them; a value that does not parse names its parameter.</summary>
internal static class QueryValues
{
    /// <summary>A value the route template captured (the worker's own routing matched the function's route).</summary>
    public static string RouteValue(this HttpRequest request, string name) => request.RouteValues[name]?.ToString() ?? "";

    public static string? String(this HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    /// <summary>Every occurrence of a repeatable parameter (each may still hold a comma-separated list).</summary>
    public static string[]? Strings(this HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 ? [.. values.Select(v => v ?? "")] : null;

    public static bool TryInt(this HttpRequest request, string name, out int? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        var text = request.String(name);
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = HttpConventions.InvalidParameter(name, "must be a whole number");
        return false;
    }

    public static bool TryBool(this HttpRequest request, string name, out bool? value, out ProblemHttpResult? problem)
    {
        value = null;
        problem = null;
        var text = request.String(name);
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (bool.TryParse(text, out var parsed))
        {
            value = parsed;
            return true;
        }

        problem = HttpConventions.InvalidParameter(name, "must be true or false");
        return false;
    }
}
