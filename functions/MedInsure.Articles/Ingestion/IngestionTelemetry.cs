using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Traces and metrics of ingestion, exported by whatever hosts the library (the function app sends them to Application
/// Insights through OpenTelemetry): one span per dump, and counts an operator charts after a bulk upload.
/// </summary>
public static class IngestionTelemetry
{
    public const string SourceName = "MedInsure.Ingestion";

    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    /// <summary>Dumps whose ingestion ended, by <c>status</c> (succeeded, partial, rejected, failed).</summary>
    public static readonly Counter<long> Dumps = Meter.CreateCounter<long>("medinsure.ingestion.dumps", "{dump}",
        "Dumps whose ingestion ended, by status");

    /// <summary>Articles written by ingestion, by <c>change</c> (new, updated).</summary>
    public static readonly Counter<long> Articles = Meter.CreateCounter<long>("medinsure.ingestion.articles", "{article}",
        "Articles ingestion stored as new or updated");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("medinsure.ingestion.duration", "s",
        "Time to ingest one dump, by status");

    public static void Record(IngestionRecord record, TimeSpan elapsed)
    {
        var status = new TagList { { "status", record.Status } };
        Dumps.Add(1, status);
        Duration.Record(elapsed.TotalSeconds, status);
        Articles.Add(record.New, new TagList { { "change", "new" } });
        Articles.Add(record.Updated, new TagList { { "change", "updated" } });
    }
}
