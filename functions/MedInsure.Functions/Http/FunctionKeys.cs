using System.Security.Cryptography;
using System.Text;

namespace MedInsure.Functions.Http;

/// <summary>The Functions host's authorization levels (function.json "authLevel").</summary>
public enum AuthLevel
{
    Anonymous,
    Function,
    Admin,
}

/// <summary>
/// Function keys, enforced like the host does: <c>x-functions-key</c> header or <c>code</c> query parameter; any
/// function key for "function" routes, the key named "admin" for admin routes. Under the Functions host the host has
/// already checked the key before proxying, so the handler does not check again. Standalone, keys come from the
/// configuration section "FunctionKeys" (name → key, e.g. FunctionKeys__default=...); with none configured every
/// protected route answers 401, so a forgotten setting never opens the API.
/// </summary>
public sealed class FunctionKeys(IConfiguration configuration)
{
    public const string HeaderName = "x-functions-key";
    public const string QueryName = "code";
    public const string AdminKeyName = "admin";

    public bool Enforced { get; } = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT"));

    public bool IsAuthorized(HttpContext context, AuthLevel level)
    {
        if (level == AuthLevel.Anonymous || !Enforced)
        {
            return true;
        }

        var presented = context.Request.Headers[HeaderName].FirstOrDefault() ?? context.Request.Query[QueryName].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        foreach (var entry in configuration.GetSection("FunctionKeys").GetChildren())
        {
            if (string.IsNullOrEmpty(entry.Value) || (level == AuthLevel.Admin && !string.Equals(entry.Key, AdminKeyName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(entry.Value), Encoding.UTF8.GetBytes(presented)))
            {
                return true;
            }
        }

        return false;
    }
}

internal static class FunctionKeyExtensions
{
    /// <summary>Applies the route's auth level, like "authLevel" in its function.json.</summary>
    public static TBuilder RequireFunctionKey<TBuilder>(this TBuilder builder, AuthLevel level = AuthLevel.Function)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var keys = context.HttpContext.RequestServices.GetRequiredService<FunctionKeys>();
            if (!keys.IsAuthorized(context.HttpContext, level))
            {
                return TypedResults.Problem(
                    title: "Unauthorized",
                    detail: level == AuthLevel.Admin
                        ? "This operation needs the admin key in the x-functions-key header or the code query parameter."
                        : "This API needs a function key in the x-functions-key header or the code query parameter.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            return await next(context);
        });
        builder.WithMetadata(new AuthLevelMetadata(level));
        return builder;
    }
}

/// <summary>Marks an endpoint's auth level (for the OpenAPI document).</summary>
public sealed record AuthLevelMetadata(AuthLevel Level);
