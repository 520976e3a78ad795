using System.Globalization;

namespace MedInsure.Testing.Tests;

/// <summary>What Azure accepts reaches Azurite unchanged and comes back unchanged; the proxy counts it; an outage is a 502.</summary>
public sealed class PassThroughTests(AzuriteFixture azurite)
{
    private string Direct(string connectionString) => connectionString.Replace(
        $"127.0.0.1:{azurite.Azurite.TableProxy.Port.ToString(CultureInfo.InvariantCulture)}/",
        $"127.0.0.1:{azurite.Azurite.TablePort.ToString(CultureInfo.InvariantCulture)}/",
        StringComparison.Ordinal);

    [Fact]
    public async Task EveryPropertyTypeRoundTripsAndTheResponseIsAzuritesOwn()
    {
        var table = await azurite.NewTableAsync();
        var written = new TableEntity("江西|360000", "it's 萍乡 100%+1")
        {
            ["Text"] = "缴费基数 8400 元，个人扣多少？\n\"quoted\" \\ tab\t",
            ["Int"] = -7,
            ["Long"] = long.MaxValue,
            ["Double"] = 0.1,
            ["Flag"] = true,
            ["When"] = new DateTimeOffset(2026, 12, 2, 8, 30, 15, 123, TimeSpan.FromHours(8)),
            ["Id"] = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
            ["Bytes"] = new byte[] { 0, 1, 254, 255 },
        };

        var etag = (await table.AddEntityAsync(written)).Headers.ETag;
        await table.SubmitTransactionAsync([Entities.Upsert(new TableEntity(written.PartitionKey, "second") { ["Int"] = 1 })]);
        var proxied = await table.GetEntityAsync<TableEntity>(written.PartitionKey, written.RowKey);
        var direct = await new TableClient(Direct(azurite.Azurite.ConnectionString), table.Name).GetEntityAsync<TableEntity>(written.PartitionKey, written.RowKey);

        var read = proxied.Value;
        Assert.Equal(etag, read.ETag);
        Assert.Equal(written.GetString("Text"), read.GetString("Text"));
        Assert.Equal(-7, read.GetInt32("Int"));
        Assert.Equal(long.MaxValue, read.GetInt64("Long"));
        Assert.Equal(0.1, read.GetDouble("Double"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(written.GetDateTimeOffset("When"), read.GetDateTimeOffset("When"));
        Assert.Equal(written.GetGuid("Id"), read.GetGuid("Id"));
        Assert.Equal([0, 1, 254, 255], read.GetBinary("Bytes"));
        Assert.Equal(direct.GetRawResponse().Content.ToString(), proxied.GetRawResponse().Content.ToString());
        Assert.Equal(direct.GetRawResponse().Headers.ContentType, proxied.GetRawResponse().Headers.ContentType);
        Assert.Equal(["it's 萍乡 100%+1", "second"], await table.QueryAsync<TableEntity>(e => e.PartitionKey == written.PartitionKey).Select(e => e.RowKey).ToListAsync());
    }

    [Fact]
    public async Task ProxyCountsRequestsBytesWritesAndRefusalsByCode()
    {
        await using var own = await Azurite.StartAsync();
        var traffic = own.TableProxy.Traffic;
        var sent = new List<long>();
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        var table = new TableServiceClient(own.ConnectionString, options).GetTableClient("counted");

        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("p", "one") { ["Text"] = "x" });
        var batch = await table.SubmitTransactionAsync(Enumerable.Range(0, 3).Select(i => Entities.Upsert(new TableEntity("p", $"b{i}"))));
        await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "a/b")));
        await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync([Entities.Upsert(new TableEntity("p", "x")), Entities.Upsert(new TableEntity("q", "y"))]));
        Assert.Equal(4, await table.QueryAsync<TableEntity>().CountAsync());

        Assert.Equal(6, traffic.Requests);
        Assert.Equal(4, traffic.EntityWrites);
        Assert.Equal(1, traffic.Batches);
        Assert.Equal(0, traffic.Unchecked);
        Assert.Equal(new Dictionary<string, long> { ["OutOfRangeInput"] = 1, ["CommandsInBatchActOnDifferentPartitions"] = 1 }, traffic.Refusals);
        Assert.Equal(2, traffic.RecentRefusals.Count);
        Assert.Equal(202, batch.GetRawResponse().Status);
        Assert.True(traffic.ResponseBytes > 0);
        Assert.InRange(traffic.LargestBatchBytes, 500, traffic.RequestBytes);

        traffic.Reset();
        Assert.Equal(0, traffic.Requests);
        Assert.Empty(traffic.Refusals);
    }

    [Fact]
    public async Task WhileAzuriteIsDownTheProxyAnswers502AndAfterARestartItForwardsAgain()
    {
        await using var own = await Azurite.StartAsync();
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        var service = new TableServiceClient(own.ConnectionString, options);
        await service.CreateTableAsync("before");

        await own.StopAsync();
        var down = await Assert.ThrowsAsync<RequestFailedException>(() => service.CreateTableAsync("during"));
        Assert.Equal(502, down.Status);
        Assert.Equal(1, own.TableProxy.Traffic.Unavailable);

        await own.RestartAsync();
        await service.CreateTableAsync("after");
        Assert.Contains("after", await service.QueryAsync().Select(t => t.Name).ToListAsync());
    }
}
