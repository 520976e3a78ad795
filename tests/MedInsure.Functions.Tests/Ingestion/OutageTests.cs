namespace MedInsure.Functions.Tests.Ingestion;

/// <summary>Storage goes away in the middle of a bulk upload and comes back: the retries finish the job exactly once.</summary>
public sealed class OutageTests : IDisposable
{
    // Azurite persists here so that stopping and restarting it keeps the data, as a real outage would.
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("azurite-outage-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task AzuriteOutageDuringIngestionEndsInARetryWithNothingLostOrDuplicated()
    {
        await using var azurite = await Azurite.StartAsync(folder.FullName);
        // Two dumps at a time, and retries spread over about 5 s (0.5, 1, 2, 2 s), so they outlast the outage.
        await using var app = await MedInsureApplication.StartAsync(azurite, configureHost: host =>
        {
            host.BlobConcurrency = 2;
            host.RetryDelay = TimeSpan.FromMilliseconds(500);
        });
        const string shared = "异地就医备案后怎么直接结算";
        for (var i = 0; i < 12; i++)
        {
            await app.UploadAsync($"o{i:D2}.txt", TestDumps.Page($"青海西宁职工医保门诊报销多少（{i}）", $"门诊统筹按比例报销。第{i}篇。",
                new TestDumps.Related(shared, $"备案成功后在就医地直接结算。第{i}篇。")));
        }

        var ingesting = app.TriggerAsync();
        await Task.Delay(150);
        await azurite.StopAsync();
        await Task.Delay(1000);
        await azurite.RestartAsync();
        try
        {
            await ingesting;
        }
        catch (Azure.RequestFailedException)
        {
            // The outage can hit the container listing itself; the next pass picks everything up.
        }

        // Whatever the host's retries did not finish (a listing that failed) is fired again, until every dump has a final record.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement items;
        while (true)
        {
            var page = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions?limit=100");
            items = page.GetProperty("items");
            if (DateTime.UtcNow > deadline || items.EnumerateArray().Count(r => r.GetProperty("status").GetString() == "succeeded") == 12)
            {
                break;
            }

            await app.TriggerAsync();
            await Task.Delay(500);
        }

        Assert.Equal(12, items.GetArrayLength());
        Assert.All(items.EnumerateArray(), r => Assert.Equal("succeeded", r.GetProperty("status").GetString()));
        var articles = await app.AllArticlesAsync();
        Assert.Equal(13, articles.Count);
        Assert.Equal(12, (await app.SightingsAsync(shared)).Count);
        Assert.Equal(13, items.EnumerateArray().Sum(r => r.GetProperty("new").GetInt32()));
    }
}
