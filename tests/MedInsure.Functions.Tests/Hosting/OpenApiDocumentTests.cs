using Microsoft.OpenApi;

namespace MedInsure.Functions.Tests.Hosting;

/// <summary>The served OpenAPI document against what the host loads: every HTTP function, nothing else.</summary>
public sealed class OpenApiDocumentTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DocumentListsEveryHttpFunctionOfTheMetadataWithItsMethodsAndNothingElse()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var doc = await DocumentAsync(app);

        var documented = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Id: o.Value.GetProperty("operationId").GetString()!)))
            .Order().ToList();
        var loaded = FunctionMetadata.HttpFunctions()
            .SelectMany(f => f.Methods.Select(m => (f.Path, Method: m, Id: f.Name)))
            .Order().ToList();

        Assert.Equal(loaded, documented);
        Assert.Contains(documented, o => o.Path == "/" && o.Method == "get");
        Assert.Contains(documented, o => o.Path == "/api/dashboard");
        Assert.Contains(documented, o => o.Path == "/api/docs");
        Assert.Contains(documented, o => o.Path == "/api/docs/openapi.json");
    }

    [Fact]
    public async Task DocumentStatesSecurityContentTypesProblemsAndBoundsAsTheFunctionsBehave()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var doc = await DocumentAsync(app);
        var paths = doc.GetProperty("paths");
        JsonElement Operation(string path, string method) => paths.GetProperty(path).GetProperty(method);

        // Auth: each function's level, as the host enforces it.
        foreach (var function in FunctionMetadata.HttpFunctions())
        {
            foreach (var method in function.Methods)
            {
                var operation = Operation(function.Path, method);
                var schemes = operation.TryGetProperty("security", out var security)
                    ? security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Order().ToArray()
                    : [];
                string[] expected = function.AuthLevel switch
                {
                    "Admin" => ["adminKey", "adminKeyQuery"],
                    "Function" => ["functionKey", "functionKeyQuery"],
                    _ => [],
                };
                Assert.True(expected.SequenceEqual(schemes), $"{function.Name}: {string.Join(",", schemes)}");
                var responses = operation.GetProperty("responses");
                Assert.Equal(function.AuthLevel != "Anonymous", responses.TryGetProperty("401", out _));
                Assert.True(responses.TryGetProperty("500", out var error), $"{function.Name}: no 500");
                Assert.True(error.GetProperty("content").TryGetProperty("application/problem+json", out _));
            }
        }

        var admin = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("adminKey");
        Assert.Equal(("apiKey", "header", "x-functions-key"), (admin.GetProperty("type").GetString(), admin.GetProperty("in").GetString(), admin.GetProperty("name").GetString()));
        Assert.Contains("admin", admin.GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);

        // CSV and JSON from one route; problems where the function answers them.
        var stats = Operation("/api/stats", "get").GetProperty("responses");
        var content = stats.GetProperty("200").GetProperty("content");
        Assert.True(content.TryGetProperty("text/csv", out _));
        Assert.Equal("#/components/schemas/StatsResult", content.GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        foreach (var status in new[] { "400", "401", "503" })
        {
            Assert.True(stats.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), $"stats {status}");
        }

        var article = Operation("/api/articles/{id}", "get");
        Assert.True(article.GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(article.GetProperty("responses").TryGetProperty("304", out _));
        var id = article.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "id");
        Assert.Equal(("path", true), (id.GetProperty("in").GetString(), id.GetProperty("required").GetBoolean()));
        Assert.Equal("#/components/schemas/ArticleDetail",
            article.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());

        var limit = Operation("/api/articles", "get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal(("integer", 1, 100), (limit.GetProperty("type").GetString(), limit.GetProperty("minimum").GetInt32(), limit.GetProperty("maximum").GetInt32()));
        var topic = Operation("/api/articles", "get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "topic");
        Assert.Equal("array", topic.GetProperty("schema").GetProperty("type").GetString());

        // A calculation documents its body and its validation problem; it needs no storage, so no 503.
        var calc = Operation("/api/calc/contributions", "post");
        Assert.Equal("#/components/schemas/ContributionsRequest",
            calc.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails",
            calc.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.False(calc.GetProperty("responses").TryGetProperty("503", out _));

        // Schemas are the JSON the app writes: camelCase, with the [Description]s.
        var page = doc.GetProperty("components").GetProperty("schemas").GetProperty("ArticlePage").GetProperty("properties");
        Assert.True(page.TryGetProperty("items", out _));
        Assert.True(page.TryGetProperty("continuation", out _));
        var answer = doc.GetProperty("components").GetProperty("schemas").GetProperty("AnswerResponse").GetProperty("properties");
        Assert.Equal("The question as asked", answer.GetProperty("question").GetProperty("description").GetString());
    }

    [Fact]
    public async Task DocumentReadsBackAsValidOpenApiWithoutErrors()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var json = await app.CreateClient().GetStringAsync("/api/docs/openapi.json", Cancel);

        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.NotNull(read.Document);
        Assert.Equal(FunctionMetadata.HttpFunctions().Sum(f => f.Methods.Count), read.Document.Paths.Sum(p => p.Value.Operations?.Count ?? 0));
    }

    private static async Task<JsonElement> DocumentAsync(MedInsureApplication app)
    {
        var response = await app.CreateClient().GetAsync("/api/docs/openapi.json", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
    }
}
