using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using MedInsure.Articles.Rebuild;
using MedInsure.Articles.Storage;
using MedInsure.Articles.Tagging;

namespace MedInsure.Articles.Operations;

/// <summary>The long admin operations that run in the background.</summary>
public enum OperationKind
{
    Reindex,
    Recount,
    Retag,
}

/// <summary>Where a background operation stands: queued, running, succeeded, or failed (its error; the queue retries it).</summary>
/// <param name="Id">32 hex digits.</param>
/// <param name="Kind"><c>reindex</c>, <c>recount</c> or <c>retag</c>.</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>succeeded</c> or <c>failed</c>.</param>
/// <param name="Phase">What it is doing (<c>articles</c>: scanning them; <c>partitions</c>: repairing derived rows).</param>
/// <param name="Done">Items of the phase done.</param>
/// <param name="Total">Items of the phase in all, when known.</param>
/// <param name="Attempts">Runs started (a failed run is retried from the start; every operation is idempotent).</param>
/// <param name="Result">The operation's report once it succeeded: a reindex, recount or retag report.</param>
/// <param name="Error">Why the last run failed.</param>
public sealed record OperationStatus(
    string Id,
    string Kind,
    string Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Phase,
    int Done,
    int? Total,
    int Attempts,
    JsonElement? Result,
    string? Error);

/// <summary>
/// Runs reindex, recount and retag in the background, because an HTTP request through the Functions front end is cut
/// at 230 s. <see cref="StartAsync"/> records the operation (table <c>operations</c>, one partition; an admin
/// operation is rare) and queues its id on the <c>operations</c> queue; the queue-triggered function calls
/// <see cref="RunAsync"/>, which reports progress into the record. Every operation converges, so a run that fails or
/// whose instance is recycled is simply run again by the queue's retry.
/// </summary>
public sealed class AdminOperations(StorageProvisioner storage, QueueServiceClient queues, DerivedRebuild rebuild, RetagService retag, TimeProvider time)
{
    /// <summary>The queue the operation runner is triggered by.</summary>
    public const string QueueName = "operations";

    private const string Partition = "op";
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private TableClient Table => storage.Table(storage.Options.OperationsTable);

    private DateTimeOffset Now => time.GetUtcNow();

    public static bool TryParseKind(string? text, out OperationKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(Uri.IsHexDigit) && id == id.ToLowerInvariant();

    public async Task<OperationStatus> StartAsync(OperationKind kind, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var entity = new TableEntity(Partition, id)
        {
            ["Kind"] = Name(kind),
            ["Status"] = "queued",
            ["RequestedAt"] = time.GetUtcNow(),
            ["Done"] = 0,
            ["Attempts"] = 0,
        };
        await Table.AddEntityAsync(entity, cancellationToken);
        // The trigger names the queue, so it is never prefixed (like the dumps container).
        var queue = queues.GetQueueClient(QueueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(id, cancellationToken);
        return ToStatus(entity);
    }

    public async Task<OperationStatus?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } entity ? ToStatus(entity) : null;
    }

    /// <summary>Runs a queued operation. One that already succeeded is not run again (a redelivered message).</summary>
    public async Task RunAsync(string id, CancellationToken cancellationToken)
    {
        await storage.EnsureAsync(cancellationToken);
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } entity || entity.GetString("Status") == "succeeded" || !TryParseKind(entity.GetString("Kind"), out var kind))
        {
            return;
        }

        entity["Status"] = "running";
        entity["StartedAt"] = time.GetUtcNow();
        entity["Attempts"] = (entity.GetInt32("Attempts") ?? 0) + 1;
        entity["Error"] = null;
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        var progress = new RecordProgress(this, entity);
        try
        {
            object result = kind switch
            {
                OperationKind.Reindex => await rebuild.ReindexAsync(progress, cancellationToken),
                OperationKind.Recount => await rebuild.RecountAsync(progress, cancellationToken),
                _ => await retag.RetagAllAsync(new Progress<int>(done => progress.Report(new RebuildProgress("articles", done, null))), cancellationToken),
            };
            await progress.FlushAsync();
            entity["Status"] = "succeeded";
            entity["CompletedAt"] = time.GetUtcNow();
            entity["Result"] = JsonSerializer.Serialize(result, result.GetType(), Json);
            await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await progress.FlushAsync();
            entity["Status"] = "failed";
            entity["Error"] = ex.Message.Length > 2000 ? ex.Message[..2000] : ex.Message;
            await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, CancellationToken.None);
            throw;
        }
    }

    private static string Name(OperationKind kind) => kind.ToString().ToLowerInvariant();

    private static OperationStatus ToStatus(TableEntity e) => new(
        e.RowKey,
        e.GetString("Kind") ?? "",
        e.GetString("Status") ?? "",
        e.GetDateTimeOffset("RequestedAt") ?? DateTimeOffset.MinValue,
        e.GetDateTimeOffset("StartedAt"),
        e.GetDateTimeOffset("CompletedAt"),
        e.GetString("Phase"),
        e.GetInt32("Done") ?? 0,
        e.GetInt32("Total"),
        e.GetInt32("Attempts") ?? 0,
        e.GetString("Result") is { } result ? JsonDocument.Parse(result).RootElement.Clone() : null,
        e.GetString("Error"));

    // Writes progress into the record at most every two seconds, without holding up the operation.
    private sealed class RecordProgress(AdminOperations owner, TableEntity entity) : IProgress<RebuildProgress>
    {
        private readonly Lock gate = new();
        private DateTimeOffset last = DateTimeOffset.MinValue;
        private Task pending = Task.CompletedTask;

        public void Report(RebuildProgress value)
        {
            lock (gate)
            {
                entity["Phase"] = value.Phase;
                entity["Done"] = value.Done;
                entity["Total"] = value.Total;
                var now = owner.Now;
                if (now - last < ProgressEvery || !pending.IsCompleted)
                {
                    return;
                }

                last = now;
                var snapshot = new TableEntity(entity);
                pending = WriteAsync(snapshot);
            }
        }

        public async Task FlushAsync()
        {
            Task wait;
            lock (gate)
            {
                wait = pending;
            }

            await wait;
        }

        private async Task WriteAsync(TableEntity snapshot)
        {
            try
            {
                await owner.Table.UpsertEntityAsync(snapshot, TableUpdateMode.Replace);
            }
            catch (RequestFailedException)
            {
                // Progress is advisory: the next report, or the final status, writes it again.
            }
        }
    }
}
