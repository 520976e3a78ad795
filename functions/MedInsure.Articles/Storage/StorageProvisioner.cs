using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace MedInsure.Articles.Storage;

/// <summary>Creates the tables and containers once per process; in Azure, Bicep has created them already and this is a no-op.</summary>
public sealed class StorageProvisioner(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile bool done;

    public StorageOptions Options => options.Value;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (done)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (done)
            {
                return;
            }

            var o = options.Value;
            await Task.WhenAll(o.AllTables().Select(table => IgnoreConflict(() => tables.CreateTableIfNotExistsAsync(o.Table(table), cancellationToken))));
            await Task.WhenAll(new[] { o.DumpsContainer, o.QuarantineContainer, o.ArticleBodiesContainer }.Select(container =>
                IgnoreConflict(() => blobs.GetBlobContainerClient(o.Container(container)).CreateIfNotExistsAsync(cancellationToken: cancellationToken))));

            done = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public TableClient Table(string name) => tables.GetTableClient(options.Value.Table(name));

    /// <summary>The index shard table holding rows of this partition ("s07" → articleindex07).</summary>
    public TableClient IndexShard(int shard) => Table(options.Value.IndexShardTable(shard));

    public BlobContainerClient Container(string name) => blobs.GetBlobContainerClient(options.Value.Container(name));

    private static async Task IgnoreConflict(Func<Task> create)
    {
        try
        {
            await create();
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Created concurrently by another instance.
        }
    }
}
