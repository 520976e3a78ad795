using System.Text.RegularExpressions;

namespace MedInsure.Infra.Tests;

/// <summary>A route as one row of a Markdown table documents it: method (null when the row names none) and path.</summary>
public sealed record DocumentedRoute(string? Method, string Path);

/// <summary>One row of the route table: its line in the file, the routes in its route cell and its auth cell.</summary>
public sealed record DocumentedRow(int Line, string Text, IReadOnlyList<DocumentedRoute> Routes, string Auth);

/// <summary>
/// Reads the route table users read: the first Markdown table under a heading that has an "auth" column. The route
/// cell may hold several code spans (`GET /api/topics`, `GET /api/regions?parent=`), a span may list several paths
/// separated by ", ", a path without a method takes the previous one's, and the query string is ignored.
/// </summary>
public static partial class ReadmeRouteTable
{
    public static List<DocumentedRow> Parse(string markdown, string heading)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == heading);
        if (start < 0)
        {
            throw new InvalidDataException($"heading '{heading}' not found");
        }

        var level = heading.TakeWhile(c => c == '#').Count();
        var rows = new List<DocumentedRow>();
        int? routeColumn = null, authColumn = null;
        for (var i = start + 1; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (IsHeadingAtOrAbove(line, level))
            {
                break;
            }

            if (!line.StartsWith('|'))
            {
                if (authColumn is not null && rows.Count > 0)
                {
                    break; // the first table with an auth column has ended
                }

                continue;
            }

            var cells = Cells(line);
            if (authColumn is null)
            {
                // Header row: the auth column is required; the route column is named route/path/endpoint, else the first.
                var names = cells.Select(c => c.ToLowerInvariant()).ToList();
                var auth = names.FindIndex(n => n.Contains("auth", StringComparison.Ordinal));
                if (auth >= 0)
                {
                    authColumn = auth;
                    var route = names.FindIndex(n => n is "route" or "routes" or "path" or "endpoint" or "endpoints");
                    routeColumn = route >= 0 ? route : 0;
                }

                continue;
            }

            if (cells.All(c => SeparatorCell().IsMatch(c)))
            {
                continue;
            }

            if (cells.Count <= Math.Max(authColumn.Value, routeColumn!.Value))
            {
                throw new InvalidDataException($"line {i + 1}: the row has {cells.Count} cells, fewer than the header: {line}");
            }

            rows.Add(new DocumentedRow(i + 1, line, Routes(cells[routeColumn.Value]), cells[authColumn.Value]));
        }

        if (authColumn is null)
        {
            throw new InvalidDataException($"no table with an auth column under '{heading}'");
        }

        return rows;
    }

    /// <summary>The auth level a cell states, in the host's spelling (Function, Admin, Anonymous), or null when unclear.</summary>
    public static string? AuthLevel(string cell) =>
        FirstWord().Match(cell.Replace("`", "", StringComparison.Ordinal).Replace("*", "", StringComparison.Ordinal)).Value.ToLowerInvariant() switch
        {
            "function" => "Function",
            "admin" or "master" => "Admin",
            "none" or "anonymous" => "Anonymous",
            _ => null,
        };

    private static List<DocumentedRoute> Routes(string cell)
    {
        var routes = new List<DocumentedRoute>();
        string? method = null;
        foreach (Match span in CodeSpan().Matches(cell))
        {
            foreach (var part in ListSeparator().Split(span.Groups[1].Value.Trim()))
            {
                var route = RouteText().Match(part);
                if (!route.Success)
                {
                    break; // not a route (for example a curl command): skip the rest of the span
                }

                method = route.Groups["method"].Success ? route.Groups["method"].Value : method;
                routes.Add(new DocumentedRoute(method, route.Groups["path"].Value));
            }
        }

        return routes;
    }

    // Markdown cells, splitting on unescaped pipes only (`format=json\|csv` stays one cell).
    private static List<string> Cells(string row) =>
        UnescapedPipe().Split(row.Trim().Trim('|')).Select(c => c.Replace(@"\|", "|", StringComparison.Ordinal).Trim()).ToList();

    private static bool IsHeadingAtOrAbove(string line, int level)
    {
        var hashes = line.TakeWhile(c => c == '#').Count();
        return hashes > 0 && hashes <= level && line.Length > hashes && line[hashes] == ' ';
    }

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex SeparatorCell();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@",\s+")]
    private static partial Regex ListSeparator();

    [GeneratedRegex(@"^(?:(?<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+)?(?<path>/[^\s?#]*)(?:[?#]\S*)?$")]
    private static partial Regex RouteText();

    [GeneratedRegex(@"[A-Za-z]+")]
    private static partial Regex FirstWord();
}

/// <summary>Matches a documented path against a Functions route template (literals, {name}, {name?}, {*rest}, maxlength(n)).</summary>
public static partial class RouteTemplate
{
    /// <summary>How many literal segments matched, or -1 when the path does not fit the template.</summary>
    public static int Match(string template, string path) => Match(Segments(template), 0, Segments(path), 0, 0);

    /// <summary>The same path with its last segment replaced by <paramref name="sibling"/> ("/api/calc/a" + "/b" = "/api/calc/b").</summary>
    public static string Sibling(string path, string sibling)
    {
        var parent = path.TrimEnd('/');
        var slash = parent.LastIndexOf('/');
        return string.Concat(slash < 0 ? "" : parent[..slash], "/", sibling.TrimStart('/'));
    }

    private static int Match(string[] template, int t, string[] path, int p, int score)
    {
        if (t == template.Length)
        {
            return p == path.Length ? score : -1;
        }

        var segment = template[t];
        var parameter = Parameter().Match(segment);
        if (!parameter.Success)
        {
            return p < path.Length && string.Equals(segment, path[p], StringComparison.OrdinalIgnoreCase)
                ? Match(template, t + 1, path, p + 1, score + 1)
                : -1;
        }

        if (parameter.Groups["catchAll"].Success)
        {
            return score;
        }

        var maxLength = MaxLength().Match(parameter.Groups["constraints"].Value);
        var fits = p < path.Length && (!maxLength.Success || path[p].Length <= int.Parse(maxLength.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        if (fits && Match(template, t + 1, path, p + 1, score) is var taken and >= 0)
        {
            return taken;
        }

        return parameter.Groups["optional"].Success ? Match(template, t + 1, path, p, score) : -1;
    }

    private static string[] Segments(string route) => route.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);

    [GeneratedRegex(@"^\{(?<catchAll>\*{1,2})?[^:}?]+(?<constraints>(?::[^}?]+)*)(?<optional>\?)?\}$")]
    private static partial Regex Parameter();

    [GeneratedRegex(@":maxlength\((\d+)\)")]
    private static partial Regex MaxLength();
}
