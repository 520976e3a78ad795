using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Functions.Tests.Articles;

public sealed class ArticleSourcesTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Title = "职工医保个人账户可以家庭共济吗";

    [Fact]
    public async Task AnArticleSeenInTenThousandDumpsStillIngestsAndItsDetailPagesThroughEverySource()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("first.txt", TestDumps.Page(Title, "可以，绑定配偶、父母和子女后共用个人账户余额。"));
        await app.TriggerAsync();
        var id = ArticleIdentity.IdFor(Title);
        var entityBefore = Assert.Single(await app.AllArticlesAsync(), a => a.RowKey == id);

        // 9,999 earlier sightings, recorded through the store as the ingestions that made them would have.
        var store = new SightingStore(app.Storage);
        await using (store)
        {
            var seenAt = DateTimeOffset.UnixEpoch;
            await store.AddAsync(id, Enumerable.Range(1, 9_999).Select(i => new ArticleSource($"2026/12/第{i:D5}批.txt", i % 20, $"{i:x16}", seenAt)), Cancel);
        }

        await app.UploadAsync("ten-thousandth.txt", TestDumps.Page("灵活就业人员医保怎么交", "在社保网厅按年缴纳。",
            new TestDumps.Related(Title, "可以共济。", "2026-11-02")));
        await app.TriggerAsync();

        var record = (await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions", Cancel)).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("dump").GetString() == "ten-thousandth.txt");
        Assert.Equal("succeeded", record.GetProperty("status").GetString());
        var entityAfter = Assert.Single(await app.AllArticlesAsync(), a => a.RowKey == id);
        // The related item adds its category; nothing in the entity grows with the number of sightings.
        Assert.DoesNotContain(entityAfter.Keys, k => k.StartsWith("Source", StringComparison.Ordinal));
        Assert.InRange(MedInsure.Articles.Storage.TableLimits.EntityBytes(entityAfter), MedInsure.Articles.Storage.TableLimits.EntityBytes(entityBefore), 4_096);

        var client = app.CreateKeyedClient();
        var dumps = new List<string>();
        var pages = 0;
        for (string? token = null; ;)
        {
            var url = $"/api/articles/{id}?sourcesLimit=500" + (token is null ? "" : $"&sourcesContinuation={Uri.EscapeDataString(token)}");
            var detail = await client.GetFromJsonAsync<JsonElement>(url, Cancel);
            Assert.Equal(Title, detail.GetProperty("title").GetString());
            dumps.AddRange(detail.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("dump").GetString()!));
            pages++;
            if (detail.GetProperty("sourcesContinuation").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            token = detail.GetProperty("sourcesContinuation").GetString();
        }

        Assert.Equal(21, pages);
        Assert.Equal(10_001, dumps.Count);
        Assert.Equal(10_001, dumps.Distinct().Count());
        Assert.Contains("first.txt", dumps);
        Assert.Contains("ten-thousandth.txt", dumps);
    }

    [Fact]
    public async Task TheDetailShowsFiftySourcesByDefaultAndRefusesBadPagingParameters()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("a.txt", TestDumps.Page(Title, "可以共济。"));
        await app.UploadAsync("b.txt", TestDumps.Page("异地就医怎么备案", "在国家医保服务平台备案。"));
        await app.TriggerAsync();
        var id = ArticleIdentity.IdFor(Title);
        var other = ArticleIdentity.IdFor("异地就医怎么备案");
        await using (var store = new SightingStore(app.Storage))
        {
            await store.AddAsync(id, Enumerable.Range(1, 60).Select(i => new ArticleSource($"d{i}.txt", 0, "0000000000000000", DateTimeOffset.UnixEpoch)), Cancel);
            await store.AddAsync(other, Enumerable.Range(1, 60).Select(i => new ArticleSource($"d{i}.txt", 1, "0000000000000000", DateTimeOffset.UnixEpoch)), Cancel);
        }

        var client = app.CreateKeyedClient();
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}", Cancel);
        var token = first.GetProperty("sourcesContinuation").GetString()!;
        var otherToken = (await client.GetFromJsonAsync<JsonElement>($"/api/articles/{other}", Cancel)).GetProperty("sourcesContinuation").GetString()!;
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/articles/{id}?sourcesContinuation={Uri.EscapeDataString(token)}", Cancel);

        Assert.Equal(50, first.GetProperty("sources").GetArrayLength());
        Assert.Equal(11, second.GetProperty("sources").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("sourcesContinuation").ValueKind);
        Assert.Empty(first.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("dump").GetString())
            .Intersect(second.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("dump").GetString())));

        foreach (var (query, parameter) in new[]
        {
            ("sourcesLimit=0", "sourcesLimit"),
            ("sourcesLimit=501", "sourcesLimit"),
            ("sourcesLimit=many", "sourcesLimit"),
            ($"sourcesContinuation={Uri.EscapeDataString(otherToken)}", "sourcesContinuation"),
            ("sourcesContinuation=forged", "sourcesContinuation"),
        })
        {
            var response = await client.GetAsync($"/api/articles/{id}?{query}", Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(parameter, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("parameter").GetString());
        }
    }
}
