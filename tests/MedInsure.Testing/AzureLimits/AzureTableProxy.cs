using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MedInsure.Testing.AzureLimits;

/// <summary>
/// A reverse proxy in front of Azurite's table endpoint that refuses what Azure Table Storage refuses and Azurite
/// accepts (<see cref="AzureTableRules"/>), answering as the service does: the status, the error code and the
/// <c>odata.error</c> body, and for an operation of an entity-group transaction a 202 batch response whose changeset
/// names the failed operation's index, so Azure.Data.Tables raises what it raises against Azure. Every other request
/// goes to Azurite unchanged (path, query and headers as sent, so its SharedKey check still holds) and its response
/// comes back unchanged. While Azurite is down the proxy answers 502, a transient error to the client.
/// </summary>
public sealed class AzureTableProxy : IAsyncDisposable
{
    // A single entity's JSON cannot grow past this without the entity passing 1 MiB by the service's formula.
    private const int MaxEntityBodyBytes = 16 * 1024 * 1024;

    private const string ErrorContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Expect",
    };

    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private readonly string upstreamBase;

    private readonly bool tableRules;

    private AzureTableProxy(int upstreamPort, bool tableRules)
    {
        this.tableRules = tableRules;
        upstreamBase = $"http://127.0.0.1:{upstreamPort.ToString(CultureInfo.InvariantCulture)}";
        upstream = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // Short-lived pooled connections: after an outage test restarts Azurite, none stays pointed at the old process.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = null;
        });
        app = builder.Build();
        app.Run(HandleAsync);
    }

    /// <summary>The loopback port the proxy listens on: the TableEndpoint of the connection strings tests use.</summary>
    public int Port { get; private set; }

    public TableTraffic Traffic { get; } = new();

    /// <summary>Failures tests inject into the writes passing through.</summary>
    public StorageFaults Faults { get; } = new();

    /// <summary>
    /// A proxy for the Azurite table endpoint on <paramref name="upstreamPort"/>; it need not be listening yet. With
    /// <paramref name="tableRules"/> off it only forwards and injects faults (the blob endpoint's proxy).
    /// </summary>
    public static async Task<AzureTableProxy> StartAsync(int upstreamPort, bool tableRules = true)
    {
        var proxy = new AzureTableProxy(upstreamPort, tableRules);
        await proxy.app.StartAsync();
        proxy.Port = new Uri(proxy.app.Urls.First()).Port;
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!tableRules)
        {
            await ForwardBlobAsync(context, target);
            return;
        }

        var (table, partitionKey, rowKey, isBatch) = TableRequests.Address(target);
        var carriesEntity = request.Method is "POST" or "PUT" or "MERGE" or "PATCH";
        var addressesEntity = table is not null && (partitionKey is not null || rowKey is not null || request.Method == "POST");
        byte[]? body = null;
        List<TableOperation>? operations = null;
        TableRefusal? refusal = null;

        if (isBatch && request.Method == "POST")
        {
            body = await ReadAsync(request, AzureTableRules.MaxBatchBodyBytes, context.RequestAborted);
            if (body is null)
            {
                refusal = AzureTableRules.BodyTooLarge();
            }
            else if ((operations = TableRequests.Batch(request.ContentType, body)) is null)
            {
                Traffic.NotChecked();
            }
            else
            {
                refusal = AzureTableRules.CheckBatch(operations);
            }
        }
        else if (addressesEntity)
        {
            body = carriesEntity ? await ReadAsync(request, MaxEntityBodyBytes, context.RequestAborted) : null;
            refusal = carriesEntity && body is null
                ? new(400, "EntityTooLarge", "The entity is larger than the maximum size permitted.")
                : AzureTableRules.Check(new(request.Method, table, partitionKey, rowKey, body is { Length: > 0 } ? Encoding.UTF8.GetString(body) : null));
        }

        var bodyBytes = body?.LongLength ?? request.ContentLength ?? 0;
        Traffic.Request(bodyBytes);
        var writeCount = isBatch ? operations?.Count(o => o.Method != "GET") ?? 0 : addressesEntity && request.Method != "GET" ? 1 : 0;
        Traffic.Attribute(ResourceName(isBatch ? operations?.FirstOrDefault()?.Table : table), bodyBytes, writeCount);
        if (refusal is not null)
        {
            Traffic.Refused(request.Method, target.Split('?')[0], refusal);
            await RefuseAsync(context, refusal, operations);
            return;
        }

        Traffic.Forwarded(
            isBatch ? operations?.Count ?? 0 : addressesEntity && request.Method != "GET" ? 1 : 0,
            isBatch && body is not null ? body.LongLength : -1);
        var account = AccountOf(target);
        var writes = isBatch
            ? (operations ?? []).Where(o => o.Method != "GET").Select(o => new StorageWrite(account, o.Method, o.Table ?? "", o.PartitionKey, o.RowKey)).ToList()
            : addressesEntity && request.Method != "GET" ? [new StorageWrite(account, request.Method, table!, partitionKey, rowKey)] : [];
        await ForwardOrFaultAsync(context, target, body, writes);
    }

    // "/{account}/{container}/{blob}": writes are PUT (uploads, blocks, metadata) and DELETE.
    private async Task ForwardBlobAsync(HttpContext context, string target)
    {
        var path = target.Split('?')[0].Split('/', 4);
        var bodyBytes = context.Request.ContentLength ?? 0;
        Traffic.Request(bodyBytes);
        Traffic.Attribute(path.Length >= 3 ? Uri.UnescapeDataString(path[2]) : "(account)", bodyBytes, context.Request.Method is "PUT" or "DELETE" ? 1 : 0);
        var writes = context.Request.Method is "PUT" or "DELETE" && path.Length >= 3
            ? [new StorageWrite(path[1], context.Request.Method, Uri.UnescapeDataString(path[2]), null, path.Length == 4 ? Uri.UnescapeDataString(path[3]) : null)]
            : new List<StorageWrite>();
        await ForwardOrFaultAsync(context, target, null, writes);
    }

    // Table names as the account sees them: "Tables" requests create and list tables, "Tables('x')" deletes one.
    private static string ResourceName(string? table) => table switch
    {
        null or "" => "(account)",
        _ when table.StartsWith("Tables", StringComparison.Ordinal) => "(tables)",
        _ => table,
    };

    // "/{account}/...": Azurite and the emulator endpoint carry the account first in the path.
    private static string AccountOf(string target) => target.Split('?')[0].Split('/', 3) is [_, var account, ..] ? account : "";

    private async Task ForwardOrFaultAsync(HttpContext context, string target, byte[]? body, List<StorageWrite> writes)
    {
        var fault = writes.Count > 0 ? Faults.Take(writes) : null;
        if (fault == FaultMode.Refuse)
        {
            await FaultAsync(context);
            return;
        }

        if (fault == FaultMode.LoseResponse)
        {
            // Applied, but the client never hears it: the answer is replaced by a server error.
            var applied = new DefaultHttpContext();
            applied.Request.Method = context.Request.Method;
            foreach (var (name, values) in context.Request.Headers)
            {
                applied.Request.Headers[name] = values;
            }

            applied.Request.Body = body is null ? context.Request.Body : new MemoryStream(body);
            applied.Response.Body = Stream.Null;
            await ForwardAsync(applied, target, body);
            await FaultAsync(context);
            return;
        }

        await ForwardAsync(context, target, body);
    }

    private static async Task FaultAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = ErrorContentType;
        await context.Response.WriteAsync(
            """{"odata.error":{"code":"InternalError","message":{"lang":"en-US","value":"The server encountered an internal error (injected by a test)."}}}""");
    }

    // The whole body, or null (after draining it) when it is longer than the limit.
    private static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Clamp(request.ContentLength ?? 0, 0, limit));
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        var over = false;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                over |= buffer.Length + read > limit;
                if (!over)
                {
                    buffer.Write(chunk, 0, read);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return over ? null : buffer.ToArray();
    }

    private async Task ForwardAsync(HttpContext context, string target, byte[]? body)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(upstreamBase + target, Verbatim));
        // Content headers (Content-Type is signed) travel even on an empty body.
        message.Content = body is not null ? new ByteArrayContent(body)
            : request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 ? new StreamContent(request.Body)
            : request.ContentLength == 0 || request.Headers.ContentType.Count > 0 ? new ByteArrayContent([])
            : null;
        foreach (var (name, values) in request.Headers)
        {
            if (!NotForwarded.Contains(name) && !message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await upstream.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            Traffic.Down();
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("The table endpoint behind this proxy (Azurite) is not reachable.");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            // As received: parsed header values would come back reformatted ("application/json; odata=…").
            foreach (var (name, values) in response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated))
            {
                if (!NotForwarded.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            try
            {
                await using var content = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                var chunk = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(chunk, context.RequestAborted)) > 0)
                    {
                        await context.Response.Body.WriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
                        Traffic.Response(read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                // Azurite went away mid-response (or the client did): cut the connection as the endpoint would.
                context.Abort();
            }
        }
    }

    // As the service answers: a single request gets the error status and an odata.error body; an operation of an
    // entity-group transaction gets 202 with a changeset response that carries the error, its message prefixed with
    // the operation's index.
    private async Task RefuseAsync(HttpContext context, TableRefusal refusal, List<TableOperation>? operations)
    {
        var requestId = Guid.NewGuid().ToString();
        var error = ErrorBody(refusal, requestId);
        var response = context.Response;
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-version"] = context.Request.Headers["x-ms-version"];
        if (context.Request.Headers.TryGetValue("x-ms-client-request-id", out var clientRequestId))
        {
            response.Headers["x-ms-client-request-id"] = clientRequestId;
        }

        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers.Date = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        byte[] body;
        if (refusal.Index is not { } index)
        {
            response.StatusCode = refusal.Status;
            response.ContentType = ErrorContentType;
            body = error;
        }
        else
        {
            var batch = "batchresponse_" + Guid.NewGuid();
            var changeset = "changesetresponse_" + Guid.NewGuid();
            var contentId = operations is not null && index < operations.Count ? operations[index].ContentId : null;
            var text = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n")
                .Append(CultureInfo.InvariantCulture, $"--{changeset}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {refusal.Status} {ReasonPhrases.GetReasonPhrase(refusal.Status)}\r\n")
                .Append(contentId is null ? "" : $"Content-ID: {contentId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\nContent-Type: {ErrorContentType}\r\n\r\n")
                .Append(Encoding.UTF8.GetString(error))
                .Append(CultureInfo.InvariantCulture, $"\r\n--{changeset}--\r\n--{batch}--\r\n");
            response.StatusCode = StatusCodes.Status202Accepted;
            response.ContentType = $"multipart/mixed; boundary={batch}";
            body = Encoding.UTF8.GetBytes(text.ToString());
        }

        response.ContentLength = body.Length;
        Traffic.Response(body.Length);
        await response.Body.WriteAsync(body);
    }

    private static byte[] ErrorBody(TableRefusal refusal, string requestId)
    {
        var time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        var message = $"{(refusal.Index is { } index ? $"{index}:" : "")}{refusal.Message}\nRequestId:{requestId}\nTime:{time}";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("odata.error");
            json.WriteString("code", refusal.Code);
            json.WriteStartObject("message");
            json.WriteString("lang", "en-US");
            json.WriteString("value", message);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
