using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace MedInsure.Functions.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document, generated from the HTTP functions' declarations: route, methods and auth level from
/// [HttpTrigger], the rest from <see cref="ApiOperationAttribute"/> and its companions, response schemas from the
/// Ok&lt;T&gt; in each return type, and every schema from the JSON the app actually writes (System.Text.Json's exporter
/// with the app's own serializer options).
/// </summary>
internal sealed class OpenApiDocumentGenerator
{
    public const string HeaderScheme = "functionKey";
    public const string QueryScheme = "functionKeyQuery";
    public const string AdminHeaderScheme = "adminKey";
    public const string AdminQueryScheme = "adminKeyQuery";
    public const string KeyHeader = "x-functions-key";
    public const string KeyQuery = "code";

    // Examples for parameters, by name: shown in the document and pre-filled in the reference page.
    private static readonly Dictionary<string, string> Examples = new(StringComparer.OrdinalIgnoreCase)
    {
        ["topic"] = "contribution",
        ["region"] = "360300",
        ["from"] = "2026-10-01",
        ["to"] = "2026-10-31",
        ["q"] = "社保卡",
        ["flag"] = "low-confidence",
        ["limit"] = "20",
        ["parent"] = "360000",
        ["id"] = "3f2a9c0d1b7e4a65",
    };

    private readonly JsonSerializerOptions json;
    private readonly Lazy<string> document;

    public OpenApiDocumentGenerator(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> options)
    {
        json = new JsonSerializerOptions(options.Value.SerializerOptions);
        json.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
        json.MakeReadOnly();
        document = new(() => Generate().ToJsonString(new JsonSerializerOptions { Encoder = json.Encoder, WriteIndented = true }));
    }

    /// <summary>The document as served at /api/docs/openapi.json (built once per process).</summary>
    public string Json => document.Value;

    /// <summary>One HTTP function as the document sees it.</summary>
    public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, AuthorizationLevel Level, MethodInfo Method)
    {
        /// <summary>The OpenAPI path: the route under "/", its parameters without constraints.</summary>
        public string Path
        {
            get
            {
                var pattern = RoutePatternFactory.Parse(Route);
                var segments = pattern.PathSegments
                    .Where(s => !(s.Parts is [RoutePatternParameterPart { IsOptional: true }]))
                    .Select(s => string.Concat(s.Parts.Select(p => p switch
                    {
                        RoutePatternLiteralPart literal => literal.Content,
                        RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
                        RoutePatternSeparatorPart separator => separator.Content,
                        _ => "",
                    })));
                return "/" + string.Join('/', segments);
            }
        }
    }

    /// <summary>Every HTTP function of the app, read from its [Function] and [HttpTrigger] declarations.</summary>
    public static IReadOnlyList<HttpFunction> HttpFunctions() =>
        [.. typeof(OpenApiDocumentGenerator).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(f => f.Function is not null && f.Trigger is not null)
            .Select(f => new HttpFunction(f.Function!.Name, f.Trigger!.Route ?? f.Function.Name,
                [.. (f.Trigger.Methods ?? []).Select(m => m.ToLowerInvariant())], f.Trigger.AuthLevel, f.Method))
            .OrderBy(f => f.Route, StringComparer.Ordinal)];

    private JsonObject Generate()
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var paths = new JsonObject();
        var tags = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var function in HttpFunctions().OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var operation = function.Method.GetCustomAttribute<ApiOperationAttribute>()
                ?? throw new InvalidOperationException($"HTTP function {function.Name} has no [ApiOperation]: every HTTP function is documented.");
            tags.Add(operation.Tag);
            var item = paths[function.Path] as JsonObject ?? new JsonObject();
            paths[function.Path] = item;
            foreach (var method in function.Methods)
            {
                item[method] = Operation(function, operation, schemas);
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "MedInsure API",
                ["version"] = "v1",
                ["description"] = "Chinese social-insurance Q&A articles: filtered, paged queries for lightweight clients, topics and regions with counts, " +
                    "calculations and answers, statistics, ingestion records. Protected routes need a function key in the `x-functions-key` header or the `code` query parameter; " +
                    "`manage` routes need the admin key. Errors are RFC 9457 problem details.",
            },
            ["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["name"] = t })]),
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["securitySchemes"] = new JsonObject
                {
                    [HeaderScheme] = ApiKey("header", KeyHeader, "A function key (the Azure Functions host's keys), sent as a header."),
                    [QueryScheme] = ApiKey("query", KeyQuery, "The same function key as the `code` query parameter (for links; prefer the header)."),
                    [AdminHeaderScheme] = ApiKey("header", KeyHeader, "The admin (master) key, sent as a header: admin routes accept no other key."),
                    [AdminQueryScheme] = ApiKey("query", KeyQuery, "The admin (master) key as the `code` query parameter."),
                },
            },
        };
    }

    private JsonObject Operation(HttpFunction function, ApiOperationAttribute operation, SortedDictionary<string, JsonNode> schemas)
    {
        var result = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(operation.Tag),
            ["summary"] = operation.Summary,
        };
        if (operation.Description is { } description)
        {
            result["description"] = description;
        }

        var parameters = new JsonArray();
        var routeDescriptions = function.Method.GetCustomAttributes<ApiRouteParameterAttribute>().ToDictionary(a => a.Name, a => a.Description);
        foreach (var parameter in RoutePatternFactory.Parse(function.Route).Parameters.Where(p => !p.IsOptional))
        {
            parameters.Add(Parameter(parameter.Name, "path", new JsonObject { ["type"] = "string" }, routeDescriptions.GetValueOrDefault(parameter.Name), required: true));
        }

        if (function.Method.GetCustomAttribute<ApiQueryAttribute>() is { } query)
        {
            foreach (var property in query.Parameters.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                var schema = ParameterSchema(property);
                var node = Parameter(name, "query", schema, property.GetCustomAttribute<DescriptionAttribute>()?.Description, required: false);
                if (schema["type"]?.GetValue<string>() == "array")
                {
                    node["style"] = "form";
                    node["explode"] = true;
                }

                parameters.Add(node);
            }
        }

        if (parameters.Count > 0)
        {
            result["parameters"] = parameters;
        }

        if (function.Method.GetCustomAttribute<ApiBodyAttribute>() is { } body)
        {
            result["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(body.Type, schemas) } },
            };
        }

        result["responses"] = Responses(function, operation, schemas);
        if (function.Level != AuthorizationLevel.Anonymous)
        {
            var (header, queryScheme) = function.Level == AuthorizationLevel.Admin ? (AdminHeaderScheme, AdminQueryScheme) : (HeaderScheme, QueryScheme);
            result["security"] = new JsonArray(new JsonObject { [header] = new JsonArray() }, new JsonObject { [queryScheme] = new JsonArray() });
        }

        return result;
    }

    private JsonObject Responses(HttpFunction function, ApiOperationAttribute operation, SortedDictionary<string, JsonNode> schemas)
    {
        var responses = new SortedDictionary<int, JsonObject>();
        JsonObject Response(int status, string description) =>
            responses.TryGetValue(status, out var existing) ? existing : responses[status] = new JsonObject { ["description"] = description };

        var results = ResultTypes(function.Method.ReturnType);
        var okTypes = results.Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Ok<>)).Select(t => t.GetGenericArguments()[0]);
        foreach (var ok in operation.Returns is { } declared ? okTypes.Append(declared).Distinct() : okTypes)
        {
            var success = Response(200, "OK");
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(ok, schemas) } };
        }

        foreach (var accepted in results.Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Accepted<>)).Select(t => t.GetGenericArguments()[0]))
        {
            var response = Response(202, "Accepted: the work runs in the background; `Location` is the URL of its status");
            response["headers"] = new JsonObject { ["Location"] = new JsonObject { ["description"] = "Status URL of the operation", ["schema"] = new JsonObject { ["type"] = "string" } } };
            response["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(accepted, schemas) } };
        }

        foreach (var content in function.Method.GetCustomAttributes<ApiContentAttribute>())
        {
            var response = Response(content.Status, content.Description);
            var media = response["content"] as JsonObject ?? new JsonObject();
            response["content"] = media;
            media[content.ContentType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
        }

        if (operation.ConditionalGet)
        {
            Response(304, "Not modified: the ETag sent in If-None-Match is current");
        }

        var validation = results.Contains(typeof(ValidationProblem));
        var problems = new SortedSet<int>(operation.Problems) { 500 };
        if (function.Level != AuthorizationLevel.Anonymous)
        {
            problems.Add(401);
        }

        if (operation.UsesStorage)
        {
            problems.Add(503);
        }

        foreach (var status in problems)
        {
            var type = status == 400 && validation ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails);
            var response = Response(status, ProblemDescription(status, function.Level));
            response["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Reference(type, schemas) } };
        }

        return new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)r.Value)));
    }

    private static string ProblemDescription(int status, AuthorizationLevel level) => status switch
    {
        400 => "Invalid request: the problem names the parameter or field and what is allowed",
        401 => level == AuthorizationLevel.Admin ? "The admin key is missing or wrong" : "The function key is missing or wrong",
        404 => "Not found",
        500 => "Unexpected error (no details are disclosed)",
        503 => "Storage is unreachable or throttled: retry after the Retry-After seconds",
        _ => "Error",
    };

    // Task<Results<Ok<T>, …>> → [Ok<T>, …]; Task<Ok<T>> → [Ok<T>].
    private static List<Type> ResultTypes(Type returnType)
    {
        var type = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetGenericArguments()[0] : returnType;
        return type.IsGenericType && type.GetGenericTypeDefinition().FullName!.StartsWith("Microsoft.AspNetCore.Http.HttpResults.Results`", StringComparison.Ordinal)
            ? [.. type.GetGenericArguments()]
            : [type];
    }

    private static JsonObject Parameter(string name, string location, JsonObject schema, string? description, bool required)
    {
        var node = new JsonObject { ["name"] = name, ["in"] = location };
        if (description is not null)
        {
            node["description"] = description;
        }

        if (required)
        {
            node["required"] = true;
        }

        node["schema"] = schema;
        if (Examples.TryGetValue(name, out var example))
        {
            node["example"] = example;
        }

        return node;
    }

    private static JsonObject ParameterSchema(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        JsonObject schema = type == typeof(string[]) ? new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }
            : type == typeof(int) ? new JsonObject { ["type"] = "integer", ["format"] = "int32" }
            : type == typeof(bool) ? new JsonObject { ["type"] = "boolean" }
            : new JsonObject { ["type"] = "string" };
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = JsonValue.Create(Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
            schema["maximum"] = JsonValue.Create(Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
        }

        return schema;
    }

    private JsonObject Reference(Type type, SortedDictionary<string, JsonNode> schemas)
    {
        var name = type.Name;
        if (!schemas.ContainsKey(name))
        {
            schemas[name] = JsonSchemaExporter.GetJsonSchemaAsNode(json, type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = Describe,
            });
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    // [Description] on a property (records: [property: Description]) becomes the schema's description. A property typed
    // object (any JSON) is the boolean schema `true`, which OpenAPI readers do not all accept: written as `{}` instead.
    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema.GetValueKind() == JsonValueKind.True)
        {
            schema = new JsonObject();
        }

        var description = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: true)
            .OfType<DescriptionAttribute>().FirstOrDefault()?.Description;
        if (description is not null && schema is JsonObject node)
        {
            node.Insert(0, "description", description);
        }

        return schema;
    }

    private static JsonObject ApiKey(string location, string name, string description) => new()
    {
        ["type"] = "apiKey",
        ["in"] = location,
        ["name"] = name,
        ["description"] = description,
    };
}
