using System.Collections.Concurrent;

namespace MedInsure.Testing.AzureLimits;

/// <summary>
/// What passed through an <see cref="AzureTableProxy"/> since it started (or since <see cref="Reset"/>): requests and
/// bytes both ways, entity writes forwarded, and the requests refused, by error code.
/// </summary>
public sealed class TableTraffic
{
    private const int KeptRefusals = 50;

    private readonly ConcurrentDictionary<string, long> refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> recent = new();
    private readonly ConcurrentDictionary<string, ResourceCounters> byResource = new(StringComparer.Ordinal);
    private long requests;
    private long requestBytes;
    private long responseBytes;
    private long batches;
    private long entityWrites;
    private long largestBatchBytes;
    private long unavailable;
    private long notChecked;

    /// <summary>Requests received, refused ones included.</summary>
    public long Requests => Interlocked.Read(ref requests);

    /// <summary>Request body bytes received.</summary>
    public long RequestBytes => Interlocked.Read(ref requestBytes);

    /// <summary>Response body bytes sent back (Azurite's and the refusals').</summary>
    public long ResponseBytes => Interlocked.Read(ref responseBytes);

    /// <summary>Entity-group transactions forwarded to Azurite.</summary>
    public long Batches => Interlocked.Read(ref batches);

    /// <summary>Entity inserts, updates, upserts and deletes forwarded, alone or in transactions.</summary>
    public long EntityWrites => Interlocked.Read(ref entityWrites);

    /// <summary>The largest <c>$batch</c> body forwarded, in bytes (the service's limit is 4 MiB).</summary>
    public long LargestBatchBytes => Interlocked.Read(ref largestBatchBytes);

    /// <summary>Requests answered 502 because Azurite was not reachable (an outage test stopped it).</summary>
    public long Unavailable => Interlocked.Read(ref unavailable);

    /// <summary><c>$batch</c> requests forwarded without checks because their body could not be read as a changeset.</summary>
    public long Unchecked => Interlocked.Read(ref notChecked);

    /// <summary>Refused requests by Azure error code.</summary>
    public IReadOnlyDictionary<string, long> Refusals => new Dictionary<string, long>(refusals, StringComparer.Ordinal);

    /// <summary>The last refusals, newest last: method, path, code and message, for a test's failure output.</summary>
    public IReadOnlyList<string> RecentRefusals => [.. recent];

    /// <summary>Requests, request body bytes and entity writes by table (or blob container), refused ones included.</summary>
    public IReadOnlyDictionary<string, ResourceTraffic> ByResource =>
        byResource.ToDictionary(r => r.Key, r => r.Value.Snapshot(), StringComparer.Ordinal);

    public void Reset()
    {
        byResource.Clear();
        Interlocked.Exchange(ref requests, 0);
        Interlocked.Exchange(ref requestBytes, 0);
        Interlocked.Exchange(ref responseBytes, 0);
        Interlocked.Exchange(ref batches, 0);
        Interlocked.Exchange(ref entityWrites, 0);
        Interlocked.Exchange(ref largestBatchBytes, 0);
        Interlocked.Exchange(ref unavailable, 0);
        Interlocked.Exchange(ref notChecked, 0);
        refusals.Clear();
        recent.Clear();
    }

    public override string ToString() =>
        $"{Requests} requests ({RequestBytes:N0} bytes in, {ResponseBytes:N0} out), {Batches} transactions (largest {LargestBatchBytes:N0} bytes), " +
        $"{EntityWrites} entity writes, {Unavailable} answered while Azurite was down, refused: " +
        (refusals.IsEmpty ? "none" : string.Join(", ", refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));

    internal void Request(long bodyBytes)
    {
        Interlocked.Increment(ref requests);
        Interlocked.Add(ref requestBytes, bodyBytes);
    }

    internal void Response(long bodyBytes) => Interlocked.Add(ref responseBytes, bodyBytes);

    internal void Forwarded(int writes, long batchBytes)
    {
        Interlocked.Add(ref entityWrites, writes);
        if (batchBytes < 0)
        {
            return;
        }

        Interlocked.Increment(ref batches);
        long seen;
        while ((seen = Interlocked.Read(ref largestBatchBytes)) < batchBytes && Interlocked.CompareExchange(ref largestBatchBytes, batchBytes, seen) != seen)
        {
        }
    }

    internal void Refused(string method, string path, TableRefusal refusal)
    {
        refusals.AddOrUpdate(refusal.Code, 1, (_, n) => n + 1);
        recent.Enqueue($"{method} {path}: {refusal.Status} {refusal.Code} {(refusal.Index is { } i ? $"(operation {i}) " : "")}{Shorten(refusal.Message)}");
        while (recent.Count > KeptRefusals && recent.TryDequeue(out _))
        {
        }
    }

    internal void Attribute(string resource, long bodyBytes, int writes) =>
        byResource.GetOrAdd(resource, _ => new ResourceCounters()).Add(bodyBytes, writes);

    internal void Down() => Interlocked.Increment(ref unavailable);

    internal void NotChecked() => Interlocked.Increment(ref notChecked);

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private sealed class ResourceCounters
    {
        private long requests;
        private long bytes;
        private long writes;

        public void Add(long bodyBytes, int entityWrites)
        {
            Interlocked.Increment(ref requests);
            Interlocked.Add(ref bytes, bodyBytes);
            Interlocked.Add(ref writes, entityWrites);
        }

        public ResourceTraffic Snapshot() => new(Interlocked.Read(ref requests), Interlocked.Read(ref bytes), Interlocked.Read(ref writes));
    }
}

/// <summary>One table's (or container's) share of the traffic.</summary>
public sealed record ResourceTraffic(long Requests, long RequestBytes, long EntityWrites);
