using System.IO.Compression;
using System.Text;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.OpenApi;

/// <summary>
/// The OpenAPI document and the Scalar API reference page. The page loads only what the app serves: Scalar's script
/// is the copy bundled in the pinned Scalar.AspNetCore package, and default fonts are off (they come from a CDN).
/// </summary>
internal sealed class ApiDocsFunctions(OpenApiDocumentGenerator generator)
{
    public const string DocumentPath = "/api/docs/openapi.json";

    // The resource name inside Scalar.AspNetCore; a contract test fails if an upgrade moves it.
    internal const string ScalarScriptResource = "ScalarStaticAssets.scalar.js";

    private static readonly Lazy<byte[]> ScalarScript = new(() =>
    {
        using var stream = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream(ScalarScriptResource)
            ?? throw new InvalidOperationException($"Scalar.AspNetCore no longer holds {ScalarScriptResource}");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    });

    private const string Page = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>MedInsure API</title>
        </head>
        <body>
          <div id="app"></div>
          <script src="/api/docs/scalar.js"></script>
          <script>
            Scalar.createApiReference('#app', {"url":"/api/docs/openapi.json","withDefaultFonts":false,"hideClientButton":false,"title":"MedInsure API"});
          </script>
        </body>
        </html>
        """;

    [Function("OpenApiDocument")]
    [ApiOperation("Docs", "This OpenAPI document (anonymous)", UsesStorage = false)]
    [ApiContent("application/json", "The OpenAPI 3.1 document")]
    public ContentHttpResult Document(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs/openapi.json")] HttpRequest request) =>
        TypedResults.Text(generator.Json, "application/json", Encoding.UTF8);

    [Function("ApiReference")]
    [ApiOperation("Docs", "The API reference page (anonymous; works offline)", UsesStorage = false)]
    [ApiContent("text/html", "The reference page")]
    public ContentHttpResult Reference(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs")] HttpRequest request)
    {
        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(Page, "text/html", Encoding.UTF8);
    }

    [Function("ApiReferenceScript")]
    [ApiOperation("Docs", "The reference page's script (Scalar, served by the app)", UsesStorage = false)]
    [ApiContent("text/javascript", "Scalar's standalone script")]
    public FileContentHttpResult Script(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/docs/scalar.js")] HttpRequest request)
    {
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.File(ScalarScript.Value, "text/javascript; charset=utf-8");
    }
}
