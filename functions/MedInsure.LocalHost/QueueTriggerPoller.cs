using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Google.Protobuf;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>
/// What the WebJobs queue trigger (storage queues extension v5) hands the worker and does with a message, so that
/// this host's invocations and poison messages read like the real host's.
/// </summary>
internal static class QueueTriggerProtocol
{
    /// <summary>The source the worker's queue converters require of model binding data.</summary>
    public const string BindingSource = "AzureStorageQueues";

    public const string PoisonSuffix = "-poison";

    private const int MinQueueNameLength = 3;
    private const int MaxQueueNameLength = 63;

    // Strict, as the extension's string conversion: a body that is not UTF-8 does not become text.
    private static readonly UTF8Encoding StrictUtf8Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The name lower-cased (the host coerces it) and checked against the queue service's rules; null with the reason otherwise.</summary>
    public static string? NormaliseQueueName(string name, out string? error)
    {
        var lower = name.ToLowerInvariant();
        error = lower.Length is < MinQueueNameLength or > MaxQueueNameLength
            ? $"must be {MinQueueNameLength} to {MaxQueueNameLength} characters long"
            : lower[0] == '-' || lower[^1] == '-'
                ? "must not start or end with a dash"
                : lower.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-')
                    ? "may hold only letters, digits and dashes"
                    : lower.Contains("--", StringComparison.Ordinal)
                        ? "must not hold consecutive dashes"
                        : null;
        return error is null ? lower : null;
    }

    /// <summary>Where messages that keep failing go: none for a queue that is a poison queue itself, or whose poison queue's name would be too long.</summary>
    public static string? PoisonQueueName(string queueName)
    {
        if (queueName.EndsWith(PoisonSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var poison = queueName + PoisonSuffix;
        return NormaliseQueueName(poison, out _) is null ? null : poison;
    }

    /// <summary>
    /// The message as the host's queue client hands it over: with the default messageEncoding base64 the body is the
    /// decoded text (Convert.FromBase64String, as the SDK's client); null when it is not valid base64, which the host
    /// moves to the poison queue unread.
    /// </summary>
    public static QueueMessage? Decode(QueueMessage raw, bool base64)
    {
        if (!base64)
        {
            return raw;
        }

        byte[] body;
        try
        {
            body = Convert.FromBase64String(raw.Body?.ToString() ?? "");
        }
        catch (FormatException)
        {
            return null;
        }

        return QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, new BinaryData(body), raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn);
    }

    /// <summary>
    /// The trigger's input: model binding data when the worker binds the message itself (QueueMessage, BinaryData);
    /// the body's bytes for a Binary or Stream data type; otherwise its text (also for POCOs: the worker parses the
    /// JSON), or null when the body is not valid UTF-8 and so cannot be bound as text.
    /// </summary>
    public static TypedData? InputData(QueueTriggerInfo trigger, QueueMessage message)
    {
        if (trigger.SupportsDeferredBinding)
        {
            return new TypedData { ModelBindingData = MessageBindingData(message) };
        }

        if (trigger.DataType is { } dataType
            && (dataType.Equals("Binary", StringComparison.OrdinalIgnoreCase) || dataType.Equals("Stream", StringComparison.OrdinalIgnoreCase)))
        {
            return new TypedData { Bytes = ByteString.CopyFrom(message.Body.ToMemory().Span) };
        }

        return Text(message.Body) is { } text ? new TypedData { String = text } : null;
    }

    /// <summary>The extension's ParameterBindingData for a message: version 1.0, its source, and the QueueMessage serialised by System.Text.Json.</summary>
    public static ModelBindingData MessageBindingData(QueueMessage message) => new()
    {
        Version = "1.0",
        Source = BindingSource,
        ContentType = "application/json",
        Content = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(message)),
    };

    /// <summary>
    /// The queue trigger's binding data, each value as the host turns it into RPC data: strings as strings, the count
    /// and the times as Newtonsoft JSON. QueueTrigger is left out when the body is not UTF-8 text, as the host does.
    /// </summary>
    public static IReadOnlyDictionary<string, TypedData> TriggerMetadata(QueueMessage message)
    {
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        if (Text(message.Body) is { } text)
        {
            metadata["QueueTrigger"] = new TypedData { String = text };
        }

        metadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        metadata["ExpirationTime"] = new TypedData { Json = JsonDate(message.ExpiresOn ?? DateTimeOffset.MaxValue) };
        metadata["Id"] = new TypedData { String = message.MessageId };
        metadata["InsertionTime"] = new TypedData { Json = JsonDate(message.InsertedOn ?? DateTimeOffset.UtcNow) };
        metadata["NextVisibleTime"] = new TypedData { Json = JsonDate(message.NextVisibleOn ?? DateTimeOffset.MaxValue) };
        metadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        return metadata;
    }

    /// <summary>A DateTimeOffset as Newtonsoft writes it by default: ISO 8601, fraction without trailing zeros, offset.</summary>
    internal static string JsonDate(DateTimeOffset value) =>
        "\"" + value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz", CultureInfo.InvariantCulture) + "\"";

    internal static string? Text(BinaryData body)
    {
        try
        {
            return StrictUtf8Encoding.GetString(body.ToMemory().Span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}

/// <summary>
/// Runs queue triggers as the WebJobs queue listener does: it receives batches of messages, invokes the function once
/// per message while keeping the message invisible, deletes it on success, makes it visible again after the retry
/// delay on failure, and moves it to <c>&lt;queue&gt;-poison</c> once its dequeue count reaches MaxDequeueCount.
/// </summary>
internal sealed class QueueTriggerPoller : StorageTriggerPoller
{
    private readonly List<Target> _targets;
    private readonly bool _base64;
    private long _finished;

    private QueueTriggerPoller(List<Target> targets, bool base64, string? configurationError, WorkerChannel channel, InvocationLog invocations, LocalHostOptions options, ILogger logger)
        : base("queue", configurationError, channel, invocations, options, logger)
    {
        _targets = targets;
        _base64 = base64;
    }

    public override int FunctionCount => _targets.Count;

    /// <summary>
    /// Resolves each queue trigger's queue (its <c>%setting%</c> expressions, lower case) and storage account. A
    /// problem fails start-up when polling is on; with polling off it only fails <see cref="DrainAsync"/>.
    /// </summary>
    /// <param name="base64">The host's messageEncoding: base64 (its default) or none.</param>
    public static QueueTriggerPoller Create(
        IEnumerable<FunctionInfo> functions, IConfiguration settings, bool base64, WorkerChannel channel, InvocationLog invocations,
        LocalHostOptions options, ILogger logger)
    {
        var targets = new List<Target>();
        var errors = new List<string>();
        // Messages are read and written as they are stored; decoding is done here, as the host's client does it.
        var services = new Dictionary<string, QueueServiceClient>(StringComparer.Ordinal);
        foreach (var function in functions.Where(f => f.QueueTrigger is not null))
        {
            var trigger = function.QueueTrigger!;
            var resolved = StorageSettings.ResolveExpressions(trigger.QueueName, settings, out var error);
            var queueName = resolved is null ? null : QueueTriggerProtocol.NormaliseQueueName(resolved, out error);
            if (queueName is null)
            {
                var resolvedPart = resolved is not null && resolved != trigger.QueueName ? $" (resolved: '{resolved}')" : "";
                errors.Add($"Queue trigger '{function.Name}': queue name '{trigger.QueueName}'{resolvedPart}: {error}.");
                continue;
            }

            if (StorageSettings.ConnectionStringFor(settings, "Queue", function.Name, trigger.Connection, errors) is not { } connectionString)
            {
                continue;
            }

            var queues = GetOrAdd(services, connectionString, s => new QueueServiceClient(s));
            var poison = QueueTriggerProtocol.PoisonQueueName(queueName);
            targets.Add(new Target(
                function,
                trigger,
                queues.GetQueueClient(queueName),
                poison is null ? null : queues.GetQueueClient(poison),
                new SemaphoreSlim(options.QueueConcurrency, options.QueueConcurrency),
                new PollingBackoff(options.QueuePollInterval, options.QueueMaxPollInterval)));
        }

        if (errors.Count > 0 && options.PollQueues)
        {
            throw new LocalHostStartException(string.Join(Environment.NewLine, errors));
        }

        return new QueueTriggerPoller(targets, base64, errors.Count > 0 ? string.Join(Environment.NewLine, errors) : null, channel, invocations, options, logger);
    }

    public override void Start()
    {
        foreach (var target in _targets)
        {
            StartLoop(token => PollAsync(target, token), () => target.Backoff.Next(foundMessages: false));
        }
    }

    /// <summary>
    /// Processes what the trigger queues hold, retries and messages enqueued meanwhile included, until every queue is
    /// empty and nothing is in flight; returns the attempts that finished meanwhile.
    /// </summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        ThrowIfMisconfigured();
        var before = Interlocked.Read(ref _finished);
        while (true)
        {
            var received = 0;
            foreach (var target in _targets)
            {
                received += await ReceiveAsync(target, cancellationToken).ConfigureAwait(false);
            }

            if (received > 0)
            {
                continue;
            }

            var running = InFlight.Values.ToArray();
            if (running.Length > 0)
            {
                await Task.WhenAny(Task.WhenAny(running), Task.Delay(Options.QueuePollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            // Empty means no message at all: one waiting for its retry is invisible but still counted.
            if (!await AnyMessagesAsync(cancellationToken).ConfigureAwait(false))
            {
                return (int)(Interlocked.Read(ref _finished) - before);
            }

            await Task.Delay(Options.QueuePollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void ReleaseResources()
    {
        foreach (var target in _targets)
        {
            target.Slots.Dispose();
        }
    }

    // Right away again after a batch; after an empty poll the host's backoff, reset by messages found since the last pause.
    private async Task<TimeSpan> PollAsync(Target target, CancellationToken cancellationToken)
    {
        if (await ReceiveAsync(target, cancellationToken).ConfigureAwait(false) > 0)
        {
            target.FoundSinceLastPause = true;
            return TimeSpan.Zero;
        }

        var pause = target.Backoff.Next(target.FoundSinceLastPause);
        target.FoundSinceLastPause = false;
        return pause;
    }

    /// <summary>Receives as many messages as the queue has free places for (waiting for one), starts them and returns how many.</summary>
    private async Task<int> ReceiveAsync(Target target, CancellationToken cancellationToken)
    {
        await target.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        var reserved = 1;
        while (reserved < Options.QueueBatchSize && target.Slots.Wait(0, CancellationToken.None))
        {
            reserved++;
        }

        try
        {
            if (!target.Exists)
            {
                await target.Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                target.Exists = true;
            }

            QueueMessage[] batch;
            try
            {
                batch = (await target.Queue.ReceiveMessagesAsync(reserved, Options.QueueVisibilityTimeout, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted under us: created again at the next poll.
                target.Exists = false;
                return 0;
            }

            foreach (var message in batch)
            {
                // The place is handed to the message; RunAsync gives it back.
                reserved--;
                var key = target.Function.Id + "|" + message.MessageId;
                var claim = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                InFlight[key] = claim.Task;
                _ = RunAsync(target, message, key, claim);
            }

            return batch.Length;
        }
        finally
        {
            if (reserved > 0)
            {
                target.Slots.Release(reserved);
            }
        }
    }

    private async Task<bool> AnyMessagesAsync(CancellationToken cancellationToken)
    {
        foreach (var target in _targets)
        {
            try
            {
                var properties = await target.Queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
                if (properties.Value.ApproximateMessagesCount > 0)
                {
                    return true;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No queue, no messages.
            }
        }

        return false;
    }

    private async Task RunAsync(Target target, QueueMessage message, string key, TaskCompletionSource claim)
    {
        try
        {
            await ProcessAsync(target, message).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex) || ex is OperationCanceledException or WorkerException)
        {
            // The message stays invisible until its visibility timeout, then it is delivered again.
            Log.QueueProcessingFailed(Logger, target.Function.Name, target.Queue.Name, message.MessageId, ex.Message);
        }
        finally
        {
            InFlight.TryRemove(key, out _);
            target.Slots.Release();
            claim.TrySetResult();
        }
    }

    private async Task ProcessAsync(Target target, QueueMessage raw)
    {
        var queueName = target.Queue.Name;
        var lease = new Lease(raw.MessageId, raw.PopReceipt);
        if (raw.DequeueCount > Options.MaxDequeueCount)
        {
            // Delivered too often already (e.g. the host died while it ran): the host poisons it without invoking.
            await PoisonAsync(target, raw, lease, lastError: null).ConfigureAwait(false);
            return;
        }

        if (QueueTriggerProtocol.Decode(raw, _base64) is not { } message)
        {
            if (target.Poison is not null)
            {
                await SendToPoisonAsync(target.Poison, raw).ConfigureAwait(false);
                await DeleteAsync(target.Queue, lease).ConfigureAwait(false);
                Log.QueueMessageUndecodable(Logger, target.Function.Name, queueName, raw.MessageId, target.Poison.Name);
            }

            return;
        }

        var attempt = (int)Math.Min(message.DequeueCount, int.MaxValue);
        InvocationRecord record;
        using (var renewing = new CancellationTokenSource())
        {
            var renewal = KeepInvisibleAsync(target.Queue, lease, renewing.Token);
            try
            {
                record = QueueTriggerProtocol.InputData(target.Trigger, message) is { } data
                    ? await InvokeAsync(
                        target.Function,
                        new ParameterBinding { Name = target.Trigger.BindingName, Data = data },
                        QueueTriggerProtocol.TriggerMetadata(message),
                        attempt,
                        queueName: queueName,
                        messageId: message.MessageId).ConfigureAwait(false)
                    : RecordUnsent(target.Function, attempt, "The message body is not valid UTF-8, so it cannot be bound as text; bind byte[], BinaryData or QueueMessage.", queueName, message.MessageId);
            }
            finally
            {
                await renewing.CancelAsync().ConfigureAwait(false);
                await renewal.ConfigureAwait(false);
            }
        }

        Interlocked.Increment(ref _finished);
        if (record.Status == InvocationStatus.Succeeded)
        {
            await DeleteAsync(target.Queue, lease).ConfigureAwait(false);
        }
        else if (Stopping.IsCancellationRequested)
        {
            // Likely cut short by the shutdown: back at once, not counted against it beyond its dequeue.
            await ReleaseAsync(target.Queue, lease, TimeSpan.Zero).ConfigureAwait(false);
        }
        else if (target.Poison is null)
        {
            // As the host: without a poison queue a failing message is not released, so it cannot loop fast.
            Log.QueueMessageKeptInvisible(Logger, target.Function.Name, queueName, message.MessageId);
        }
        else if (message.DequeueCount >= Options.MaxDequeueCount)
        {
            await PoisonAsync(target, raw, lease, record.Error).ConfigureAwait(false);
        }
        else
        {
            await ReleaseAsync(target.Queue, lease, Backoff.RetryDelay(attempt + 1, Options.RetryDelay, Options.MaxRetryDelay)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Renews the message's invisibility at half its visibility timeout until cancelled, as the host does for a long
    /// invocation. An update is never cancelled midway: its new pop receipt is what deletes the message later.
    /// </summary>
    private async Task KeepInvisibleAsync(QueueClient queue, Lease lease, CancellationToken cancellationToken)
    {
        var normal = Options.QueueVisibilityTimeout / 2;
        var pause = normal;
        while (true)
        {
            try
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var receipt = await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: Options.QueueVisibilityTimeout, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                lease.PopReceipt = receipt.Value.PopReceipt;
                pause = normal;
            }
            catch (RequestFailedException ex) when (ex.Status is 400 or 404)
            {
                // Gone, or someone else holds it now: it is no longer ours to renew.
                Log.QueueRenewalFailed(Logger, queue.Name, lease.MessageId, ex.Message);
                return;
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                Log.QueueRenewalFailed(Logger, queue.Name, lease.MessageId, ex.Message);
                pause = normal / 2;
            }
        }
    }

    private async Task PoisonAsync(Target target, QueueMessage raw, Lease lease, string? lastError)
    {
        if (target.Poison is null)
        {
            return;
        }

        await SendToPoisonAsync(target.Poison, raw).ConfigureAwait(false);
        await DeleteAsync(target.Queue, lease).ConfigureAwait(false);
        Log.QueueMessagePoisoned(Logger, target.Function.Name, target.Queue.Name, raw.MessageId, raw.DequeueCount, Options.MaxDequeueCount, target.Poison.Name, lastError);
    }

    // The stored text as it is: the same body in the same encoding.
    private static async Task SendToPoisonAsync(QueueClient poison, QueueMessage raw)
    {
        try
        {
            await poison.SendMessageAsync(raw.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await poison.SendMessageAsync(raw.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
    }

    // Gone, or its pop receipt is stale (someone else has it): nothing left to do, as for the host.
    private static async Task DeleteAsync(QueueClient queue, Lease lease)
    {
        try
        {
            await queue.DeleteMessageAsync(lease.MessageId, lease.PopReceipt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 400 or 404)
        {
        }
    }

    private static async Task ReleaseAsync(QueueClient queue, Lease lease, TimeSpan delay)
    {
        try
        {
            await queue.UpdateMessageAsync(lease.MessageId, lease.PopReceipt, visibilityTimeout: delay, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 400 or 404)
        {
        }
    }

    /// <summary>A received message's id and its current pop receipt, which changes with every visibility update.</summary>
    private sealed class Lease(string messageId, string popReceipt)
    {
        private volatile string _popReceipt = popReceipt;

        public string MessageId { get; } = messageId;

        public string PopReceipt
        {
            get => _popReceipt;
            set => _popReceipt = value;
        }
    }

    private sealed record Target(
        FunctionInfo Function,
        QueueTriggerInfo Trigger,
        QueueClient Queue,
        QueueClient? Poison,
        SemaphoreSlim Slots,
        PollingBackoff Backoff)
    {
        public bool Exists { get; set; }

        public bool FoundSinceLastPause { get; set; }
    }
}
