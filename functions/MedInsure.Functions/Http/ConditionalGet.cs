using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace MedInsure.Functions.Http;

/// <summary>
/// Strong ETags over the JSON a GET returns, and 304 for a matching If-None-Match: lightweight clients poll these lists,
/// and an unchanged page then costs them no body. The JSON is serialised once, with the app's options, and sent as-is.
/// </summary>
internal static class ConditionalGet
{
    /// <summary>A 200 with a JSON value gets its ETag (or becomes a 304); any other result passes through unchanged.</summary>
    public static IResult WithJsonETag(HttpRequest request, IResult result)
    {
        // Handlers declare Results<Ok<T>, …>: the value sits inside the union.
        var inner = result;
        while (inner is INestedHttpResult { Result: var nested })
        {
            inner = nested;
        }

        if (inner is not (IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } and IValueHttpResult { Value: { } value }))
        {
            return result;
        }

        var http = request.HttpContext;
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "private, no-cache";
        if (Matches(request.Headers.IfNoneMatch, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static bool Matches(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        // If-None-Match uses the weak comparison (RFC 9110 §13.1.2).
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}
