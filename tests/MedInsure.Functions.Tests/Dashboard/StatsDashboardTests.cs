using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MedInsure.Articles.Ingestion;
using MedInsure.Functions.Tests.Stats;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Functions.Tests.Dashboard;

public sealed class StatsDashboardTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DashboardChartsShowTheStatsFollowFiltersAndDownloadCsv()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var baseUrl = app.BaseAddress.ToString().TrimEnd('/');
        await app.UploadAsync("a.txt", StatsTestData.Dated("W1"));
        await app.UploadAsync("b.txt", StatsTestData.Dated("W2"));
        await app.UploadAsync("c.txt", TestDumps.Simple("W3"));
        await app.TriggerAsync();
        var flaggedArticle = (await app.AllArticlesAsync())[0];
        await app.Services.GetRequiredService<ArticleStore>().RetagAsync(flaggedArticle.RowKey,
            a => a with { Flags = [new ArticleFlag("arithmetic-mismatch", "<b>8400 × 8% ≠ 670</b>")] }, CancellationToken.None);
        var api = new HttpClient { BaseAddress = new Uri(baseUrl) };
        api.DefaultRequestHeaders.Add("x-functions-key", MedInsureApplication.FunctionKey);
        async Task<JsonElement> Stats(string query) => await api.GetFromJsonAsync<JsonElement>("/api/stats?" + query);
        var byTopic = await Stats("by=topic");
        var byProvince = await Stats("by=region&level=province");
        var byMonth = await Stats("by=month");

        await using var browser = await HeadlessChromium.StartAsync(1280, 1000);
        await browser.NavigateAsync($"{baseUrl}/api/dashboard?code={MedInsureApplication.FunctionKey}");
        await browser.WaitForAsync("window.__dashboard && window.__dashboard.ready && window.__dashboard.renders === 1", TimeSpan.FromSeconds(30));

        var shown = await ReadChartsAsync(browser);
        Assert.Equal(Rows(byTopic, "topicName", "articles"), shown.Topics);
        Assert.Equal(Rows(byProvince, "regionName", "articles").OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList(),
            shown.Provinces.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList());
        Assert.Equal(Rows(byMonth, "period", "articles").Select(p => KeyValuePair.Create(p.Key == "none" ? "无日期" : p.Key, p.Value)), shown.Months);
        Assert.Equal(Rows(byTopic, "topicName", "flagged").Where(p => p.Value > 0), shown.Flagged);
        Assert.Equal(byTopic.GetProperty("totals").GetProperty("articles").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), shown.TotalArticles);
        Assert.Equal("1", shown.TotalFlagged);

        var topic = byTopic.GetProperty("rows")[0].GetProperty("topic").GetString()!;
        await browser.EvaluateAsync($"(function () {{ var s = document.getElementById('topic'); s.value = '{topic}'; s.dispatchEvent(new Event('change')); }})()");
        await browser.WaitForAsync("window.__dashboard.ready && window.__dashboard.renders === 2", TimeSpan.FromSeconds(30));
        var filtered = await ReadChartsAsync(browser);
        var oneTopic = await Stats($"by=topic&topic={topic}");
        Assert.Equal(Rows(oneTopic, "topicName", "articles"), filtered.Topics);
        Assert.Single(filtered.Topics);
        Assert.Equal(Rows(await Stats($"by=region&level=province&topic={topic}"), "regionName", "articles").Sum(p => p.Value), filtered.Provinces.Sum(p => p.Value));
        Assert.True(filtered.Topics[0].Value < shown.Topics.Sum(p => p.Value));

        // The CSV behind the provinces chart, fetched the way its download button does (key in the header).
        var csv = await browser.EvaluateAsync("""
            (async function () {
              var r = await fetch('/api/stats?by=region&level=province&format=csv&totals=true&topic=' + document.getElementById('topic').value,
                { headers: { 'x-functions-key': window.__dashboard.key } });
              var bytes = new Uint8Array(await r.arrayBuffer());
              return { status: r.status, disposition: r.headers.get('content-disposition'), bom: Array.from(bytes.slice(0, 3)),
                       text: new TextDecoder().decode(bytes.slice(3)) };
            })()
            """);
        Assert.Equal(200, csv!["status"]!.GetValue<int>());
        Assert.StartsWith("attachment; filename=medinsure-stats-region-", csv["disposition"]!.GetValue<string>());
        Assert.Equal([0xEF, 0xBB, 0xBF], csv["bom"]!.AsArray().Select(b => b!.GetValue<int>()).ToArray());
        var lines = csv["text"]!.GetValue<string>().Split("\r\n");
        Assert.Equal("region,region_name,articles,flagged", lines[0]);
        Assert.Equal($"total,,{filtered.Topics[0].Value},", lines[^2][..(lines[^2].LastIndexOf(',') + 1)]);

        // And the button itself downloads a file.
        var downloads = Directory.CreateTempSubdirectory("medinsure-downloads-").FullName;
        await browser.SendAsync("Browser.setDownloadBehavior", new JsonObject { ["behavior"] = "allow", ["downloadPath"] = downloads });
        await browser.EvaluateAsync("document.querySelector('[data-chart=provinces] button[data-format=csv]').click()");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Directory.EnumerateFiles(downloads, "*.csv").Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var file = Assert.Single(Directory.EnumerateFiles(downloads, "*.csv"));
        var downloaded = await File.ReadAllBytesAsync(file);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, downloaded[..3]);
        Assert.StartsWith("region,region_name,articles,flagged\r\n", Encoding.UTF8.GetString(downloaded, 3, downloaded.Length - 3));
        Directory.Delete(downloads, recursive: true);

        // Stored text is never parsed as HTML: the flag detail above carried markup, and the page has no <b> from data.
        Assert.Equal(0, (await browser.EvaluateAsync("document.querySelectorAll('b').length"))!.GetValue<int>());

        await browser.EvaluateAsync("document.getElementById('reset').click()");
        await browser.WaitForAsync("window.__dashboard.ready && window.__dashboard.renders === 3", TimeSpan.FromSeconds(30));
        var artifacts = Path.Combine(RepoPaths.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "dashboard.png"), await browser.ScreenshotAsync());

        await browser.SetViewportAsync(390, 844, mobile: true);
        await browser.EvaluateAsync("window.dispatchEvent(new Event('resize'))");
        await Task.Delay(500);
        var phoneWidth = (await browser.EvaluateAsync("document.getElementById('chart-provinces').getBoundingClientRect().width"))!.GetValue<double>();
        Assert.InRange(phoneWidth, 200, 390);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "dashboard-phone.png"), await browser.ScreenshotAsync());
    }

    [Fact]
    public async Task DashboardPageAndChartLibraryAreServedWithoutAKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var client = app.CreateClient();

        var page = await client.GetAsync("/api/dashboard");
        var library = await client.GetAsync("/api/dashboard/echarts.min.js");
        var missing = await client.GetAsync("/api/dashboard/secrets.txt");
        var meta = await client.GetFromJsonAsync<JsonElement>("/api/dashboard/meta.json");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("/api/dashboard/echarts.min.js", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, library.StatusCode);
        Assert.Contains("echarts", await library.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Not found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal(14, meta.GetProperty("topics").GetArrayLength());
        Assert.Contains(meta.GetProperty("provinces").EnumerateArray(), p => p.GetProperty("name").GetString() == "江西省");
    }

    private static List<KeyValuePair<string, long>> Rows(JsonElement result, string key, string value) =>
        result.GetProperty("rows").EnumerateArray().Select(r => KeyValuePair.Create(r.GetProperty(key).GetString()!, r.GetProperty(value).GetInt64())).ToList();

    private sealed record Shown(
        List<KeyValuePair<string, long>> Topics,
        List<KeyValuePair<string, long>> Provinces,
        List<KeyValuePair<string, long>> Months,
        List<KeyValuePair<string, long>> Flagged,
        string TotalArticles,
        string TotalFlagged);

    /// <summary>What the charts draw, read back from ECharts itself.</summary>
    private static async Task<Shown> ReadChartsAsync(HeadlessChromium browser)
    {
        var shown = (await browser.EvaluateAsync("""
            (function () {
              var opt = function (id) { return echarts.getInstanceByDom(document.getElementById(id)).getOption(); };
              var pairs = function (names, values) { return names.map(function (n, i) { return [String(n), Number(values[i])]; }); };
              var pie = opt('chart-topics').series[0].data.map(function (d) { return [d.name, d.value]; });
              var p = opt('chart-provinces');
              var t = opt('chart-timeline');
              var months = t.xAxis[0].data.map(function (m, i) {
                return [m, t.series.reduce(function (sum, s) { return sum + s.data[i]; }, 0)];
              });
              var f = opt('chart-flagged');
              return { topics: pie, provinces: pairs(p.yAxis[0].data, p.series[0].data), months: months,
                       flagged: pairs(f.xAxis[0].data, f.series[0].data),
                       articles: document.getElementById('kpi-articles').textContent,
                       flaggedTotal: document.getElementById('kpi-flagged').textContent };
            })()
            """))!.AsObject();
        static List<KeyValuePair<string, long>> List(JsonNode node) =>
            node.AsArray().Select(p => KeyValuePair.Create(p![0]!.GetValue<string>(), (long)p[1]!.GetValue<double>())).ToList();
        return new Shown(List(shown["topics"]!), List(shown["provinces"]!), List(shown["months"]!), List(shown["flagged"]!),
            shown["articles"]!.GetValue<string>().Replace(",", "", StringComparison.Ordinal), shown["flaggedTotal"]!.GetValue<string>());
    }
}
