using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace MedInsure.Articles.Storage;

public static class StorageExtensions
{
    /// <summary>The Functions storage setting. A connection string, or the identity-based
    /// <c>AzureWebJobsStorage__blobServiceUri</c> / <c>__queueServiceUri</c> / <c>__tableServiceUri</c> / <c>__credential</c> / <c>__clientId</c> form.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        // Resolved from the final configuration (not at registration) so hosts and tests can override it.
        builder.Services.AddSingleton(sp => StorageConnection.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateTableServiceClient());
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateBlobServiceClient());
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StorageConnection>().CreateQueueServiceClient());
        builder.Services.AddSingleton<StorageProvisioner>();
        return builder;
    }
}

/// <summary>Resolved storage connection: either a connection string or service URIs with a token credential.</summary>
public sealed record StorageConnection(string? ConnectionString, Uri? BlobServiceUri, Uri? TableServiceUri, TokenCredential? Credential, Uri? QueueServiceUri = null)
{
    public static StorageConnection From(IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageExtensions.ConnectionName);
        var connectionString = section.Value;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new(connectionString, null, null, null);
        }

        var blobUri = section["blobServiceUri"];
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        var accountName = section["accountName"];
        if (blobUri is null && tableUri is null && accountName is null)
        {
            // Same default as the Functions tooling: the local emulator.
            return new(StorageExtensions.DevelopmentStorage, null, null, null);
        }

        blobUri ??= $"https://{accountName}.blob.core.windows.net";
        tableUri ??= $"https://{accountName}.table.core.windows.net";
        queueUri ??= accountName is null ? blobUri.Replace(".blob.", ".queue.", StringComparison.Ordinal) : $"https://{accountName}.queue.core.windows.net";
        return new(null, new Uri(blobUri), new Uri(tableUri), CreateCredential(section), new Uri(queueUri));
    }

    private static TokenCredential CreateCredential(IConfigurationSection section)
    {
        // Mirrors the host's rules: credential=managedidentity with an optional clientId for a user-assigned identity.
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return clientId is null
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
    }

    public TableServiceClient CreateTableServiceClient() => ConnectionString is not null
        ? new TableServiceClient(ConnectionString, TableOptions())
        : new TableServiceClient(TableServiceUri!, Credential!, TableOptions());

    public BlobServiceClient CreateBlobServiceClient() => ConnectionString is not null
        ? new BlobServiceClient(ConnectionString, BlobOptions())
        : new BlobServiceClient(BlobServiceUri!, Credential!, BlobOptions());

    /// <summary>Messages are base64, the Functions host's default <c>messageEncoding</c> for queue triggers.</summary>
    public QueueServiceClient CreateQueueServiceClient()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        return ConnectionString is not null
            ? new QueueServiceClient(ConnectionString, options)
            : new QueueServiceClient(QueueServiceUri!, Credential!, options);
    }

    // Short, bounded retries: the trigger (host or emulator) owns the long retry with backoff.
    private static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    private static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }
}
