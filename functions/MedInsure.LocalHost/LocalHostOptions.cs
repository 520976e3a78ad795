using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>What the local Functions host runs and how.</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section the exe reads these options from.</summary>
    public const string SectionName = "LocalHost";

    /// <summary>The most messages the queue service hands out at once.</summary>
    public const int MaxQueueBatchSize = 32;

    /// <summary>The URL the exe listens on when none is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:7071";

    /// <summary>The worker's build or publish output (holds functions.metadata and worker.config.json).</summary>
    public string AppDirectory { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>Where the public HTTP endpoint listens; port 0 picks a free port. Empty means <see cref="DefaultUrl"/>.</summary>
    public IList<string> Urls { get; } = [];

    /// <summary>
    /// App settings, given by the caller. They override the host's environment and local.settings.json, are passed to the
    /// worker as environment variables, and are where function keys (<c>FunctionKeys:name</c> or <c>FunctionKeys__name</c>)
    /// and storage connections are looked up.
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Environment variables for the worker process only (e.g. HOME); a null value removes the variable.</summary>
    public IDictionary<string, string?> EnvironmentOverrides { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Whether the host's own environment variables are passed to the worker and read as settings.</summary>
    public bool InheritEnvironment { get; set; } = true;

    /// <summary>Whether the Values of local.settings.json in the app directory are read.</summary>
    public bool UseLocalSettingsFile { get; set; } = true;

    /// <summary>Whether blob-trigger containers are polled in the background. Off: call <see cref="LocalFunctionsHost.TriggerBlobsAsync"/>.</summary>
    public bool PollBlobs { get; set; } = true;

    /// <summary>Pause between two polls of the blob-trigger containers.</summary>
    public TimeSpan BlobPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Blob-trigger invocations in flight at most (the host's queue batch of 16 plus its threshold of 8).</summary>
    public int BlobConcurrency { get; set; } = 24;

    /// <summary>
    /// Whether queue-trigger queues are polled in the background. On by default, also embedded: queue-triggered work
    /// runs by itself, as it does in Azure; <see cref="LocalFunctionsHost.DrainQueuesAsync"/> waits for it either way.
    /// </summary>
    public bool PollQueues { get; set; } = true;

    /// <summary>Pause between two polls of a queue while messages keep coming (the host's 100 ms minimum).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest pause between two polls of an empty queue (the host's maxPollingInterval, 1 minute there).</summary>
    public TimeSpan QueueMaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages received at once from a queue (the host's batchSize; 1 to 32).</summary>
    public int QueueBatchSize { get; set; } = 16;

    /// <summary>
    /// Messages of a queue in flight below which the next batch is fetched (the host's newBatchThreshold); a queue has
    /// at most <see cref="QueueBatchSize"/> plus this many in flight. Null means half the batch size, 8 by default.
    /// </summary>
    public int? QueueNewBatchThreshold { get; set; }

    /// <summary>
    /// How long a received message stays invisible to other receivers; it is renewed at half-time while the
    /// invocation runs. The host uses 10 minutes; a shorter time here brings the messages of a killed host back sooner.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts in all for one blob, or dequeues of one queue message, before it goes to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// Delay before the first retry of a failed blob invocation or queue message; it doubles for each further retry.
    /// (The host retries a failed queue message at once: its visibilityTimeout is 0.)
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between two attempts (the host's queue maximum polling interval).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait for each start-up step of the worker.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long in-flight invocations may run on at shutdown, and how long the worker gets to exit.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The host id used in blob receipt names; by default the setting AzureFunctionsWebHost:hostId, else one derived from the machine and app directory.</summary>
    public string? HostId { get; set; }

    /// <summary>Where the host, the worker's console output and the worker's logs are written; none means no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Reads the <c>LocalHost</c> section (e.g. <c>LocalHost:BlobPollInterval</c>) onto these options.</summary>
    public void ReadFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        PollBlobs = ReadBool(section, nameof(PollBlobs)) ?? PollBlobs;
        BlobPollInterval = ReadDuration(section, nameof(BlobPollInterval)) ?? BlobPollInterval;
        BlobConcurrency = ReadInt(section, nameof(BlobConcurrency)) ?? BlobConcurrency;
        PollQueues = ReadBool(section, nameof(PollQueues)) ?? PollQueues;
        QueuePollInterval = ReadDuration(section, nameof(QueuePollInterval)) ?? QueuePollInterval;
        QueueMaxPollInterval = ReadDuration(section, nameof(QueueMaxPollInterval)) ?? QueueMaxPollInterval;
        QueueBatchSize = ReadInt(section, nameof(QueueBatchSize)) ?? QueueBatchSize;
        QueueNewBatchThreshold = ReadInt(section, nameof(QueueNewBatchThreshold)) ?? QueueNewBatchThreshold;
        QueueVisibilityTimeout = ReadDuration(section, nameof(QueueVisibilityTimeout)) ?? QueueVisibilityTimeout;
        MaxDequeueCount = ReadInt(section, nameof(MaxDequeueCount)) ?? MaxDequeueCount;
        RetryDelay = ReadDuration(section, nameof(RetryDelay)) ?? RetryDelay;
        MaxRetryDelay = ReadDuration(section, nameof(MaxRetryDelay)) ?? MaxRetryDelay;
        StartupTimeout = ReadDuration(section, nameof(StartupTimeout)) ?? StartupTimeout;
        ShutdownGracePeriod = ReadDuration(section, nameof(ShutdownGracePeriod)) ?? ShutdownGracePeriod;
        HostId = section[nameof(HostId)] is { Length: > 0 } hostId ? hostId : HostId;
    }

    /// <summary>Every problem with these options, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(AppDirectory))
        {
            errors.Add("AppDirectory is required.");
        }

        foreach (var url in Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                errors.Add($"'{url}' is not an http:// URL (the local host serves plain HTTP only).");
            }
        }

        if (BlobPollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(BlobPollInterval)} must be positive.");
        }

        if (BlobConcurrency < 1)
        {
            errors.Add($"{SectionName}:{nameof(BlobConcurrency)} must be at least 1.");
        }

        if (QueuePollInterval <= TimeSpan.Zero || QueueMaxPollInterval < QueuePollInterval)
        {
            errors.Add($"{SectionName}:{nameof(QueuePollInterval)} must be positive and at most {nameof(QueueMaxPollInterval)}.");
        }

        if (QueueBatchSize is < 1 or > MaxQueueBatchSize || QueueNewBatchThreshold < 0)
        {
            errors.Add($"{SectionName}:{nameof(QueueBatchSize)} must be from 1 to {MaxQueueBatchSize} and {nameof(QueueNewBatchThreshold)} at least 0.");
        }

        if (QueueVisibilityTimeout < TimeSpan.FromSeconds(1) || QueueVisibilityTimeout > TimeSpan.FromDays(7))
        {
            errors.Add($"{SectionName}:{nameof(QueueVisibilityTimeout)} must be from 1 second to 7 days (the queue service's limits).");
        }

        if (MaxDequeueCount < 1)
        {
            errors.Add($"{SectionName}:{nameof(MaxDequeueCount)} must be at least 1.");
        }

        if (RetryDelay < TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            errors.Add($"{SectionName}:{nameof(RetryDelay)} must be at least zero and at most {nameof(MaxRetryDelay)}.");
        }

        if (StartupTimeout <= TimeSpan.Zero || ShutdownGracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:{nameof(StartupTimeout)} must be positive and {nameof(ShutdownGracePeriod)} at least zero.");
        }

        return errors;
    }

    /// <summary>Messages of one queue in flight at most: a batch plus the new-batch threshold.</summary>
    internal int QueueConcurrency => QueueBatchSize + (QueueNewBatchThreshold ?? QueueBatchSize / 2);

    private static bool? ReadBool(IConfiguration section, string key) => section[key] switch
    {
        null => null,
        var v when bool.TryParse(v, out var b) => b,
        var v => throw new LocalHostStartException($"{SectionName}:{key} = '{v}' is not true or false."),
    };

    private static int? ReadInt(IConfiguration section, string key) => section[key] switch
    {
        null => null,
        var v when int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        var v => throw new LocalHostStartException($"{SectionName}:{key} = '{v}' is not a whole number."),
    };

    private static TimeSpan? ReadDuration(IConfiguration section, string key) =>
        section[key] is { } v
            ? ParseDuration(v) ?? throw new LocalHostStartException($"{SectionName}:{key} = '{v}' is not a duration (e.g. 500ms, 2s, 00:00:02).")
            : null;

    /// <summary>Accepts <c>500ms</c>, <c>2s</c>, <c>1m</c> or a TimeSpan such as <c>00:00:02</c>; a bare number would be days to TimeSpan, so it is refused.</summary>
    internal static TimeSpan? ParseDuration(string value)
    {
        var v = value.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds),
            ("s", TimeSpan.FromSeconds),
            ("m", TimeSpan.FromMinutes),
        ];
        foreach (var (suffix, make) in units)
        {
            if (v.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(v[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return make(n);
            }
        }

        return v.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(v, CultureInfo.InvariantCulture, out var span) ? span : null;
    }
}
