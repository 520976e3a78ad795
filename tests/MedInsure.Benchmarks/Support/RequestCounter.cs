using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// Counts this process's outgoing storage requests by kind (method and table or container), from the activities
/// HttpClient starts for every request. Azurite is CPU-bound, so requests per article explain the ingestion rate
/// better than wall time alone.
/// </summary>
internal sealed partial class RequestCounter : IDisposable
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ActivityListener listener;
    private readonly string prefix;

    /// <param name="prefix">The Storage:NamePrefix of the tables and containers to count (transactions are counted whatever their table).</param>
    public RequestCounter(string prefix)
    {
        this.prefix = prefix;
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = Count,
        };
        ActivitySource.AddActivityListener(listener);
    }

    public int Total => counts.Values.Sum();

    public IReadOnlyDictionary<string, int> Snapshot() => new SortedDictionary<string, int>(counts, StringComparer.Ordinal);

    private void Count(Activity activity)
    {
        if (activity.GetTagItem("url.full") is not string url || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return;
        }

        var method = activity.GetTagItem("http.request.method") as string ?? "?";
        var match = TargetPattern().Match(Uri.UnescapeDataString(uri.AbsolutePath));
        if (match.Groups["batch"].Success)
        {
            // The table is named inside the multipart body, not the URL.
            counts.AddOrUpdate("POST $batch", 1, (_, n) => n + 1);
        }
        else if (match.Success && match.Groups["name"].Value.StartsWith(prefix, StringComparison.Ordinal))
        {
            // The index shard tables (articleindex00…31) count as one.
            var name = ShardSuffix().Replace(match.Groups["name"].Value[prefix.Length..], "NN");
            counts.AddOrUpdate($"{method} {name}", 1, (_, n) => n + 1);
        }
    }

    public void Dispose() => listener.Dispose();

    // /{account}/{table}(...) or /{account}/{container}/{blob}; /{account}/$batch is a table transaction.
    [GeneratedRegex(@"^/[^/]+/(?:(?<batch>\$batch)|(?<name>[A-Za-z0-9-]+))")]
    private static partial Regex TargetPattern();

    [GeneratedRegex(@"(?<=^articleindex)\d+$")]
    private static partial Regex ShardSuffix();
}
