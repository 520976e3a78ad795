using MedInsure.Functions.Tests.Stats;

namespace MedInsure.Functions.Tests.Hosting;

/// <summary>Flex Consumption runs many instances of the app on one storage account: what one answers, another continues.</summary>
public sealed class ScaleOutTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APageFromOneInstanceContinuesOnAnotherThatSharesThePagingSecret()
    {
        var production = new Dictionary<string, string?> { ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production", ["Paging:Secret"] = "shared-secret-of-this-environment" };
        await using var one = await MedInsureApplication.StartAsync(azurite.Azurite, production);
        await using var other = await MedInsureApplication.StartAsync(azurite.Azurite, new Dictionary<string, string?>(production)
        {
            ["AzureWebJobsStorage"] = one.Settings["AzureWebJobsStorage"],
        });
        for (var i = 0; i < 3; i++)
        {
            await one.UploadAsync($"p{i}.txt", TestDumps.Simple($"S{i}"));
        }

        await one.TriggerAsync();

        var all = await one.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/articles?limit=100", Cancel);
        var first = await one.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/articles?limit=4", Cancel);
        var token = first.GetProperty("continuation").GetString()!;
        var second = await other.CreateKeyedClient().GetAsync($"/api/articles?limit=100&continuation={Uri.EscapeDataString(token)}", Cancel);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var ids = first.GetProperty("items").EnumerateArray().Concat((await second.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("items").EnumerateArray())
            .Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()), ids);
        Assert.Equal(9, ids.Count);
    }

    [Fact]
    public async Task TwoInstancesIngestingOverlappingDumpsAtOnceCountEverythingExactlyOnce()
    {
        await using var one = await MedInsureApplication.StartAsync(azurite.Azurite);
        await using var other = await MedInsureApplication.StartAsync(azurite.Azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = one.Settings["AzureWebJobsStorage"] });
        const string shared = "家庭共济怎么绑定家人";
        await Task.WhenAll(TestDumps.Bulk(20, shared).Select(d => one.UploadAsync(d.Name, d.Content)));

        // Both instances are handed every dump (an Event Grid redelivery to another instance does the same).
        await Task.WhenAll(one.TriggerAsync(), other.TriggerAsync());

        var articles = await one.AllArticlesAsync();
        Assert.Equal(41, articles.Count);
        Assert.Equal(20, (await one.SightingsAsync(shared)).Count);
        var records = (await one.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions?limit=100", Cancel)).GetProperty("items");
        Assert.Equal(20, records.GetArrayLength());
        Assert.All(records.EnumerateArray(), r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        Assert.Equal(41, records.EnumerateArray().Sum(r => r.GetProperty("new").GetInt32()));
        await Stats.StatsTestData.AssertStatsMatchArticlesAsync(other);
        var topics = await other.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/topics", Cancel);
        Assert.Equal(41, topics.GetProperty("items").EnumerateArray().Sum(t => t.GetProperty("articles").GetInt32()));
        Assert.Equal(0, (await one.RecountAsync()).GetProperty("driftCells").GetInt32());
    }

    [Fact]
    public async Task WithoutASharedSecretAnotherInstanceRefusesThePageToken()
    {
        // Local development: each instance makes up its own key, which is exactly what breaks paging across instances.
        await using var one = await MedInsureApplication.StartAsync(azurite.Azurite);
        await using var other = await MedInsureApplication.StartAsync(azurite.Azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = one.Settings["AzureWebJobsStorage"] });
        await one.UploadAsync("p.txt", TestDumps.Simple("S9"));
        await one.TriggerAsync();

        var first = await one.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/articles?limit=1", Cancel);
        var second = await other.CreateKeyedClient().GetAsync($"/api/articles?limit=1&continuation={Uri.EscapeDataString(first.GetProperty("continuation").GetString()!)}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Fact]
    public async Task OutsideLocalDevelopmentTheAppRefusesToStartWithoutAPagingSecret()
    {
        var failure = await Assert.ThrowsAsync<AppStartException>(() => MedInsureApplication.StartAsync(azurite.Azurite,
            new Dictionary<string, string?> { ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production" }));

        Assert.Contains(failure.Logs, l => l.Contains("Paging:Secret (app setting Paging__Secret) is not set", StringComparison.Ordinal));
    }
}
