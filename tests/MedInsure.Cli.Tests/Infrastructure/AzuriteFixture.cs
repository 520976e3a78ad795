namespace MedInsure.Cli.Tests.Infrastructure;

/// <summary>One Azurite for the whole test assembly; every test isolates itself with its own table and container names.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();

    /// <summary>Settings that point the commands at this Azurite, under a name prefix of the test's own.</summary>
    /// <summary>Settings for a storage account of its own, as a content team's deployment would have.</summary>
    public IReadOnlyDictionary<string, string?> NewStore() => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = Azurite.NewAccount(),
    };
}
