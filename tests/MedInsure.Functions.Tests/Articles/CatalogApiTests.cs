using MedInsure.Articles.Queries;
using static MedInsure.Functions.Tests.Articles.ArticleCorpus;

namespace MedInsure.Functions.Tests.Articles;

public sealed class CatalogApiTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TopicsListTheTaxonomyWithArticleCounts()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var response = await client.GetAsync("/api/topics", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(MedInsure.Tagging.Topics.All.Select(t => t.Code), items.Select(i => i.GetProperty("code").GetString()));
        foreach (var item in items)
        {
            var code = item.GetProperty("code").GetString();
            Assert.Equal(stored.Count(a => a.Tags.Topic == code), item.GetProperty("articles").GetInt32());
        }

        var pension = items.Single(i => i.GetProperty("code").GetString() == "pension");
        Assert.Equal("养老金", pension.GetProperty("name").GetString());
        Assert.StartsWith("退休待遇", pension.GetProperty("description").GetString());
        Assert.Equal(9, items.Sum(i => i.GetProperty("articles").GetInt32()));
    }

    [Fact]
    public async Task RegionsListDivisionsUnderAParentWithRolledUpCounts()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await SeedAsync(app);
        var client = app.CreateKeyedClient();

        var provinces = await client.GetFromJsonAsync<JsonElement>("/api/regions", Cancel);
        var jiangxi = await client.GetFromJsonAsync<JsonElement>($"/api/regions?parent={Jiangxi}", Cancel);
        var pingxiang = await client.GetFromJsonAsync<JsonElement>($"/api/regions?parent={Pingxiang}", Cancel);
        var beijing = await client.GetFromJsonAsync<JsonElement>($"/api/regions?parent={Beijing}", Cancel);
        var bad = await client.GetAsync("/api/regions?parent=999999", Cancel);

        int Count(JsonElement list, string code) => list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code).GetProperty("articles").GetInt32();
        Assert.Equal(31, provinces.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, provinces.GetProperty("parent").ValueKind);
        Assert.Equal(2, provinces.GetProperty("nationwide").GetInt32());
        Assert.Equal(4, Count(provinces, Jiangxi));
        Assert.Equal(2, Count(provinces, Beijing));
        Assert.Equal(1, Count(provinces, "510000"));
        Assert.Equal(0, Count(provinces, "440000"));
        Assert.Equal("江西省", jiangxi.GetProperty("parent").GetProperty("name").GetString());
        Assert.Equal(3, Count(jiangxi, Pingxiang));
        Assert.Equal("city", jiangxi.GetProperty("items")[0].GetProperty("level").GetString());
        Assert.Equal(1, Count(pingxiang, Xiangdong));
        Assert.Equal(1, Count(beijing, Haidian));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("parent", (await bad.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("parameter").GetString());
    }

    [Fact]
    public async Task CountsFollowAnArticleWhoseTagsChange()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var article = stored.ByTitle("萍乡社保卡怎么激活");
        var target = MedInsure.Tagging.Topics.All.Select(t => t.Code).First(c => c != article.Tags.Topic);
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<MedInsure.Articles.Ingestion.ArticleStore>(app.Services);
        var client = app.CreateKeyedClient();
        var beforeTopics = await client.GetFromJsonAsync<JsonElement>("/api/topics", Cancel);

        await store.RetagAsync(article.Id, a => a with { Tags = a.Tags with { Topic = target, RegionCode = Beijing, RegionName = "北京市", ProvinceCode = Beijing, CityCode = Beijing, CountyCode = null } }, Cancel);
        var afterTopics = await client.GetFromJsonAsync<JsonElement>("/api/topics", Cancel);
        var provinces = await client.GetFromJsonAsync<JsonElement>("/api/regions", Cancel);
        var byTopic = await IdsAsync(client, $"topic={target}&region={Beijing}");
        var oldPlace = await IdsAsync(client, $"region={Pingxiang}");

        int Count(JsonElement list, string code) => list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code).GetProperty("articles").GetInt32();
        Assert.Equal(Count(beforeTopics, article.Tags.Topic) - 1, Count(afterTopics, article.Tags.Topic));
        Assert.Equal(Count(beforeTopics, target) + 1, Count(afterTopics, target));
        Assert.Equal(3, Count(provinces, Jiangxi));
        Assert.Equal(3, Count(provinces, Beijing));
        Assert.Contains(article.Id, byTopic);
        Assert.DoesNotContain(article.Id, oldPlace);
    }

    [Fact]
    public async Task HealthIsAnonymousAndReportsStorageReachable()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateClient().GetAsync("/api/health", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("reachable", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task HealthIsServiceUnavailableWithoutStorageDetailsWhenStorageIsDown()
    {
        var down = await Azurite.StartAsync();
        await down.StopAsync();
        await using var app = await MedInsureApplication.StartAsync(down);

        var response = await app.CreateClient().GetAsync("/api/health", Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal("Unhealthy", problem.GetProperty("title").GetString());
        Assert.Equal("Storage is not reachable.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("127.0.0.1", text);
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain(down.TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        Assert.DoesNotContain(down.TableProxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), text);
        await down.DisposeAsync();
    }

    [Fact]
    public async Task ProtectedRoutesNeedAFunctionKeyAndRevealNothingWithoutOne()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var stored = await SeedAsync(app);
        var anonymous = app.CreateClient();
        var wrongKey = app.CreateKeyedClient("wrong-key");
        var id = stored.ByTitle(MainTitle).Id;

        foreach (var url in new[] { "/api/articles", $"/api/articles/{id}", "/api/articles?q=社保", "/api/topics", "/api/regions", $"/api/regions?parent={Jiangxi}" })
        {
            foreach (var client in new[] { anonymous, wrongKey })
            {
                var response = await client.GetAsync(url, Cancel);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                var text = await response.Content.ReadAsStringAsync(Cancel);
                Assert.Equal("Unauthorized", JsonSerializer.Deserialize<JsonElement>(text).GetProperty("title").GetString());
                Assert.DoesNotContain("萍乡", text);
                Assert.DoesNotContain(id, text);
                Assert.Null(response.Headers.ETag);
            }
        }

        var byQuery = await anonymous.GetAsync($"/api/articles/{id}?code={MedInsureApplication.FunctionKey}", Cancel);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal(MainTitle, (await byQuery.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/health", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/docs/openapi.json", Cancel)).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheQueryApiAndTheFunctionKeyScheme()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateClient().GetAsync("/api/docs/openapi.json", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var doc = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/articles", "/api/articles/{id}", "/api/topics", "/api/regions", "/api/health" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.Contains("IngestDump", StringComparison.OrdinalIgnoreCase));
        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("apiKey", schemes.GetProperty("functionKey").GetProperty("type").GetString());
        Assert.Equal("header", schemes.GetProperty("functionKey").GetProperty("in").GetString());
        Assert.Equal("x-functions-key", schemes.GetProperty("functionKey").GetProperty("name").GetString());
        Assert.Equal("query", schemes.GetProperty("functionKeyQuery").GetProperty("in").GetString());
        Assert.Equal("code", schemes.GetProperty("functionKeyQuery").GetProperty("name").GetString());

        var list = paths.GetProperty("/api/articles").GetProperty("get");
        Assert.Equal("Articles, newest first, filtered and paged", list.GetProperty("summary").GetString());
        Assert.True(list.GetProperty("security")[0].TryGetProperty("functionKey", out _));
        var region = list.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "region");
        Assert.Equal("360300", region.GetProperty("example").GetString());
        Assert.Contains("000000 = nationwide", region.GetProperty("description").GetString());
        foreach (var status in new[] { "200", "400", "401" })
        {
            Assert.True(list.GetProperty("responses").TryGetProperty(status, out _), $"missing response {status}");
        }

        Assert.False(paths.GetProperty("/api/health").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task ReferencePageIsServedWithBundledAssetsAndNoCdn()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var client = app.CreateClient();

        var page = await client.GetAsync("/api/docs/", Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        var script = await client.GetAsync("/api/docs/scalar.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"url\":\"/api/docs/openapi.json\"", html);
        Assert.Contains("<script src=\"/api/docs/scalar.js\">", html);
        Assert.DoesNotContain("cdn.jsdelivr.net", html);
        Assert.DoesNotContain("fonts.scalar.com", html);
        Assert.DoesNotMatch("src=\"https?://", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync(Cancel)).Length > 100_000);
    }
}
