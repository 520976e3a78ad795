using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedInsure.LocalHost.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>
/// Serves the public HTTP endpoint the way the Functions host proxies HTTP to an ASP.NET Core-integrated worker: route,
/// check the key, send an invocationRequest with an empty rpcHttp and, at the same time, forward the request itself to
/// the worker's HttpUri with the header x-ms-invocation-id so the worker can pair the two.
/// </summary>
internal sealed class HttpForwarder : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private const int CopyBufferSize = 81920;

    // Hop-by-hop headers (RFC 9110 §7.6.1) plus those this forwarder sets itself.
    private static readonly HashSet<string> NotForwardedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", InvocationIdHeader, "X-Forwarded-For", "X-Forwarded-Host",
        "X-Forwarded-Proto", "traceparent", "tracestate",
    };

    private static readonly HashSet<string> NotForwardedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly RouteTable _routes;
    private readonly KeyChecks _keys;
    private readonly WorkerChannel _channel;
    private readonly Uri _workerUri;
    private readonly InvocationLog _invocations;
    private readonly Func<bool> _workerAlive;
    private readonly ILogger _logger;
    private readonly HttpMessageInvoker _client;

    public HttpForwarder(RouteTable routes, KeyChecks keys, WorkerChannel channel, Uri workerUri, InvocationLog invocations, Func<bool> workerAlive, ILogger logger)
    {
        _routes = routes;
        _keys = keys;
        _channel = channel;
        _workerUri = workerUri;
        _invocations = invocations;
        _workerAlive = workerAlive;
        _logger = logger;
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // The forwarded request carries the invocation's own trace context; the handler must not add another.
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
        });
    }

    public void Dispose() => _client.Dispose();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var match = _routes.Match(request.Method, request.Path);
        switch (match.Kind)
        {
            case RouteMatchKind.NotFound:
                await Problems.WriteAsync(context, Problems.NotFound($"No function serves {request.Path}.")).ConfigureAwait(false);
                return;
            case RouteMatchKind.MethodNotAllowed:
                await Problems.WriteAsync(context, Problems.MethodNotAllowed($"{request.Path} does not accept {request.Method}."), string.Join(", ", match.AllowedMethods)).ConfigureAwait(false);
                return;
        }

        var function = match.Function!;
        var trigger = function.HttpTrigger!;
        if (!_keys.IsAuthorized(trigger.AuthLevel, KeyChecks.PresentedKey(request)))
        {
            await Problems.WriteAsync(context, trigger.AuthLevel == AuthLevel.Admin ? Problems.AdminKeyRequired : Problems.FunctionKeyRequired).ConfigureAwait(false);
            return;
        }

        if (!_workerAlive())
        {
            await Problems.WriteAsync(context, Problems.Unavailable("The function worker is not running.")).ConfigureAwait(false);
            return;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var invocation = CreateInvocation(function, trigger, match, context);
        var invocationTask = _channel.InvokeAsync(invocation, CancellationToken.None);
        var forwarded = await ForwardAsync(context, function, invocation, invocationTask).ConfigureAwait(false);

        InvocationStatus status;
        string? error;
        try
        {
            var response = await invocationTask.ConfigureAwait(false);
            status = InvocationLog.StatusOf(response);
            error = InvocationLog.ErrorOf(response);
        }
        catch (Exception ex) when (ex is WorkerException or OperationCanceledException)
        {
            status = InvocationStatus.Failed;
            error = ex.Message;
        }

        if (status == InvocationStatus.Succeeded && forwarded.Error is not null)
        {
            status = InvocationStatus.Failed;
        }

        _invocations.Add(new InvocationRecord(
            function.Name, invocation.InvocationId, "http", started, clock.Elapsed, status, 1, error ?? forwarded.Error, context.Response.StatusCode, null));
    }

    private readonly record struct ForwardResult(string? Error);

    private async Task<ForwardResult> ForwardAsync(HttpContext context, FunctionInfo function, InvocationRequest invocation, Task<InvocationResponse> invocationTask)
    {
        var aborted = context.RequestAborted;
        using var outgoing = CreateForwardedRequest(context, invocation);
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(outgoing, aborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            if (!aborted.IsCancellationRequested)
            {
                Log.ForwardFailed(_logger, function.Name, invocation.InvocationId, ex.Message);
                await Problems.WriteAsync(context, Problems.FunctionFailed(function.Name, invocation.InvocationId)).ConfigureAwait(false);
            }

            return new ForwardResult(ex.Message);
        }

        using (response)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                var body = await response.Content.ReadAsStreamAsync(aborted).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    // Nothing is committed to the client before the first body bytes, so a failed invocation that
                    // produced no body can still be answered with a problem response rather than the worker's empty one.
                    var read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), aborted).ConfigureAwait(false);
                    if (read == 0 && await FailedAsync(invocationTask).ConfigureAwait(false))
                    {
                        await Problems.WriteAsync(context, Problems.FunctionFailed(function.Name, invocation.InvocationId)).ConfigureAwait(false);
                        return new ForwardResult(null);
                    }

                    CopyResponseHead(response, context.Response);
                    while (read > 0)
                    {
                        await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted).ConfigureAwait(false);
                        read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), aborted).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                if (!aborted.IsCancellationRequested)
                {
                    Log.ForwardFailed(_logger, function.Name, invocation.InvocationId, ex.Message);
                    if (context.Response.HasStarted)
                    {
                        // The client must see a truncated response as broken, not as complete.
                        context.Abort();
                    }
                    else
                    {
                        await Problems.WriteAsync(context, Problems.FunctionFailed(function.Name, invocation.InvocationId)).ConfigureAwait(false);
                    }
                }

                return new ForwardResult(ex.Message);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return new ForwardResult(null);
    }

    private static async Task<bool> FailedAsync(Task<InvocationResponse> invocationTask)
    {
        try
        {
            return InvocationLog.StatusOf(await invocationTask.ConfigureAwait(false)) != InvocationStatus.Succeeded;
        }
        catch (Exception ex) when (ex is WorkerException or OperationCanceledException)
        {
            return true;
        }
    }

    private HttpRequestMessage CreateForwardedRequest(HttpContext context, InvocationRequest invocation)
    {
        var request = context.Request;
        var target = new Uri(_workerUri, request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent());
        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), target)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0;
        if (canHaveBody)
        {
            outgoing.Content = new StreamContent(request.Body, CopyBufferSize);
        }

        var connectionTokens = request.Headers.Connection
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwardedRequestHeaders.Contains(name) || connectionTokens.Contains(name) || name.StartsWith(':'))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        outgoing.Headers.TryAddWithoutValidation(InvocationIdHeader, invocation.InvocationId);
        outgoing.Headers.TryAddWithoutValidation("traceparent", invocation.TraceContext.TraceParent);
        if (invocation.TraceContext.TraceState.Length > 0)
        {
            outgoing.Headers.TryAddWithoutValidation("tracestate", invocation.TraceContext.TraceState);
        }

        if (context.Connection.RemoteIpAddress is { } remote)
        {
            outgoing.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        if (request.Host.HasValue)
        {
            outgoing.Headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
        }

        return outgoing;
    }

    private static void CopyResponseHead(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        foreach (var header in from.Headers.Concat(from.Content.Headers))
        {
            if (!NotForwardedResponseHeaders.Contains(header.Key))
            {
                to.Headers[header.Key] = header.Value.ToArray();
            }
        }
    }

    /// <summary>The invocation for an HTTP request, with the trigger metadata the host sends when it proxies HTTP.</summary>
    internal static InvocationRequest CreateInvocation(FunctionInfo function, HttpTriggerInfo trigger, RouteMatch match, HttpContext context)
    {
        var request = context.Request;
        var invocation = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = TraceContexts.Create(request.Headers["traceparent"].FirstOrDefault(), request.Headers["tracestate"].FirstOrDefault()),
        };
        invocation.InputData.Add(new ParameterBinding { Name = trigger.BindingName, Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (key, value) in HttpTriggerMetadata(request.Query, request.Headers, match.Values))
        {
            invocation.TriggerMetadata[key] = value;
        }

        return invocation;
    }

    /// <summary>
    /// Each query parameter but <c>code</c>, each route value (route values win), and the <c>Query</c> and <c>Headers</c>
    /// dictionaries as JSON, keyed case-insensitively as the WebJobs HTTP binding does. The request itself is left out,
    /// as the .NET worker declares RpcHttpTriggerMetadataRemoved.
    /// </summary>
    internal static IReadOnlyDictionary<string, TypedData> HttpTriggerMetadata(IQueryCollection query, IHeaderDictionary headers, IReadOnlyDictionary<string, object?> routeValues)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in query)
        {
            if (!string.Equals(name, KeyChecks.KeyQueryParameter, StringComparison.OrdinalIgnoreCase))
            {
                metadata[name] = new TypedData { String = values.ToString() };
            }
        }

        foreach (var (name, value) in routeValues)
        {
            if (value is not null)
            {
                metadata[name] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
            }
        }

        if (!metadata.ContainsKey("Query"))
        {
            metadata["Query"] = new TypedData { Json = ToJsonObject(query.Select(q => (q.Key, q.Value.ToString()))) };
        }

        if (!metadata.ContainsKey("Headers"))
        {
            metadata["Headers"] = new TypedData { Json = ToJsonObject(headers.Select(h => (h.Key, h.Value.ToString()))) };
        }

        return metadata;
    }

    private static string ToJsonObject(IEnumerable<(string Key, string Value)> pairs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in pairs)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>RFC 9457 problem responses.</summary>
internal static class Problems
{
    internal sealed record Problem(int Status, string Type, string Title, string Detail, string? InvocationId = null);

    public static readonly Problem FunctionKeyRequired = new(401, "https://tools.ietf.org/html/rfc9110#section-15.5.2", "Unauthorized",
        "This API needs a function key in the x-functions-key header or the code query parameter.");

    public static readonly Problem AdminKeyRequired = FunctionKeyRequired with
    {
        Detail = "This operation needs the admin key in the x-functions-key header or the code query parameter.",
    };

    public static Problem NotFound(string detail) => new(404, "https://tools.ietf.org/html/rfc9110#section-15.5.5", "Not Found", detail);

    public static Problem MethodNotAllowed(string detail) => new(405, "https://tools.ietf.org/html/rfc9110#section-15.5.6", "Method Not Allowed", detail);

    public static Problem Unavailable(string detail) => new(503, "https://tools.ietf.org/html/rfc9110#section-15.6.4", "Service Unavailable", detail);

    public static Problem FunctionFailed(string function, string invocationId) => new(500, "https://tools.ietf.org/html/rfc9110#section-15.6.1", "Internal Server Error",
        $"The function '{function}' failed.", invocationId);

    public static byte[] ToJson(Problem problem)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", problem.Type);
            writer.WriteString("title", problem.Title);
            writer.WriteNumber("status", problem.Status);
            writer.WriteString("detail", problem.Detail);
            if (problem.InvocationId is not null)
            {
                writer.WriteString("invocationId", problem.InvocationId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static async Task WriteAsync(HttpContext context, Problem problem, string? allow = null)
    {
        var body = ToJson(problem);
        context.Response.Headers.Clear();
        if (allow is not null)
        {
            context.Response.Headers.Allow = allow;
        }

        context.Response.StatusCode = problem.Status;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
