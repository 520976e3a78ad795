using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.LocalHost;

internal enum RouteMatchKind
{
    Found,
    NotFound,
    MethodNotAllowed,
}

internal sealed record RouteMatch(RouteMatchKind Kind, FunctionInfo? Function, RouteValueDictionary Values, IReadOnlyList<string> AllowedMethods);

/// <summary>
/// Maps a request to an HTTP function with ASP.NET Core's route templates, the way the worker's own endpoint routing
/// will map the forwarded request: among the templates that match the path and allow the method, the most specific one
/// (literal segments before constrained parameters before plain parameters before catch-alls) wins.
/// </summary>
internal sealed class RouteTable
{
    private static readonly IInlineConstraintResolver ConstraintResolver =
        new ServiceCollection().AddRouting().BuildServiceProvider().GetRequiredService<IInlineConstraintResolver>();

    private readonly List<Entry> _entries;

    public RouteTable(IEnumerable<FunctionInfo> functions)
    {
        _entries = functions
            .Where(f => f.HttpTrigger is not null)
            .Select((f, i) => Entry.Create(f, i))
            .OrderBy(e => e.Precedence)
            .ThenBy(e => e.Order)
            .ToList();
    }

    public RouteMatch Match(string method, PathString path)
    {
        var allowed = new List<string>();
        var pathMatched = false;
        foreach (var entry in _entries)
        {
            var values = new RouteValueDictionary();
            if (!entry.TryMatch(path, values))
            {
                continue;
            }

            pathMatched = true;
            var methods = entry.Function.HttpTrigger!.Methods;
            if (methods.Count == 0 || methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            {
                return new RouteMatch(RouteMatchKind.Found, entry.Function, values, methods);
            }

            allowed.AddRange(methods);
        }

        return pathMatched
            ? new RouteMatch(RouteMatchKind.MethodNotAllowed, null, [], allowed.Distinct(StringComparer.OrdinalIgnoreCase).ToList())
            : new RouteMatch(RouteMatchKind.NotFound, null, [], []);
    }

    private sealed record Entry(
        FunctionInfo Function,
        int Order,
        decimal Precedence,
        TemplateMatcher Matcher,
        IReadOnlyList<(string Name, IRouteConstraint Constraint)> Constraints)
    {
        public static Entry Create(FunctionInfo function, int order)
        {
            try
            {
                return CreateCore(function, order);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                throw new LocalHostStartException($"Function '{function.Name}': the route '{function.HttpTrigger!.RouteTemplate}' is not valid: {ex.Message}", ex);
            }
        }

        private static Entry CreateCore(FunctionInfo function, int order)
        {
            var template = TemplateParser.Parse(function.HttpTrigger!.RouteTemplate);
            var defaults = new RouteValueDictionary();
            var constraints = new List<(string, IRouteConstraint)>();
            foreach (var parameter in template.Parameters)
            {
                if (parameter.DefaultValue is not null)
                {
                    defaults[parameter.Name!] = parameter.DefaultValue;
                }

                var parts = parameter.InlineConstraints
                    .Select(c => ConstraintResolver.ResolveConstraint(c.Constraint)
                        ?? throw new LocalHostStartException(
                            $"Function '{function.Name}': unknown route constraint '{c.Constraint}' in '{function.HttpTrigger.RouteTemplate}'."))
                    .ToList();
                if (parts.Count == 0)
                {
                    continue;
                }

                IRouteConstraint constraint = parts.Count == 1 ? parts[0] : new CompositeRouteConstraint(parts);
                constraints.Add((parameter.Name!, parameter.IsOptional ? new OptionalRouteConstraint(constraint) : constraint));
            }

            return new Entry(function, order, RoutePrecedence.ComputeInbound(template), new TemplateMatcher(template, defaults), constraints);
        }

        public bool TryMatch(PathString path, RouteValueDictionary values)
        {
            if (!Matcher.TryMatch(path, values))
            {
                return false;
            }

            foreach (var (name, constraint) in Constraints)
            {
                if (!constraint.Match(null, null, name, values, RouteDirection.IncomingRequest))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
