using Azure.Data.Tables;
using MedInsure.Articles.Queries;

namespace MedInsure.Functions.Tests.Hosting;

public sealed class AdminOperationTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReindexRunsInTheBackgroundAndItsStatusUrlGivesProgressAndTheDriftItRepaired()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", TestDumps.Simple("OP1"));
        await app.TriggerAsync();
        var shard = app.Storage.IndexShard(ArticleIndex.ShardOf(ArticleIndex.All));
        var row = await shard.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ArticleIndex.PartitionFor(ArticleIndex.All)}"), cancellationToken: Cancel).FirstAsync(Cancel);
        await shard.DeleteEntityAsync(row.PartitionKey, row.RowKey, cancellationToken: Cancel);

        var status = await app.RunOperationAsync("reindex");

        Assert.Equal(("reindex", "succeeded", 1), (status.GetProperty("kind").GetString(), status.GetProperty("status").GetString(), status.GetProperty("attempts").GetInt32()));
        Assert.Equal(("partitions", ArticleIndex.Shards, ArticleIndex.Shards), (status.GetProperty("phase").GetString(), status.GetProperty("done").GetInt32(), status.GetProperty("total").GetInt32()));
        var result = status.GetProperty("result");
        Assert.Equal((3, 1, 0, 0), (result.GetProperty("articles").GetInt32(), result.GetProperty("missing").GetInt32(), result.GetProperty("stale").GetInt32(), result.GetProperty("extra").GetInt32()));
        Assert.True(status.GetProperty("completedAt").GetDateTimeOffset() >= status.GetProperty("startedAt").GetDateTimeOffset());
        Assert.NotNull((await shard.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: Cancel)).Value);
    }

    [Fact]
    public async Task ARecountThatFailsIsRetriedByTheQueueAndItsStatusSaysHowManyAttemptsItTook()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite, configureHost: host => host.RetryDelay = TimeSpan.Zero);
        await app.UploadAsync("a.txt", TestDumps.Simple("OP2"));
        await app.TriggerAsync();
        var stats = app.Storage.Table(app.Storage.Options.StatsTable);
        var cell = await stats.QueryAsync<TableEntity>(cancellationToken: Cancel).FirstAsync(r => !r.RowKey.StartsWith('~'), Cancel);
        cell["Articles"] = 99L;
        await stats.UpdateEntityAsync(cell, cell.ETag, TableUpdateMode.Replace, Cancel);
        // 4 refusals: the storage client's 3 retries fail too, so the run fails and the queue runs it again.
        using var fault = azurite.Azurite.TableProxy.Faults.Fail(w => w.Account == app.Account && w.Resource == stats.Name, times: 4);

        var status = await app.RunOperationAsync("recount");

        Assert.Equal(("succeeded", 2), (status.GetProperty("status").GetString(), status.GetProperty("attempts").GetInt32()));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
        Assert.Equal(0, (await app.RunOperationAsync("recount")).GetProperty("result").GetProperty("driftCells").GetInt32());
        Assert.NotEqual(99L, (await stats.GetEntityAsync<TableEntity>(cell.PartitionKey, cell.RowKey, cancellationToken: Cancel)).Value.GetInt64("Articles"));
    }

    [Fact]
    public async Task AnUnknownOperationIsNotFoundAndTheStatusNeedsTheAdminKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var admin = app.CreateKeyedClient(MedInsureApplication.AdminKey);

        var unknown = await admin.GetAsync($"/api/manage/operations/{new string('a', 32)}", Cancel);
        var malformed = await admin.GetAsync("/api/manage/operations/not-an-id", Cancel);
        var functionKey = await app.CreateKeyedClient().GetAsync($"/api/manage/operations/{new string('a', 32)}", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(new string('a', 32), (await unknown.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Contains("32 lower-case hex", (await malformed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, functionKey.StatusCode);
    }
}
