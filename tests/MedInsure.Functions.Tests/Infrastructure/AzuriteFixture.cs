namespace MedInsure.Functions.Tests.Infrastructure;

/// <summary>One Azurite for the whole test assembly; every test isolates itself with its own table and container names.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();

    /// <summary>A transaction writer for this Azurite, signing with its account key as the app does.</summary>
    public MedInsure.Articles.Storage.TransactionWire NewTransactionWire() =>
        MedInsure.Articles.Storage.TransactionWire.For(
            new MedInsure.Articles.Storage.StorageConnection(Azurite.ConnectionString, null, null, null), new Azure.Data.Tables.TableClientOptions())!;

    /// <summary>A fresh, empty table of its own for a test of a storage component.</summary>
    public async Task<Azure.Data.Tables.TableClient> NewTableAsync(string prefix)
    {
        var table = new Azure.Data.Tables.TableServiceClient(Azurite.ConnectionString).GetTableClient(prefix + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        return table;
    }
}
