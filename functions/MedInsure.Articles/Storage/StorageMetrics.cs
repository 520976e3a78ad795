using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MedInsure.Articles.Storage;

/// <summary>
/// Table writes as the coalescing writers send them, so an operator (or the ingestion benchmark) can see how full
/// transactions are and how often optimistic writes had to be retried: these decide what a bulk upload costs.
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "MedInsure.Storage";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Actions per request sent by the coalescing writers (1 for a single-entity request); tags <c>table</c>, <c>writer</c>.</summary>
    public static readonly Histogram<int> WriteActions = Meter.CreateHistogram<int>("medinsure.storage.write.actions", "{action}",
        "Entities written per table request by the coalescing writers");

    /// <summary>Transactions refused because a row changed underneath (409/412/404) and resubmitted; tags <c>table</c>, <c>writer</c>.</summary>
    public static readonly Counter<long> WriteConflicts = Meter.CreateCounter<long>("medinsure.storage.write.conflicts", "{request}",
        "Table requests refused by a concurrency precondition and retried");

    /// <param name="writer"><c>rows</c> (TableBatchWriter) or <c>stats</c> (StatsWriter).</param>
    public static void RecordWrite(string table, string writer, int actions) =>
        WriteActions.Record(actions, new TagList { { "table", table }, { "writer", writer } });

    public static void RecordConflict(string table, string writer) =>
        WriteConflicts.Add(1, new TagList { { "table", table }, { "writer", writer } });
}
