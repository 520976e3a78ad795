using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs.Models;
using MedInsure.Functions.HostProtocol;
using MedInsure.Articles.Storage;
using Microsoft.Extensions.Options;

namespace MedInsure.Functions.HostProtocol;

/// <summary>Section "BlobTrigger": the local stand-in for the host's Event Grid blob trigger.</summary>
public sealed class BlobTriggerOptions
{
    public const string SectionName = "BlobTrigger";

    /// <summary>On by default when the app runs standalone (no Functions host around it).</summary>
    public bool Emulate { get; set; } = true;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Invocations in flight at once: the host's default for blob triggers per instance
    /// (queue batchSize 16 + newBatchThreshold 8).</summary>
    public int Concurrency { get; set; } = 24;

    /// <summary>Tries per blob version, like the host's 5 before the poison queue.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Blobs above this size are sent without content and downloaded by the handler (the host cannot carry ~100 MB either).</summary>
    public long MaxInlineBytes { get; set; } = 32 * 1024 * 1024;
}

/// <summary>
/// Watches the dumps container and fires the IngestDump function for each new or changed blob with the payload the
/// host would send, through the same handler method the host calls. Retries with exponential backoff.
/// </summary>
public sealed partial class BlobTriggerEmulator(
    StorageProvisioner storage,
    HostInvocationHandler handler,
    IOptions<BlobTriggerOptions> options,
    TimeProvider time,
    ILogger<BlobTriggerEmulator> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, string> done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (int Attempts, DateTimeOffset NotBefore)> failures = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Emulate)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await storage.EnsureAsync(stoppingToken);
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                PollFailed(ex);
            }

            await Task.Delay(o.PollInterval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>One pass over the container; returns how many invocations ran. Public for the ingest command and tests.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken, IReadOnlySet<string>? only = null)
    {
        var container = storage.Container(storage.Options.DumpsContainer);
        var due = new List<BlobItem>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (only is not null && !only.Contains(blob.Name))
            {
                continue;
            }

            var version = blob.Properties.ETag?.ToString() ?? "";
            if (done.TryGetValue(blob.Name, out var seen) && seen == version)
            {
                continue;
            }

            if (failures.TryGetValue(Key(blob.Name, version), out var failure) && (failure.Attempts >= options.Value.MaxAttempts || failure.NotBefore > time.GetUtcNow()))
            {
                continue;
            }

            due.Add(blob);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Concurrency, CancellationToken = cancellationToken },
            async (blob, ct) => await InvokeAsync(blob, ct));
        return due.Count;
    }

    private async Task InvokeAsync(BlobItem blob, CancellationToken cancellationToken)
    {
        var version = blob.Properties.ETag?.ToString() ?? "";
        var client = storage.Container(storage.Options.DumpsContainer).GetBlobClient(blob.Name);
        int status;
        try
        {
            byte[]? content = null;
            if (blob.Properties.ContentLength is long length && length <= options.Value.MaxInlineBytes)
            {
                content = (await client.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
            }

            var payload = BlobTriggerPayload.Build(blob.Name, client.Uri, content, PropertiesOf(blob), new Dictionary<string, string>(blob.Metadata ?? new Dictionary<string, string>()), time.GetUtcNow());
            var request = JsonSerializer.Deserialize<HostInvocationRequest>(payload)!;
            (status, _) = await handler.HandleIngestAsync(request, cancellationToken);
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted (e.g. moved to quarantine) between listing and download.
            done[blob.Name] = version;
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex.IsTransient())
        {
            status = StatusCodes.Status500InternalServerError;
        }

        if (status is >= 200 and < 300)
        {
            done[blob.Name] = version;
            failures.TryRemove(Key(blob.Name, version), out _);
            return;
        }

        var attempts = failures.TryGetValue(Key(blob.Name, version), out var f) ? f.Attempts + 1 : 1;
        // Exponential backoff like the host's queue visibility timeouts: 1 s, 2 s, 4 s, ...
        var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempts - 1)));
        failures[Key(blob.Name, version)] = (attempts, time.GetUtcNow() + delay);
        InvocationFailed(blob.Name, attempts, options.Value.MaxAttempts, delay);
    }

    // Mirrors the host's Newtonsoft rendering of BlobProperties (PascalCase, ISO dates).
    private static JsonObject PropertiesOf(BlobItem blob) => new()
    {
        ["ContentLength"] = blob.Properties.ContentLength,
        ["ContentType"] = blob.Properties.ContentType,
        ["ContentMD5"] = blob.Properties.ContentHash is { } md5 ? Convert.ToBase64String(md5) : null,
        ["ETag"] = blob.Properties.ETag?.ToString(),
        ["LastModified"] = blob.Properties.LastModified?.ToString("O"),
        ["CreatedOn"] = blob.Properties.CreatedOn?.ToString("O"),
        ["BlobType"] = blob.Properties.BlobType?.ToString(),
    };

    private static string Key(string name, string version) => $"{name}\n{version}";

    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Polling the dumps container failed; will try again")]
    private partial void PollFailed(Exception exception);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Invocation for {Blob} failed (attempt {Attempt} of {MaxAttempts}); next try in {Delay}")]
    private partial void InvocationFailed(string blob, int attempt, int maxAttempts, TimeSpan delay);
}
