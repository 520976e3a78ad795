using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Google.Protobuf;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>The names and formats the WebJobs blob trigger uses in storage, so this host's records read like the real host's.</summary>
internal static class BlobTriggerProtocol
{
    public const string ReceiptContainer = "azure-webjobs-hosts";
    public const string ReceiptDirectory = "blobreceipts";
    public const string IncompleteReceiptKey = "Incomplete";
    public const string PoisonQueue = "webjobs-blobtrigger-poison";
    public const string HostIdSetting = "AzureFunctionsWebHost:hostId";
    private const int MaxHostIdLength = 32;

    // Escapes like Newtonsoft (\" rather than \u0022), so the messages read as the host's do.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The ETag as the blob's ETag header gives it, quotes included, which is the form the host puts in receipt names
    /// and poison messages; listings give it unquoted.
    /// </summary>
    public static string HeaderETag(string eTag) =>
        eTag.StartsWith('"') || eTag.StartsWith("W/", StringComparison.Ordinal) ? eTag : "\"" + eTag + "\"";

    /// <summary>The ETag comes before the blob name because blob names may contain slashes.</summary>
    public static string ReceiptBlobName(string hostId, string hostFunctionId, string eTag, string containerName, string blobName) =>
        $"{ReceiptDirectory}/{hostId}/{hostFunctionId}/{eTag}/{containerName}/{blobName}";

    /// <summary>The BlobTriggerMessage JSON; the queue client base64-encodes it, as the host's does.</summary>
    public static string PoisonMessage(string hostFunctionId, BlobType blobType, string containerName, string blobName, string eTag)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("Type", "BlobTrigger");
            writer.WriteString("FunctionId", hostFunctionId);
            writer.WriteString("BlobType", blobType + "Blob");
            writer.WriteString("ContainerName", containerName);
            writer.WriteString("BlobName", blobName);
            writer.WriteString("ETag", eTag);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static QueueClientOptions QueueOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    /// <summary>
    /// The id the host derives when run locally: the machine name's letters and digits, a dash and a stable hash of
    /// the app directory, lower case and at most 32 characters. Matching it lets receipts written by func start count.
    /// </summary>
    public static string DefaultHostId(string machineName, string appDirectory)
    {
        var letters = new string(machineName.Where(char.IsLetterOrDigit).ToArray());
        var id = $"{letters}-{Math.Abs((long)StableHash(appDirectory)).ToString(CultureInfo.InvariantCulture)}";
        if (id.Length > MaxHostIdLength)
        {
            id = id[..MaxHostIdLength];
        }

        return id.ToLowerInvariant().TrimEnd('-');
    }

    internal static int StableHash(string value)
    {
        unchecked
        {
            var hash = 23;
            foreach (var c in value)
            {
                hash = (hash * 31) + c;
            }

            return hash;
        }
    }

    /// <summary>What the host hands an SDK-type blob binding: where the blob is, never its content.</summary>
    public static ModelBindingData BlobBindingData(string connection, string containerName, string blobName)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("Connection", connection);
            writer.WriteString("ContainerName", containerName);
            writer.WriteString("BlobName", blobName);
            writer.WriteEndObject();
        }

        return new ModelBindingData
        {
            Version = "1.0",
            Source = "AzureStorageBlobs",
            ContentType = "application/json",
            Content = ByteString.CopyFrom(buffer.WrittenSpan),
        };
    }

    /// <summary>The blob trigger's binding data: BlobTrigger, Uri, Properties, Metadata, then the path's parameters (which win).</summary>
    public static IReadOnlyDictionary<string, TypedData> TriggerMetadata(
        string containerName, string blobName, Uri blobUri, BlobProperties properties, IReadOnlyDictionary<string, string> pathValues)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase)
        {
            ["BlobTrigger"] = new() { String = containerName + "/" + blobName },
            ["Uri"] = new() { Json = JsonSerializer.Serialize(blobUri.AbsoluteUri) },
            ["Properties"] = new() { Json = PropertiesJson(properties) },
            ["Metadata"] = new() { Json = JsonSerializer.Serialize(properties.Metadata ?? new Dictionary<string, string>()) },
        };
        foreach (var (name, value) in pathValues)
        {
            metadata[name] = new TypedData { String = value };
        }

        return metadata;
    }

    // The host serialises BlobProperties with Newtonsoft; these are the members a function is likely to read, by the same names.
    private static string PropertiesJson(BlobProperties p)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("LastModified", p.LastModified);
            w.WriteString("CreatedOn", p.CreatedOn);
            w.WritePropertyName("Metadata");
            JsonSerializer.Serialize(w, p.Metadata ?? new Dictionary<string, string>());
            w.WriteString("BlobType", p.BlobType.ToString());
            w.WriteNumber("ContentLength", p.ContentLength);
            w.WriteString("ContentType", p.ContentType);
            w.WriteString("ETag", p.ETag.ToString());
            w.WriteString("ContentHash", p.ContentHash is null ? null : Convert.ToBase64String(p.ContentHash));
            w.WriteString("ContentEncoding", p.ContentEncoding);
            w.WriteString("ContentDisposition", p.ContentDisposition);
            w.WriteString("ContentLanguage", p.ContentLanguage);
            w.WriteString("CacheControl", p.CacheControl);
            w.WriteString("AccessTier", p.AccessTier);
            w.WriteString("VersionId", p.VersionId);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>The blob-name part of a blob trigger path, e.g. <c>{name}</c> or <c>in/{name}.zip</c>.</summary>
internal sealed partial class BlobPathPattern
{
    private readonly Regex _regex;

    private BlobPathPattern(string listPrefix, Regex regex)
    {
        ListPrefix = listPrefix;
        _regex = regex;
    }

    /// <summary>The literal start of the pattern, used as the listing prefix.</summary>
    public string ListPrefix { get; }

    public static BlobPathPattern Parse(string pattern)
    {
        var regex = new StringBuilder("^");
        var last = 0;
        foreach (Match parameter in Parameter().Matches(pattern))
        {
            regex.Append(Regex.Escape(pattern[last..parameter.Index]));
            regex.Append("(?<").Append(parameter.Groups[1].Value).Append(">.+?)");
            last = parameter.Index + parameter.Length;
        }

        regex.Append(Regex.Escape(pattern[last..])).Append('$');
        var brace = pattern.IndexOf('{', StringComparison.Ordinal);
        return new BlobPathPattern(brace < 0 ? pattern : pattern[..brace], new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline));
    }

    /// <summary>The path parameters when the blob name fits the pattern, else null.</summary>
    public IReadOnlyDictionary<string, string>? Match(string blobName)
    {
        var match = _regex.Match(blobName);
        if (!match.Success)
        {
            return null;
        }

        return _regex.GetGroupNames()
            .Where(g => !int.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .ToDictionary(g => g, g => match.Groups[g].Value, StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Parameter();
}

/// <summary>
/// Plays Event Grid's part for blob triggers: Azurite has none, so the host lists each trigger's container and invokes
/// the function for every blob version (name + ETag) it has not processed, retrying failures and writing the poison
/// message and blob receipt the WebJobs blob trigger writes.
/// </summary>
internal sealed class BlobTriggerPoller : StorageTriggerPoller
{
    private readonly List<Target> _targets;
    private readonly string _hostId;
    private readonly ConcurrentDictionary<string, byte> _done = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slots;

    private BlobTriggerPoller(List<Target> targets, string? configurationError, WorkerChannel channel, InvocationLog invocations, LocalHostOptions options, string hostId, ILogger logger)
        : base("blob", configurationError, channel, invocations, options, logger)
    {
        _targets = targets;
        _hostId = hostId;
        _slots = new SemaphoreSlim(options.BlobConcurrency, options.BlobConcurrency);
    }

    public override int FunctionCount => _targets.Count;

    /// <summary>
    /// Resolves each blob trigger's storage account. A missing or identity-only connection fails start-up when polling
    /// is on; with polling off it only fails <see cref="TriggerAsync"/>, so HTTP-only tests need no storage.
    /// </summary>
    public static BlobTriggerPoller Create(
        IEnumerable<FunctionInfo> functions, IConfiguration settings, WorkerChannel channel, InvocationLog invocations,
        LocalHostOptions options, string hostId, ILogger logger)
    {
        var targets = new List<Target>();
        var errors = new List<string>();
        var blobServices = new Dictionary<string, BlobServiceClient>(StringComparer.Ordinal);
        var queueServices = new Dictionary<string, QueueServiceClient>(StringComparer.Ordinal);
        var hostStorage = StorageSettings.ResolveConnectionString(settings, FunctionMetadataParser.DefaultStorageConnection, out _);
        foreach (var function in functions.Where(f => f.BlobTrigger is not null))
        {
            var trigger = function.BlobTrigger!;
            if (trigger.ContainerName.Contains('{', StringComparison.Ordinal) || trigger.ContainerName.Length == 0)
            {
                throw new LocalHostStartException($"Blob trigger '{function.Name}': the path '{trigger.Path}' must start with a fixed container name.");
            }

            if (StorageSettings.ConnectionStringFor(settings, "Blob", function.Name, trigger.Connection, errors) is not { } connectionString)
            {
                continue;
            }

            var blobs = GetOrAdd(blobServices, connectionString, s => new BlobServiceClient(s));
            var receiptBlobs = GetOrAdd(blobServices, hostStorage ?? connectionString, s => new BlobServiceClient(s));
            var queues = GetOrAdd(queueServices, connectionString, s => new QueueServiceClient(s, BlobTriggerProtocol.QueueOptions()));
            targets.Add(new Target(
                function,
                trigger,
                BlobPathPattern.Parse(trigger.BlobPattern),
                blobs.GetBlobContainerClient(trigger.ContainerName),
                receiptBlobs.GetBlobContainerClient(BlobTriggerProtocol.ReceiptContainer),
                queues.GetQueueClient(BlobTriggerProtocol.PoisonQueue)));
        }

        if (errors.Count > 0 && options.PollBlobs)
        {
            throw new LocalHostStartException(string.Join(Environment.NewLine, errors));
        }

        return new BlobTriggerPoller(targets, errors.Count > 0 ? string.Join(Environment.NewLine, errors) : null, channel, invocations, options, hostId, logger);
    }

    public override void Start()
    {
        if (_targets.Count > 0)
        {
            StartLoop(
                async token =>
                {
                    await ScanAsync(token).ConfigureAwait(false);
                    return Options.BlobPollInterval;
                },
                () => Options.BlobPollInterval);
        }
    }

    /// <summary>One pass over every container: invokes what is due and waits until it (retries included) has finished.</summary>
    public async Task<int> TriggerAsync(CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        var (started, running) = await ScanAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(started.Concat(running)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return started.Count;
    }

    protected override void ReleaseResources() => _slots.Dispose();

    private async Task<(List<Task> Started, List<Task> Running)> ScanAsync(CancellationToken cancellationToken)
    {
        var started = new List<Task>();
        var running = new List<Task>();
        foreach (var target in _targets)
        {
            try
            {
                var prefix = target.Pattern.ListPrefix.Length == 0 ? null : target.Pattern.ListPrefix;
                await foreach (var item in target.Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    var pathValues = target.Pattern.Match(item.Name);
                    if (pathValues is null || item.Properties.ETag is not { } eTagValue)
                    {
                        continue;
                    }

                    var eTag = BlobTriggerProtocol.HeaderETag(eTagValue.ToString());
                    var key = target.Function.Id + "|" + eTag + "|" + item.Name;
                    if (_done.ContainsKey(key))
                    {
                        continue;
                    }

                    if (InFlight.TryGetValue(key, out var already))
                    {
                        running.Add(already);
                        continue;
                    }

                    if (await HasReceiptAsync(target, item.Name, eTag, cancellationToken).ConfigureAwait(false))
                    {
                        _done.TryAdd(key, 0);
                        continue;
                    }

                    var claim = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    if (InFlight.TryAdd(key, claim.Task))
                    {
                        started.Add(claim.Task);
                        _ = RunAsync(target, item.Name, eTag, pathValues, key, claim);
                    }
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // The container does not exist yet: nothing is due.
            }
        }

        return (started, running);
    }

    private async Task RunAsync(Target target, string blobName, string eTag, IReadOnlyDictionary<string, string> pathValues, string key, TaskCompletionSource claim)
    {
        try
        {
            await ProcessAsync(target, blobName, eTag, pathValues, key).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Stopping.IsCancellationRequested)
        {
            // Shutting down: the blob has no receipt, so the next start picks it up again.
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or IOException or OperationCanceledException or WorkerException)
        {
            Log.BlobProcessingFailed(Logger, target.Function.Name, blobName, ex.Message);
        }
        finally
        {
            InFlight.TryRemove(key, out _);
            claim.TrySetResult();
        }
    }

    private async Task ProcessAsync(Target target, string blobName, string eTag, IReadOnlyDictionary<string, string> pathValues, string key)
    {
        var stopping = Stopping;
        var blob = target.Container.GetBlobClient(blobName);
        string? lastError = null;
        BlobProperties? properties = null;
        for (var attempt = 1; attempt <= Options.MaxDequeueCount; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(Backoff.RetryDelay(attempt, Options.RetryDelay, Options.MaxRetryDelay), stopping).ConfigureAwait(false);
            }

            try
            {
                properties = (await blob.GetPropertiesAsync(cancellationToken: stopping).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                Log.BlobGone(Logger, target.Function.Name, blobName);
                return;
            }

            if (BlobTriggerProtocol.HeaderETag(properties.ETag.ToString()) != eTag)
            {
                // A newer version exists; the next scan picks that one up.
                Log.BlobSuperseded(Logger, target.Function.Name, blobName, eTag);
                return;
            }

            await _slots.WaitAsync(stopping).ConfigureAwait(false);
            InvocationRecord record;
            try
            {
                var input = new ParameterBinding
                {
                    Name = target.Trigger.BindingName,
                    Data = new TypedData { ModelBindingData = BlobTriggerProtocol.BlobBindingData(target.Trigger.Connection, target.Trigger.ContainerName, blobName) },
                };
                var metadata = BlobTriggerProtocol.TriggerMetadata(target.Trigger.ContainerName, blobName, blob.Uri, properties, pathValues);
                record = await InvokeAsync(target.Function, input, metadata, attempt, blobName: blobName).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }

            if (record.Status == InvocationStatus.Succeeded)
            {
                await WriteReceiptAsync(target, blobName, eTag).ConfigureAwait(false);
                _done.TryAdd(key, 0);
                return;
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            lastError = record.Error;
        }

        var message = BlobTriggerProtocol.PoisonMessage(target.Function.HostFunctionId, properties!.BlobType, target.Trigger.ContainerName, blobName, eTag);
        await target.Poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await target.Poison.SendMessageAsync(message, CancellationToken.None).ConfigureAwait(false);
        Log.BlobPoisoned(Logger, target.Function.Name, blobName, Options.MaxDequeueCount, BlobTriggerProtocol.PoisonQueue, lastError);
        await WriteReceiptAsync(target, blobName, eTag).ConfigureAwait(false);
        _done.TryAdd(key, 0);
    }

    private async Task<bool> HasReceiptAsync(Target target, string blobName, string eTag, CancellationToken cancellationToken)
    {
        var receipt = target.Receipts.GetBlobClient(BlobTriggerProtocol.ReceiptBlobName(_hostId, target.Function.HostFunctionId, eTag, target.Trigger.ContainerName, blobName));
        try
        {
            var properties = await receipt.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return !properties.Value.Metadata.ContainsKey(BlobTriggerProtocol.IncompleteReceiptKey);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private async Task WriteReceiptAsync(Target target, string blobName, string eTag)
    {
        var receipt = target.Receipts.GetBlobClient(BlobTriggerProtocol.ReceiptBlobName(_hostId, target.Function.HostFunctionId, eTag, target.Trigger.ContainerName, blobName));
        try
        {
            await receipt.UploadAsync(BinaryData.Empty, overwrite: true).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await target.Receipts.CreateIfNotExistsAsync().ConfigureAwait(false);
            await receipt.UploadAsync(BinaryData.Empty, overwrite: true).ConfigureAwait(false);
        }
    }

    private sealed record Target(
        FunctionInfo Function,
        BlobTriggerInfo Trigger,
        BlobPathPattern Pattern,
        BlobContainerClient Container,
        BlobContainerClient Receipts,
        QueueClient Poison);
}
