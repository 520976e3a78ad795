using Azure.Data.Tables;
using MedInsure.Articles.Rebuild;
using MedInsure.Testing.AzureLimits;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Functions.Tests.Ingestion;

/// <summary>
/// One write step of a 20-dump upload fails once, refused or applied with its answer lost; the host retries the dump.
/// Afterwards every derived row must be what a rebuild from the articles gives (the rebuild finds no drift), and the
/// articles, their sightings and the records what an upload without the failure stores.
/// </summary>
public sealed class FaultInjectionTests(AzuriteFixture azurite)
{
    private const string Shared = "职工医保个人账户家庭共济怎么办理";

    public static TheoryData<string, FaultMode> Steps() => new()
    {
        { "article", FaultMode.Refuse },
        { "article", FaultMode.LoseResponse },
        { "body blob", FaultMode.Refuse },
        { "body blob", FaultMode.LoseResponse },
        { "index", FaultMode.Refuse },
        { "index", FaultMode.LoseResponse },
        { "sources", FaultMode.Refuse },
        { "sources", FaultMode.LoseResponse },
        { "statistics", FaultMode.Refuse },
        { "statistics", FaultMode.LoseResponse },
        { "record", FaultMode.Refuse },
        { "record", FaultMode.LoseResponse },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task AFailedWriteStepIsRetriedAndEveryQueryAndStatisticEqualsARebuild(string step, FaultMode mode)
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite, configureHost: host => host.RetryDelay = TimeSpan.FromMilliseconds(50));
        var options = app.Storage.Options;
        Func<StorageWrite, bool> target = step switch
        {
            "article" => w => w.Resource == options.Table(options.ArticlesTable),
            "body blob" => w => w.Resource == options.Container(options.ArticleBodiesContainer) && w.RowKey is { Length: > 0 },
            "index" => w => w.Resource.StartsWith(options.Table(options.ArticleIndexTable), StringComparison.Ordinal),
            "sources" => w => w.Resource == options.Table(options.SourcesTable),
            "statistics" => w => w.Resource == options.Table(options.StatsTable),
            _ => w => w.Resource == options.Table(options.IngestionsTable),
        };

        // The third matching write (the upload has one long body, so for blobs its write) picks the victim key; the
        // next 4 requests that write it fail, so the storage client's own 3 retries fail too, the invocation fails and
        // the host retries the dump.
        var seen = 0;
        var fired = 0;
        string? victim = null;
        var nth = step == "body blob" ? 1 : 3;
        var proxy = step == "body blob" ? azurite.Azurite.BlobProxy : azurite.Azurite.TableProxy;
        bool Victim(StorageWrite w)
        {
            if (w.Account != app.Account || !target(w))
            {
                return false;
            }

            var key = $"{w.Resource}/{w.PartitionKey}/{w.RowKey}";
            if (Volatile.Read(ref victim) is null && Interlocked.Increment(ref seen) >= nth)
            {
                Interlocked.CompareExchange(ref victim, key, null);
            }

            return key == Volatile.Read(ref victim) && Interlocked.Increment(ref fired) > 0;
        }

        using var fault = proxy.Faults.Fail(Victim, times: 4, mode);
        await Task.WhenAll(Upload().Select(d => app.UploadAsync(d.Name, d.Content)));
        await app.TriggerAsync();

        // Every one of the 4 failures happened: the write failed past the storage client's retries (the host, or for
        // article writes the store's own merge loop, then retried it).
        Assert.Equal(4, fired);
        var stored = await SnapshotAsync(app);
        Assert.Equal(await BaselineAsync(), stored.Outcome);

        var rebuild = app.Services.GetRequiredService<DerivedRebuild>();
        var reindex = await rebuild.ReindexAsync(null, TestContext.Current.CancellationToken);
        var recount = await rebuild.RecountAsync(null, TestContext.Current.CancellationToken);

        Assert.Equal((0, 0, 0), (reindex.Missing, reindex.Stale, reindex.Extra));
        Assert.Equal((0, 0), (recount.DriftCells, recount.MembersFixed));
        Assert.Equal(stored, await SnapshotAsync(app));
    }

    // 20 dumps: each a main article and its own related item, all naming one shared article; one main body long
    // enough for blob storage.
    private static List<(string Name, string Content)> Upload()
    {
        var dumps = new List<(string, string)>();
        for (var i = 0; i < 20; i++)
        {
            var body = i == 7 ? string.Concat(Enumerable.Repeat("职工医保个人账户可以家庭共济，配偶父母子女均可使用。", 6_000)) : $"按当地规定办理。第{i}篇。";
            dumps.Add(($"fault-{i:D2}.txt", TestDumps.Page($"江西萍乡职工医保门诊怎么报销（{i}）", body,
                new TestDumps.Related($"萍乡医保卡丢了怎么补办（{i}）", $"带身份证到社保经办机构补办。第{i}篇。", $"2026-10-{i + 1:D2}"),
                new TestDumps.Related(Shared, i % 3 == 0 ? "在国家医保服务平台绑定家人，绑定后可共用个人账户。" : "在国家医保服务平台绑定家人。", $"2026-11-{i % 5 + 1:D2}"))));
        }

        return dumps;
    }

    private static readonly SemaphoreSlim BaselineGate = new(1, 1);
    private static Outcome? baseline;

    // The same upload without a failure, once per test run.
    private async Task<Outcome> BaselineAsync()
    {
        await BaselineGate.WaitAsync();
        try
        {
            if (baseline is null)
            {
                await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
                await Task.WhenAll(Upload().Select(d => app.UploadAsync(d.Name, d.Content)));
                await app.TriggerAsync();
                baseline = (await SnapshotAsync(app)).Outcome;
            }

            return baseline;
        }
        finally
        {
            BaselineGate.Release();
        }
    }

    /// <summary>What clients and analysts can see, as text: articles, sightings and records (Outcome), index and statistics rows.</summary>
    private sealed record Snapshot(Outcome Outcome, string Index, string Stats);

    private sealed record Outcome(string Articles, string Sightings, string Records);

    private static async Task<Snapshot> SnapshotAsync(MedInsureApplication app)
    {
        var options = app.Storage.Options;
        var articles = (await app.AllArticlesAsync())
            .Select(a => string.Join('\t', a.RowKey, a.GetString("Title"), a.GetInt32("BodyLength"), a.GetBoolean("IsFullText"), a.GetString("ShortAnswer"),
                a.GetString("Date"), a.GetString("Topic"), a.GetString("RegionCode"), a.GetString("Flags")))
            .Order(StringComparer.Ordinal);
        var sightings = (await RowsAsync(app.Storage.Table(options.SourcesTable))).Select(r => $"{r.RowKey}\t{r.GetString("Dump")}\t{r.GetInt32("Position")}").Order(StringComparer.Ordinal);
        var records = (await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions?limit=100")).GetProperty("items").EnumerateArray()
            .Select(r => string.Join('\t', r.GetProperty("dump").GetString(), r.GetProperty("status").GetString(), r.GetProperty("articles").GetInt32()))
            .Order(StringComparer.Ordinal);
        var index = new List<string>();
        for (var shard = 0; shard < MedInsure.Articles.Queries.ArticleIndex.Shards; shard++)
        {
            index.AddRange((await RowsAsync(app.Storage.IndexShard(shard))).Select(Describe));
        }

        var stats = (await RowsAsync(app.Storage.Table(options.StatsTable))).Select(r => Describe(r).Replace($"\tVersion={r.GetInt64("Version")}", "", StringComparison.Ordinal));
        return new Snapshot(
            new Outcome(string.Join('\n', articles), string.Join('\n', sightings), string.Join('\n', records)),
            string.Join('\n', index.Order(StringComparer.Ordinal)),
            string.Join('\n', stats.Order(StringComparer.Ordinal)));
    }

    private static async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    // A row's keys and content, without the service's bookkeeping.
    private static string Describe(TableEntity row) => string.Join('\t', new[] { row.PartitionKey, row.RowKey }.Concat(
        row.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}")));
}
