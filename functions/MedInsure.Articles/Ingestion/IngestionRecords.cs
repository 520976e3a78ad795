using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Ingestion records. Two rows per record in one partition: row "id|{id}" for point reads, row
/// "time|{inverted start ticks}-{id}" for newest-first paging. An ingestion claims its id row with an Add
/// (<see cref="TryStartAsync"/>); saves upsert both rows, so a save that fails halfway is completed by the retry.
/// </summary>
public sealed class IngestionRecords(StorageProvisioner storage) : IAsyncDisposable
{
    private const string Partition = "r";
    private const string ById = "id|";
    private const string ByTime = "time|";
    private const string ByTimeEnd = "time}";
    private const int MaxWarnings = 200;
    private const int MaxWarningChars = 1_000;

    // A string property holds at most 64 KiB (32,768 UTF-16 characters); keep well inside it. A zip of 1,000 members
    // easily collects more warning text than that, and a record that cannot be saved fails the whole ingestion.
    private const int MaxStoredChars = 30_000;

    // CJK stays as it is: escaped as \uXXXX it would take six times the room.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Concurrent dumps finish at about the same time and their records share the one partition: coalesced, a bulk
    // upload saves dozens of records a transaction instead of one each.
    private readonly Lazy<TableBatchWriter> writer = new(() => new TableBatchWriter(storage.Table(storage.Options.IngestionsTable)));

    private TableClient Table => storage.Table(storage.Options.IngestionsTable);

    public async ValueTask DisposeAsync()
    {
        if (writer.IsValueCreated)
        {
            await writer.Value.DisposeAsync();
        }
    }

    public async Task<IngestionRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, ById + id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is not null ? FromEntity(found.Value) : null;
    }

    /// <summary>
    /// Adds the record's "id" row unless one exists: true for a blob version seen for the first time, false when an
    /// earlier attempt left a record (read it with <see cref="FindAsync"/>). Coalesced with other records' writes, so a
    /// bulk upload's first sightings cost a share of a transaction each instead of a read.
    /// </summary>
    public async Task<bool> TryStartAsync(IngestionRecord record, CancellationToken cancellationToken) =>
        (await writer.Value.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, ToEntity(record, ById + record.Id)), cancellationToken))
            .Status != TableWriteStatus.Conflict;

    public async Task SaveAsync(IngestionRecord record, CancellationToken cancellationToken) =>
        await Task.WhenAll(
            writer.Value.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(record, ById + record.Id)), cancellationToken),
            writer.Value.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(record, TimeKey(record))), cancellationToken));

    /// <summary>Newest first. The continuation is the last row key served; callers wrap it in an opaque token.</summary>
    public async Task<(IReadOnlyList<IngestionRecord> Items, string? Next)> ListAsync(int limit, string? after, CancellationToken cancellationToken)
    {
        var from = after is null ? ByTime : after;
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {from} and RowKey lt {ByTimeEnd}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey gt {from} and RowKey lt {ByTimeEnd}");
        var items = new List<IngestionRecord>(limit);
        string? last = null;
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, maxPerPage: limit, cancellationToken: cancellationToken).AsPages(pageSizeHint: limit))
        {
            foreach (var entity in page.Values)
            {
                if (items.Count == limit)
                {
                    return (items, last);
                }

                items.Add(FromEntity(entity));
                last = entity.RowKey;
            }

            if (page.ContinuationToken is null)
            {
                return (items, null);
            }

            if (items.Count == limit)
            {
                return (items, last);
            }
        }

        return (items, null);
    }

    private static string TimeKey(IngestionRecord record) =>
        $"{ByTime}{(DateTimeOffset.MaxValue.UtcTicks - record.StartedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}-{record.Id}";

    private static TableEntity ToEntity(IngestionRecord record, string row) => new(Partition, row)
    {
        ["Id"] = record.Id,
        ["Dump"] = record.Dump,
        ["Parent"] = record.Parent,
        ["Status"] = record.Status,
        ["Articles"] = record.Articles,
        ["New"] = record.New,
        ["Updated"] = record.Updated,
        ["Unchanged"] = record.Unchanged,
        ["Warnings"] = JsonSerializer.Serialize(StoredWarnings(record.Warnings), Json),
        ["WarningCount"] = record.Warnings.Count,
        ["Reason"] = Truncate(record.Reason, MaxStoredChars),
        ["Encoding"] = record.Encoding,
        ["ContentHash"] = record.ContentHash,
        ["Size"] = record.Size,
        ["QuarantineBlob"] = record.QuarantineBlob,
        ["Attempts"] = record.Attempts,
        ["StartedAt"] = record.StartedAt,
        ["CompletedAt"] = record.CompletedAt,
    };

    /// <summary>The first warnings (each cut to 1,000 characters) that fit the property; WarningCount keeps the total.</summary>
    internal static List<string> StoredWarnings(IReadOnlyList<string> warnings)
    {
        var kept = new List<string>();
        var used = 2;
        foreach (var warning in warnings.Take(MaxWarnings))
        {
            var text = Truncate(warning, MaxWarningChars)!;
            // Quotes, comma and escapes of quotes, backslashes and control characters.
            used += JsonSerializer.Serialize(text, Json).Length + 1;
            if (used > MaxStoredChars)
            {
                break;
            }

            kept.Add(text);
        }

        return kept;
    }

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..(max - 1)] + "…";

    private static IngestionRecord FromEntity(TableEntity e) => new()
    {
        Id = e.GetString("Id") ?? e.RowKey[ById.Length..],
        Dump = e.GetString("Dump") ?? "",
        Parent = e.GetString("Parent"),
        Status = e.GetString("Status") ?? IngestionStatus.Failed,
        Articles = e.GetInt32("Articles") ?? 0,
        New = e.GetInt32("New") ?? 0,
        Updated = e.GetInt32("Updated") ?? 0,
        Unchanged = e.GetInt32("Unchanged") ?? 0,
        Warnings = JsonSerializer.Deserialize<List<string>>(e.GetString("Warnings") ?? "[]", Json) ?? [],
        Reason = e.GetString("Reason"),
        Encoding = e.GetString("Encoding"),
        ContentHash = e.GetString("ContentHash"),
        Size = e.GetInt64("Size") ?? 0,
        QuarantineBlob = e.GetString("QuarantineBlob"),
        Attempts = e.GetInt32("Attempts") ?? 0,
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
        CompletedAt = e.GetDateTimeOffset("CompletedAt"),
    };
}
