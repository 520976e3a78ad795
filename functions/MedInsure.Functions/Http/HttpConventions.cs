using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Options;

namespace MedInsure.Functions.Http;

/// <summary>Section "Paging": the key that signs paging tokens.</summary>
public sealed class PagingOptions
{
    public const string SectionName = "Paging";

    public const string MissingSecret =
        "Paging:Secret (app setting Paging__Secret) is not set. Every instance signs and checks paging tokens with it, so it " +
        "must be one shared value: infra/ provisions it as a Key Vault reference; set it for any other deployment. Only local " +
        "development (AZURE_FUNCTIONS_ENVIRONMENT=Development, as func start and the local host set) runs without it.";

    public string? Secret { get; set; }
}

internal static class HttpConventions
{
    /// <summary>camelCase JSON with Chinese written as-is (escaping only what HTML needs), RFC 9457 problem details, and
    /// the paging-token key.</summary>
    public static IHostApplicationBuilder AddHttpConventions(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<OpenApi.OpenApiDocumentGenerator>();
        // Every instance must sign and verify paging tokens with one key, or a page-2 request that lands on another
        // instance is refused: outside local development the app does not start without it.
        builder.Services.AddOptions<PagingOptions>().BindConfiguration(PagingOptions.SectionName)
            .Validate(o => o.Secret is { Length: > 0 } || IsLocalDevelopment(builder.Configuration), PagingOptions.MissingSecret)
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<PagingOptions>>().Value.Secret is { Length: > 0 } secret
            ? ContinuationTokens.FromSecret(secret)
            : new ContinuationTokens(RandomNumberGenerator.GetBytes(32)));
        return builder;
    }

    /// <summary>func start and the local host set AZURE_FUNCTIONS_ENVIRONMENT=Development; Azure does not.</summary>
    public static bool IsLocalDevelopment(IConfiguration configuration) =>
        string.Equals(configuration["AZURE_FUNCTIONS_ENVIRONMENT"], "Development", StringComparison.OrdinalIgnoreCase);

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
