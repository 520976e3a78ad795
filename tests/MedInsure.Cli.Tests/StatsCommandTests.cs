using MedInsure.Articles.Stats;
using MedInsure.Tagging.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Tests;

public sealed class StatsCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cli-stats-");
    private readonly IReadOnlyDictionary<string, string?> store = azurite.NewStore();

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task ExportWritesTheStatsCsvAndSaysWhatItCounted()
    {
        await IngestAsync("stats-export.txt", TestDumps.Simple("S1"));
        var output = Path.Combine(folder.FullName, "out", "by-topic.csv");

        var run = await CommandLine.RunAsync(store, "stats", "export", "--by", "topic,region", "--level", "province", "--out", output, "--totals");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Matches(@"^stats: \d+ groups, 3 articles \(0 flagged\) from \d+ aggregate cells → ", run.Stdout);
        var bytes = await File.ReadAllBytesAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(await ExpectedCsvAsync("topic,region", "province"), bytes);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("\uFEFFtopic,topic_name,region,region_name,articles,flagged", text, StringComparison.Ordinal);
        Assert.Contains("total,,,,3,0", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportToAJsonFileWritesTheResultAsJson()
    {
        await IngestAsync("stats-json.txt", TestDumps.Simple("S2"));
        var output = Path.Combine(folder.FullName, "total.json");

        var run = await CommandLine.RunAsync(store, "stats", "export", "--out", output);

        Assert.Equal(0, run.Code);
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(3, json.GetProperty("totals").GetProperty("articles").GetInt64());
    }

    [Fact]
    public async Task ExportRefusesAnUnknownGroupAsAUsageError()
    {
        var run = await CommandLine.RunAsync(store, "stats", "export", "--by", "colour", "--out", Path.Combine(folder.FullName, "x.csv"));

        Assert.Equal(2, run.Code);
        Assert.StartsWith("stats export: --by: 'colour'", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("       stats export --out FILE", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.FullName, "x.csv")));
    }

    [Fact]
    public async Task RecountReportsTheArticlesAndNoDriftWhenTheAggregatesAreExact()
    {
        await IngestAsync("stats-recount.txt", TestDumps.Simple("S3"));

        var run = await CommandLine.RunAsync(store, "stats", "recount");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Matches(@"^recount: 3 articles, \d+ cells, 0 drifted, 0 member rows repaired$", run.Stdout.TrimEnd());
    }

    private async Task IngestAsync(string name, string content)
    {
        var path = Path.Combine(folder.FullName, name);
        await File.WriteAllTextAsync(path, content, TestContext.Current.CancellationToken);
        Assert.Equal(0, (await CommandLine.RunAsync(store, "ingest", path)).Code);
    }

    // What GET /api/stats?format=csv serves: the same query and CSV writer over the same aggregates.
    private async Task<byte[]> ExpectedCsvAsync(string by, string level)
    {
        await using var services = CommandServices.Build(store);
        Assert.True(StatsQuery.TryParse(by, level, null, null, null, null, null, services.GetRequiredService<Lazy<RegionGazetteer>>().Value, out var query, out _));
        var result = await services.GetRequiredService<StatsService>().QueryAsync(query, TestContext.Current.CancellationToken);
        return StatsService.ToCsv(query, result, totals: true);
    }
}
