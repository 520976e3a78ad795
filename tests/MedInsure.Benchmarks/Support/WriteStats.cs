using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MedInsure.Articles.Storage;

namespace MedInsure.Benchmarks.Support;

/// <summary>Listens to <see cref="StorageMetrics"/>: requests, entities and conflicts per (table, writer) over a phase.</summary>
internal sealed class WriteStats : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, (long Requests, long Actions, long Conflicts)> byWriter = new(StringComparer.Ordinal);
    private readonly string prefix;

    public WriteStats(string prefix)
    {
        this.prefix = prefix;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StorageMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Add(tags, requests: 1, actions: value, conflicts: 0));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(tags, requests: 0, actions: 0, conflicts: value));
        listener.Start();
    }

    private void Add(ReadOnlySpan<KeyValuePair<string, object?>> tags, long requests, long actions, long conflicts)
    {
        string? table = null, writer = null;
        foreach (var tag in tags)
        {
            table = tag.Key == "table" ? tag.Value as string : table;
            writer = tag.Key == "writer" ? tag.Value as string : writer;
        }

        if (table is null || !table.StartsWith(prefix, StringComparison.Ordinal))
        {
            return;
        }

        byWriter.AddOrUpdate($"{table[prefix.Length..]} {writer}", (requests, actions, conflicts),
            (_, v) => (v.Requests + requests, v.Actions + actions, v.Conflicts + conflicts));
    }

    public IEnumerable<string> Lines() => byWriter.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        $"{p.Key}: {p.Value.Requests:N0} requests, {p.Value.Actions:N0} entities ({(double)p.Value.Actions / Math.Max(1, p.Value.Requests):F1} a request), {p.Value.Conflicts:N0} conflicts");

    public void Dispose() => listener.Dispose();
}
