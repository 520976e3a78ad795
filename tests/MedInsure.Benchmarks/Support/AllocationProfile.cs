using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// Allocations by type over a phase, from the runtime's sampled allocation events (one about every 100 KB), when
/// <c>BENCH_ALLOC_PROFILE=1</c>: which types a pipeline's garbage is made of, without an external profiler.
/// </summary>
internal sealed class AllocationProfile : EventListener
{
    private const int GCAllocationTick = 10;
    private readonly ConcurrentDictionary<string, long> bytesByType = new();
    private volatile bool listening;

    public static AllocationProfile? StartIfAsked() =>
        Environment.GetEnvironmentVariable("BENCH_ALLOC_PROFILE") == "1" ? new AllocationProfile { listening = true } : null;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!listening || e.EventId != GCAllocationTick || e.PayloadNames is null)
        {
            return;
        }

        var type = e.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? e.Payload![t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload![a]) : 100_000;
        bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }

    public void Print(string phase, int top = 30)
    {
        listening = false;
        var total = bytesByType.Values.Sum();
        Console.WriteLine($"  allocations by type ({phase}, sampled, {total / 1e9:F1} GB):");
        foreach (var (type, bytes) in bytesByType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"    {bytes / 1e6,9:N0} MB  {bytes * 100.0 / total,5:F1}%  {type}");
        }
    }
}
