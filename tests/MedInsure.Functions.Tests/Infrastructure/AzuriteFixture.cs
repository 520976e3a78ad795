using Azure.Core;
using Azure.Core.Pipeline;

namespace MedInsure.Functions.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test assembly; every test isolates itself with its own table and container names. Its
/// table endpoint is the Azure-limits proxy (<see cref="MedInsure.Testing.AzureLimits.AzureTableProxy"/>), so every
/// table request of every test meets Azure Table Storage's limits.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();

    /// <summary>A fresh, empty table of its own for a test of a storage component.</summary>
    /// <param name="transactionBodies">When given, receives the body length of every entity-group transaction the client sends.</param>
    public async Task<Azure.Data.Tables.TableClient> NewTableAsync(string prefix, List<long>? transactionBodies = null)
    {
        var options = new Azure.Data.Tables.TableClientOptions();
        if (transactionBodies is not null)
        {
            options.AddPolicy(new TransactionBodies(transactionBodies), HttpPipelinePosition.PerRetry);
        }

        var table = new Azure.Data.Tables.TableServiceClient(Azurite.ConnectionString, options).GetTableClient(prefix + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        return table;
    }

    private sealed class TransactionBodies(List<long> lengths) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal) && message.Request.Content?.TryComputeLength(out var length) == true)
            {
                lock (lengths)
                {
                    lengths.Add(length);
                }
            }
        }
    }
}
