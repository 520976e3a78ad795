using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace MedInsure.Functions.Http;

internal static class HttpExtensions
{
    /// <summary>camelCase JSON with Chinese written as-is (escaping only what HTML needs), and RFC 9457 problem details
    /// for every error without exception details.</summary>
    public static IHostApplicationBuilder AddHttpConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            options.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
            options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<FunctionKeys>();
        builder.Services.AddSingleton(sp =>
        {
            // Tokens only need to survive between a client's page requests; a configured secret keeps them valid across instances.
            var secret = sp.GetRequiredService<IConfiguration>()["Paging:Secret"];
            return secret is { Length: > 0 } ? ContinuationTokens.FromSecret(secret) : new ContinuationTokens(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        });
        return builder;
    }

    public static ProblemHttpResult InvalidParameter(string parameter, string detail) =>
        TypedResults.Problem(
            title: "Invalid request parameter",
            detail: $"{parameter}: {detail}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
