using MedInsure.Functions.HostProtocol;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Functions.Tests.Infrastructure;

/// <summary>
/// The app against a real Azurite, with its own table and container names so tests never see each other's data.
/// The blob-trigger stand-in does not poll on its own: tests fire it with <see cref="TriggerAsync"/> for determinism.
/// </summary>
public sealed class MedInsureApplication(Azurite azurite, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string FunctionKey = "test-function-key";
    public const string AdminKey = "test-admin-key";

    public string Prefix { get; } = "t" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A client that sends the function key, as client apps do.</summary>
    public HttpClient CreateKeyedClient(string key = FunctionKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    /// <summary>The configuration this app runs with; commands under test get the same, so they see the same storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings => field ??= BuildSettings();

    private Dictionary<string, string?> BuildSettings()
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:NamePrefix"] = Prefix,
            ["BlobTrigger:Emulate"] = "false",
            ["FunctionKeys:default"] = FunctionKey,
            ["FunctionKeys:admin"] = AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return values;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings));
    }

    public StorageProvisioner Storage => Services.GetRequiredService<StorageProvisioner>();

    public BlobContainerClient Dumps => Storage.Container(Storage.Options.DumpsContainer);

    public BlobContainerClient Quarantine => Storage.Container(Storage.Options.QuarantineContainer);

    public TableClient Articles => Storage.Table(Storage.Options.ArticlesTable);

    public async Task UploadAsync(string name, byte[] content)
    {
        await Storage.EnsureAsync(CancellationToken.None);
        await Dumps.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);
    }

    public Task UploadAsync(string name, string content) => UploadAsync(name, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Fires the blob trigger for everything new in the dumps container, as the host would.</summary>
    public async Task<int> TriggerAsync()
    {
        await Storage.EnsureAsync(CancellationToken.None);
        return await Services.GetRequiredService<BlobTriggerEmulator>().PollOnceAsync(CancellationToken.None);
    }

    public async Task<List<TableEntity>> AllArticlesAsync()
    {
        var list = new List<TableEntity>();
        await foreach (var entity in Articles.QueryAsync<TableEntity>())
        {
            list.Add(entity);
        }

        return list;
    }
}
