using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Azure;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>Storage settings as the WebJobs storage extensions read them.</summary>
internal static class StorageSettings
{
    /// <summary>The connection string the setting holds, trying <c>name</c> then <c>AzureWebJobs{name}</c> as the host does.</summary>
    public static string? ResolveConnectionString(IConfiguration settings, string name, out bool identityOnly)
    {
        identityOnly = false;
        foreach (var candidate in new[] { name, "AzureWebJobs" + name })
        {
            if (settings[candidate] is { Length: > 0 } value)
            {
                return value;
            }

            var section = settings.GetSection(candidate);
            if (section["serviceUri"] is { Length: > 0 } || section["blobServiceUri"] is { Length: > 0 } || section["queueServiceUri"] is { Length: > 0 })
            {
                identityOnly = true;
            }
        }

        return null;
    }

    /// <summary>A trigger's connection string, or null with the reason added to <paramref name="errors"/>.</summary>
    public static string? ConnectionStringFor(IConfiguration settings, string trigger, string functionName, string connection, ICollection<string> errors)
    {
        var connectionString = ResolveConnectionString(settings, connection, out var identityOnly);
        if (connectionString is null)
        {
            errors.Add(identityOnly
                ? $"{trigger} trigger '{functionName}': connection '{connection}' is identity-based (serviceUri), which the local host does not support; set '{connection}' to a connection string (UseDevelopmentStorage=true for Azurite)."
                : $"{trigger} trigger '{functionName}': the setting '{connection}' is missing; set it to a storage connection string (UseDevelopmentStorage=true for Azurite).");
        }

        return connectionString;
    }

    /// <summary>
    /// Replaces every <c>%name%</c> with the value of the setting <c>name</c>, as the host's name resolver does for
    /// binding properties. Null, with <paramref name="error"/> set, when a setting is missing or a '%' is not closed.
    /// </summary>
    public static string? ResolveExpressions(string value, IConfiguration settings, out string? error)
    {
        var resolved = new StringBuilder();
        var position = 0;
        while (position < value.Length)
        {
            var start = value.IndexOf('%', position);
            if (start < 0)
            {
                resolved.Append(value, position, value.Length - position);
                break;
            }

            var end = value.IndexOf('%', start + 1);
            if (end < 0)
            {
                error = $"the '%' at position {start} has no closing '%'";
                return null;
            }

            var name = value[(start + 1)..end];
            if (settings[name.Replace("__", ":", StringComparison.Ordinal)] is not { } setting)
            {
                error = $"%{name}% names no setting";
                return null;
            }

            resolved.Append(value, position, start - position).Append(setting);
            position = end + 1;
        }

        error = null;
        return resolved.ToString();
    }
}

/// <summary>Delays between attempts.</summary>
internal static class Backoff
{
    /// <summary>Delay before attempt <paramref name="attempt"/> (2 or more): the base delay doubled per earlier retry, capped.</summary>
    public static TimeSpan RetryDelay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var factor = Math.Pow(2, Math.Max(0, attempt - 2));
        var ticks = Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>
/// The host's pause between two polls of a queue: the minimum while messages keep coming; while the queue stays empty
/// it grows by the minimum times 2^n (randomised by ±20 %) up to the maximum.
/// </summary>
internal sealed class PollingBackoff
{
    private const double RandomizationFactor = 0.2;
    private readonly TimeSpan _minimum;
    private readonly TimeSpan _maximum;
    private readonly Func<double> _random;
    private TimeSpan _current;
    private int _exponent;

    /// <param name="minimum">The shortest pause, after a poll that found messages.</param>
    /// <param name="maximum">The longest pause.</param>
    /// <param name="random">Uniform in [0, 1); fixed in tests.</param>
    public PollingBackoff(TimeSpan minimum, TimeSpan maximum, Func<double>? random = null)
    {
        _minimum = minimum;
        _maximum = maximum;
        _random = random ?? Random.Shared.NextDouble;
    }

    public TimeSpan Next(bool foundMessages)
    {
        if (foundMessages)
        {
            _current = _minimum;
            _exponent = 1;
            return _current;
        }

        if (_current == _maximum)
        {
            return _current;
        }

        var next = _minimum;
        if (_exponent > 0)
        {
            var jitter = 1 - RandomizationFactor + (2 * RandomizationFactor * _random());
            next += TimeSpan.FromMilliseconds(jitter * Math.Pow(2, _exponent - 1) * _minimum.TotalMilliseconds);
        }

        if (next < _maximum)
        {
            _current = next;
            _exponent++;
        }
        else
        {
            _current = _maximum;
        }

        return _current;
    }
}

/// <summary>
/// What the blob and queue pollers share: background polling loops, invoking the worker and recording every attempt,
/// and the work in flight that a shutdown drains.
/// </summary>
internal abstract class StorageTriggerPoller : IAsyncDisposable
{
    private readonly string _trigger;
    private readonly string? _configurationError;
    private readonly WorkerChannel _channel;
    private readonly InvocationLog _invocations;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private int _stopped;

    /// <param name="trigger">The trigger's name in records and logs: <c>blob</c> or <c>queue</c>.</param>
    /// <param name="configurationError">Why the triggers cannot run, if they cannot (reported by <see cref="ThrowIfMisconfigured"/>).</param>
    protected StorageTriggerPoller(string trigger, string? configurationError, WorkerChannel channel, InvocationLog invocations, LocalHostOptions options, ILogger logger)
    {
        _trigger = trigger;
        _configurationError = configurationError;
        _channel = channel;
        _invocations = invocations;
        Options = options;
        Logger = logger;
    }

    public abstract int FunctionCount { get; }

    protected LocalHostOptions Options { get; }

    protected ILogger Logger { get; }

    /// <summary>Cancelled when shutdown begins: no new poll or retry starts after it.</summary>
    protected CancellationToken Stopping => _stopping.Token;

    /// <summary>Work in flight by key; shutdown waits for it (within the grace period).</summary>
    protected ConcurrentDictionary<string, Task> InFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the background polling.</summary>
    public abstract void Start();

    /// <summary>Stops polling and retrying; what is running gets <paramref name="grace"/> to finish.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        try
        {
            await Task.WhenAll(InFlight.Values).WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(Logger, InFlight.Count, _trigger, grace.TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.Zero).ConfigureAwait(false);
        try
        {
            // By now the worker is gone, so what was still running ends quickly (failed); let it tidy up.
            await Task.WhenAll(InFlight.Values).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Left to the process's end.
        }

        _stopping.Dispose();
        ReleaseResources();
    }

    protected virtual void ReleaseResources()
    {
    }

    /// <summary>Fails explicit trigger calls (TriggerBlobsAsync, DrainQueuesAsync) when a trigger's storage is not configured.</summary>
    protected void ThrowIfMisconfigured()
    {
        if (_configurationError is not null)
        {
            throw new InvalidOperationException(_configurationError);
        }
    }

    /// <summary>
    /// Runs <paramref name="pollAsync"/> until shutdown, pausing for the delay it returns; when storage fails, the
    /// failure is logged and the pause is <paramref name="afterFailure"/>'s.
    /// </summary>
    protected void StartLoop(Func<CancellationToken, Task<TimeSpan>> pollAsync, Func<TimeSpan> afterFailure)
    {
        _loops.Add(Task.Run(async () =>
        {
            var token = _stopping.Token;
            while (!token.IsCancellationRequested)
            {
                TimeSpan delay;
                try
                {
                    delay = await pollAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (IsStorageFailure(ex))
                {
                    Log.PollFailed(Logger, _trigger, ex.Message);
                    delay = afterFailure();
                }

                try
                {
                    await Task.Delay(delay, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }));
    }

    protected static bool IsStorageFailure(Exception ex) =>
        ex is RequestFailedException or HttpRequestException or AggregateException or IOException;

    /// <summary>Sends one invocation to the worker, waits for its outcome (never failing: a lost worker is a failed attempt) and records it.</summary>
    protected async Task<InvocationRecord> InvokeAsync(
        FunctionInfo function, ParameterBinding input, IEnumerable<KeyValuePair<string, TypedData>> triggerMetadata, int attempt,
        string? blobName = null, string? queueName = null, string? messageId = null)
    {
        var request = new InvocationRequest
        {
            InvocationId = Guid.NewGuid().ToString(),
            FunctionId = function.Id,
            TraceContext = TraceContexts.Create(),
        };
        request.InputData.Add(input);
        foreach (var (name, value) in triggerMetadata)
        {
            request.TriggerMetadata[name] = value;
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        InvocationStatus status;
        string? error;
        try
        {
            var response = await _channel.InvokeAsync(request, CancellationToken.None).ConfigureAwait(false);
            status = InvocationLog.StatusOf(response);
            error = InvocationLog.ErrorOf(response);
        }
        catch (WorkerException ex)
        {
            status = InvocationStatus.Failed;
            error = ex.Message;
        }

        var record = new InvocationRecord(function.Name, request.InvocationId, _trigger, started, clock.Elapsed, status, attempt, error, null, blobName, queueName, messageId);
        _invocations.Add(record);
        return record;
    }

    /// <summary>Records an attempt that failed before it could be sent (the host fails such a binding the same way).</summary>
    protected InvocationRecord RecordUnsent(FunctionInfo function, int attempt, string error, string? queueName = null, string? messageId = null)
    {
        var record = new InvocationRecord(function.Name, Guid.NewGuid().ToString(), _trigger, DateTimeOffset.UtcNow, TimeSpan.Zero, InvocationStatus.Failed, attempt, error, null, null, queueName, messageId);
        _invocations.Add(record);
        return record;
    }

    protected static TValue GetOrAdd<TValue>(Dictionary<string, TValue> cache, string key, Func<string, TValue> create)
    {
        if (!cache.TryGetValue(key, out var value))
        {
            value = create(key);
            cache[key] = value;
        }

        return value;
    }
}
