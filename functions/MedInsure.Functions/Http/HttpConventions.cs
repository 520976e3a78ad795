using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace MedInsure.Functions.Http;

internal static class HttpConventions
{
    /// <summary>camelCase JSON with Chinese written as-is (escaping only what HTML needs), RFC 9457 problem details, and
    /// the paging-token key.</summary>
    public static IHostApplicationBuilder AddHttpConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<OpenApi.OpenApiDocumentGenerator>();
        builder.Services.AddSingleton(sp =>
        {
            // Tokens only need to survive between a client's page requests; a configured secret keeps them valid across instances.
            var secret = sp.GetRequiredService<IConfiguration>()["Paging:Secret"];
            return secret is { Length: > 0 } ? ContinuationTokens.FromSecret(secret) : new ContinuationTokens(RandomNumberGenerator.GetBytes(32));
        });
        return builder;
    }

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        return options;
    }

    public static ProblemHttpResult InvalidParameter(string parameter, string detail) =>
        TypedResults.Problem(
            title: "Invalid request parameter",
            detail: $"{parameter}: {detail}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
