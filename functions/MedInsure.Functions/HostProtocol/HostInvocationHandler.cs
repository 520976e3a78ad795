using System.Text.Json;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.HostProtocol;

/// <summary>
/// Runs a blob-trigger invocation from the host's payload. The same method serves the host (POST /IngestDump) and the
/// local stand-in, so both paths decode identical bytes identically.
/// </summary>
public sealed class HostInvocationHandler(IngestionService ingestion)
{
    public async Task<(int StatusCode, HostInvocationResponse Response)> HandleIngestAsync(HostInvocationRequest request, CancellationToken cancellationToken)
    {
        string name;
        // Null when the host sent no content (a large blob): the pipeline downloads it instead.
        byte[]? content;
        IReadOnlyDictionary<string, string> metadata;
        try
        {
            name = NameOf(request);
            content = request.Data.TryGetValue(BlobTriggerPayload.BindingName, out var data) ? HostValue.AsBytes(data) : null;
            metadata = request.Metadata.TryGetValue("Metadata", out var m) ? HostValue.AsStringMap(m) : new Dictionary<string, string>();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            // A payload we cannot read will not read better on retry: answer 2xx so the host keeps the log line.
            return (StatusCodes.Status200OK, new HostInvocationResponse { Logs = [$"Invalid blob-trigger payload: {ex.Message}"] });
        }

        try
        {
            var record = await ingestion.IngestAsync(new DumpInvocation(name, content is null ? (ReadOnlyMemory<byte>?)null : content, metadata), cancellationToken);
            return (StatusCodes.Status200OK, new HostInvocationResponse
            {
                Logs = [Describe(record)],
                ReturnValue = new { record.Id, record.Dump, record.Status, record.Articles, record.New, record.Updated, record.Unchanged, record.Reason },
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Non-2xx makes the host fail the invocation and retry it (5 tries, then the poison queue).
            return (StatusCodes.Status500InternalServerError, new HostInvocationResponse
            {
                Logs = [$"Ingestion of {name} failed and will be retried: {ex.GetType().Name}"],
            });
        }
    }

    private static string NameOf(HostInvocationRequest request)
    {
        if (request.Metadata.TryGetValue("name", out var nameValue) && HostValue.AsString(nameValue) is { Length: > 0 } name)
        {
            return name;
        }

        // Fall back to the blob URI: https://account.blob.../container/name, or http://127.0.0.1:port/account/container/name locally.
        if (request.Metadata.TryGetValue("Uri", out var uriValue) && HostValue.AsString(uriValue) is { } uriText
            && Uri.TryCreate(uriText, UriKind.Absolute, out var uri))
        {
            var segments = uri.AbsolutePath.TrimStart('/').Split('/');
            var skip = uri.IsLoopback ? 2 : 1;
            if (segments.Length > skip)
            {
                return Uri.UnescapeDataString(string.Join('/', segments.Skip(skip)));
            }
        }

        throw new FormatException("the payload names no blob: Metadata.name and Metadata.Uri are both missing");
    }

    private static string Describe(IngestionRecord r) => r.Reason is null
        ? $"{r.Dump}: {r.Status}, {r.Articles} articles ({r.New} new, {r.Updated} updated, {r.Unchanged} unchanged), ingestion {r.Id}"
        : $"{r.Dump}: {r.Status} ({r.Reason}), ingestion {r.Id}";
}

internal static class HostProtocolEndpoints
{
    public static IHostApplicationBuilder AddHostProtocol(this IHostApplicationBuilder builder, bool standalone)
    {
        builder.Services.AddOptions<BlobTriggerOptions>().BindConfiguration(BlobTriggerOptions.SectionName);
        builder.Services.AddSingleton<HostInvocationHandler>();

        // In Azure the host owns the trigger; standalone, a stand-in watches the dumps container.
        builder.Services.AddSingleton<BlobTriggerEmulator>();
        if (standalone)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BlobTriggerEmulator>());
        }

        return builder;
    }

    /// <summary>The host POSTs non-HTTP triggers to /{functionName}, outside the /api prefix.</summary>
    public static IEndpointRouteBuilder MapHostProtocol(this IEndpointRouteBuilder app)
    {
        app.MapPost($"/{BlobTriggerPayload.FunctionName}", async (HostInvocationRequest request, HostInvocationHandler handler, CancellationToken cancellationToken) =>
        {
            var (status, response) = await handler.HandleIngestAsync(request, cancellationToken);
            return TypedResults.Json(response, HostJson.Options, statusCode: status);
        }).ExcludeFromDescription();

        // Readiness: the host polls GET / until anything answers.
        app.MapGet("/", () => TypedResults.Ok(new { service = "MedInsure.Functions", status = "ready" })).ExcludeFromDescription();
        return app;
    }
}

internal static class HostJson
{
    // The host's contract uses PascalCase names (Outputs, Logs, ReturnValue): keep names as declared.
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };
}
