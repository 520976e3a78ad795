using System.Text.RegularExpressions;

namespace MedInsure.Functions.Tests.Ingestion;

/// <summary>What an operator sees of ingestion without Application Insights: the worker's OpenTelemetry console export
/// (the local host forwards the worker's output to its log).</summary>
public sealed partial class IngestionTelemetryTests(AzuriteFixture azurite)
{
    private const string WorkerOutput = "MedInsure.LocalHost.Worker: ";

    [Fact]
    public async Task EachDumpIsASpanUnderItsInvocationAndTheCountsAreExportedAsMetrics()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite, new Dictionary<string, string?>
        {
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await app.UploadAsync("good.txt", TestDumps.Simple("T1"));
        await app.UploadAsync("bad.bin", [0, 1, 2, 0]);

        Assert.Equal(2, await app.TriggerAsync());

        var expected = new Dictionary<(string, string), long>
        {
            [("medinsure.ingestion.dumps", "status: succeeded")] = 1,
            [("medinsure.ingestion.dumps", "status: rejected")] = 1,
            [("medinsure.ingestion.articles", "change: new")] = 3,
            [("medinsure.ingestion.articles", "change: updated")] = 0,
        };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Dictionary<(string Metric, string Tags), long> metrics;
        while (!expected.All(e => (metrics = Metrics(app.Logs)).GetValueOrDefault(e.Key, -1) == e.Value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        metrics = Metrics(app.Logs);
        Assert.All(expected, e => Assert.Equal((e.Key, e.Value), (e.Key, metrics.GetValueOrDefault(e.Key, -1))));
        // Histograms are read as their count: one duration per dump, by status.
        Assert.Equal(1, metrics.GetValueOrDefault(("medinsure.ingestion.duration", "status: succeeded")));
        Assert.Equal(1, metrics.GetValueOrDefault(("medinsure.ingestion.duration", "status: rejected")));

        var spans = Spans(app.Logs).Where(s => s.GetValueOrDefault("Activity.DisplayName") == "ingest dump").ToList();
        var good = Assert.Single(spans, s => s.GetValueOrDefault("medinsure.dump") == "good.txt");
        Assert.Equal("succeeded", good["medinsure.status"]);
        Assert.Equal("rejected", Assert.Single(spans, s => s.GetValueOrDefault("medinsure.dump") == "bad.bin")["medinsure.status"]);
        // A child of the worker's invocation span, so it joins the host's trace in Application Insights.
        Assert.Matches("^[0-9a-f]{16}$", good["Activity.ParentSpanId"]);
        Assert.DoesNotMatch("^0+$", good["Activity.ParentSpanId"]);
    }

    // The console exporter writes each metric point as "(start, end] tag: value" followed by "Value: N" (histograms:
    // "Value: Sum: S Count: N"); the points are cumulative, so the last wins.
    private static Dictionary<(string Metric, string Tags), long> Metrics(IEnumerable<string> logs)
    {
        var values = new Dictionary<(string, string), long>();
        string? metric = null;
        string? tags = null;
        foreach (var line in Output(logs))
        {
            if (MetricName().Match(line) is { Success: true } name)
            {
                metric = name.Groups[1].Value;
            }
            else if (PointTags().Match(line) is { Success: true } point)
            {
                tags = point.Groups[1].Value.Trim();
            }
            else if (metric is not null && tags is not null && PointValue().Match(line) is { Success: true } value)
            {
                values[(metric, tags)] = long.Parse(value.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                tags = null;
            }
        }

        return values;
    }

    // Each span is a block of "Activity.X: value" and tag lines "    key: value".
    private static List<Dictionary<string, string>> Spans(IEnumerable<string> logs)
    {
        var spans = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var line in Output(logs))
        {
            if (line.StartsWith("Activity.TraceId:", StringComparison.Ordinal))
            {
                spans.Add(current = []);
            }

            if (current is not null && SpanField().Match(line) is { Success: true } field)
            {
                current[field.Groups[1].Value] = field.Groups[2].Value.Trim();
            }
        }

        return spans;
    }

    private static IEnumerable<string> Output(IEnumerable<string> logs) =>
        logs.Select(l => l.IndexOf(WorkerOutput, StringComparison.Ordinal) is var i and >= 0 ? l[(i + WorkerOutput.Length)..] : null).OfType<string>();

    [GeneratedRegex(@"^Metric Name: ([\w.]+),")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"^\([^\]]*\]\s*(.*)$")]
    private static partial Regex PointTags();

    [GeneratedRegex(@"^Value: (?:Sum: \S+ Count: )?(\d+)")]
    private static partial Regex PointValue();

    [GeneratedRegex(@"^\s*([\w.]+):\s+(.*)$")]
    private static partial Regex SpanField();
}
