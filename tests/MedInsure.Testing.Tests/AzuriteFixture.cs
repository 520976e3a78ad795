using Azure.Core;
using Azure.Core.Pipeline;

namespace MedInsure.Testing.Tests;

/// <summary>One Azurite (behind its Azure-limits proxy) for the assembly; each test writes to a table of its own.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync() => await Azurite.DisposeAsync();

    /// <summary>A fresh table through the proxy; <paramref name="bodies"/> records the length of each request body sent.</summary>
    public async Task<TableClient> NewTableAsync(List<long>? bodies = null)
    {
        var options = new TableClientOptions();
        // A refusal must surface as the client sees it from Azure, not after retries.
        options.Retry.MaxRetries = 0;
        if (bodies is not null)
        {
            options.AddPolicy(new BodyLengths(bodies), HttpPipelinePosition.PerRetry);
        }

        var table = new TableServiceClient(Azurite.ConnectionString, options).GetTableClient("t" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateAsync();
        return table;
    }

    private sealed class BodyLengths(List<long> lengths) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Content?.TryComputeLength(out var length) == true)
            {
                lock (lengths)
                {
                    lengths.Add(length);
                }
            }
        }
    }
}
