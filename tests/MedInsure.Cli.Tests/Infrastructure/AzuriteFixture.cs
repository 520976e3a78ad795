namespace MedInsure.Cli.Tests.Infrastructure;

/// <summary>One Azurite for the whole test assembly; every test isolates itself with its own table and container names.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();

    /// <summary>Settings that point the commands at this Azurite, under a name prefix of the test's own.</summary>
    public IReadOnlyDictionary<string, string?> NewStore() => new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = Azurite.ConnectionString,
        ["Storage:NamePrefix"] = "cli" + Guid.NewGuid().ToString("N")[..10],
    };
}
