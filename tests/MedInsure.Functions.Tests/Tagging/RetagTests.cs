using Azure.Data.Tables;
using MedInsure.Cli;

namespace MedInsure.Functions.Tests.Tagging;

public sealed class RetagTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RetagRestoresTagsFromTheCurrentModelAndASecondRunChangesNothing()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("r.txt", TestDumps.Simple("T1"));
        await app.TriggerAsync();
        var original = (await app.AllArticlesAsync()).ToDictionary(a => a.RowKey, a => a.GetString("Topic"));
        var victim = (await app.AllArticlesAsync()).First();
        victim["Topic"] = "other";
        victim["ModelVersion"] = "old-model";
        await app.Articles.UpdateEntityAsync(victim, victim.ETag, TableUpdateMode.Replace);

        var first = await app.RunOperationAsync("retag");
        var second = await app.RunOperationAsync("retag");

        Assert.Equal(("succeeded", 1), (first.GetProperty("status").GetString(), first.GetProperty("attempts").GetInt32()));
        var summary = first.GetProperty("result");
        Assert.Equal(3, summary.GetProperty("scanned").GetInt32());
        Assert.Equal(1, summary.GetProperty("changed").GetInt32());
        Assert.Equal(0, second.GetProperty("result").GetProperty("changed").GetInt32());
        var restored = (await app.AllArticlesAsync()).Single(a => a.RowKey == victim.RowKey);
        Assert.Equal(original[victim.RowKey], restored.GetString("Topic"));
        Assert.StartsWith("topic-", restored.GetString("ModelVersion"));
    }

    [Fact]
    public async Task RetagNeedsTheAdminKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var withFunctionKey = await app.CreateKeyedClient().PostAsync("/api/manage/retag", null);
        var anonymous = await app.CreateClient().PostAsync("/api/manage/retag", null);

        Assert.Equal(HttpStatusCode.Unauthorized, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("admin key", await withFunctionKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RetagCommandReportsWhatItScanned()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("r.txt", TestDumps.Simple("T2"));
        await app.TriggerAsync();
        var stdout = new StringWriter();

        var exit = await CliApp.RunAsync(["retag"], stdout, new StringWriter(), app.Settings);

        Assert.Equal(0, exit);
        Assert.Matches(@"re-tagged with topic-\S+: 3 articles scanned, 0 changed", stdout.ToString());
    }
}
