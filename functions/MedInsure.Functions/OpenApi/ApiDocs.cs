using System.Text.Json.Nodes;
using MedInsure.Functions.Http;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace MedInsure.Functions.OpenApi;

/// <summary>
/// The OpenAPI document generated from the endpoints' metadata at /api/docs/openapi.json, and the Scalar reference at
/// /api/docs. Scalar serves its bundled script from the app (no CDN); default fonts are off because they come from a CDN.
/// </summary>
internal static class ApiDocs
{
    public const string DocumentPath = "/api/docs/openapi.json";
    public const string HeaderScheme = "functionKey";
    public const string QueryScheme = "functionKeyQuery";

    // Examples for query parameters, by name: shown in the document and pre-filled in the reference page.
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

    public static IHostApplicationBuilder AddApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "MedInsure API",
                    Version = "v1",
                    Description = "Chinese social-insurance Q&A articles: filtered, paged queries for lightweight clients, topics and regions with counts, " +
                        "ingestion records. Protected routes need a function key in the `x-functions-key` header or the `code` query parameter. " +
                        "Errors are RFC 9457 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = FunctionKeys.HeaderName,
                    Description = "A function key (Azure Functions host keys), sent as a header.",
                };
                document.Components.SecuritySchemes[QueryScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Query,
                    Name = FunctionKeys.QueryName,
                    Description = "The same function key as the `code` query parameter (for links; prefer the header).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var level = context.Description.ActionDescriptor.EndpointMetadata.OfType<AuthLevelMetadata>().LastOrDefault()?.Level ?? AuthLevel.Anonymous;
                if (level != AuthLevel.Anonymous)
                {
                    operation.Security =
                    [
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] },
                        new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(QueryScheme, context.Document)] = [] },
                    ];
                }

                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    if (parameter.Name is { } name && Examples.TryGetValue(name, out var example))
                    {
                        parameter.Example = JsonValue.Create(example);
                    }
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapApiDocs(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi(DocumentPath);
        routes.MapScalarApiReference("/api/docs", options => options
            .WithTitle("MedInsure API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts());
        return routes;
    }
}
