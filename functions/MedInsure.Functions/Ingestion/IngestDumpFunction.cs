using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Ingestion;

/// <summary>
/// Every new or changed blob in <c>dumps</c> (Event Grid BlobCreated in Azure, the local host's watch on Azurite). The
/// binding hands over a client for the blob, not its bytes, so the pipeline streams the dump however large it is.
/// A rejected dump succeeds (it is quarantined with its reason); a failure throws, so the host retries the invocation
/// and, after its last attempt, parks the blob on the poison queue.
/// </summary>
internal sealed partial class IngestDumpFunction(IngestionService ingestion, ILogger<IngestDumpFunction> logger)
{
    public const string Name = "IngestDump";

    [Function(Name)]
    public async Task RunAsync(
        [BlobTrigger(StorageOptions.DumpsContainerName + "/{name}", Source = BlobTriggerSource.EventGrid, Connection = StorageExtensions.ConnectionName)] BlobClient dump,
        CancellationToken cancellationToken)
    {
        var record = await ingestion.IngestAsync(dump, cancellationToken);
        Ingested(record.Dump, record.Status, record.Id, record.Articles, record.New, record.Updated, record.Unchanged, record.Reason);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information,
        Message = "{Dump}: {Status}, ingestion {IngestionId}: {Articles} articles ({New} new, {Updated} updated, {Unchanged} unchanged) {Reason}")]
    private partial void Ingested(string dump, string status, string ingestionId, int articles, int @new, int updated, int unchanged, string? reason);
}
