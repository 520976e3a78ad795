using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Azure.Data.Tables;
using MedInsure.Benchmarks.Support;
using MedInsure.Cli;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;
using MedInsure.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Benchmarks;

/// <summary>
/// Statistics export (issue #7): the /api/stats code path over the aggregates vs the same numbers from a scan of every
/// article, on a throw-away Azurite. Two aggregate sets with the same grid (2 years × 14 topics × 300 regions): one
/// carrying 1,000,000 articles, one rebuilt (recount) from 100,000 stored articles, to show the export does not grow
/// with the article count.
/// </summary>
internal static class StatsBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static async Task<int> Run(string[] args)
    {
        var storedArticles = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var n) ? n : 100_000;
        const long aggregatedArticles = 1_000_000;
        await using var azurite = await BenchAzurite.StartAsync();
        Console.WriteLine($"Azurite (in memory) on table port {azurite.TablePort}");

        await using var small = Open(azurite, "bsmall");
        await using var large = Open(azurite, "blarge");
        var gazetteer = small.GetRequiredService<Lazy<RegionGazetteer>>().Value;
        var regions = PickRegions(gazetteer, 300);
        var months = Enumerable.Range(0, 24).Select(i => new DateOnly(2025, 1, 1).AddMonths(i)).ToArray();
        var topics = Topics.All.Select(t => t.Code).ToArray();
        Console.WriteLine($"grid: {months.Length} months × {topics.Length} topics × {regions.Length} region codes = {months.Length * topics.Length * regions.Length:N0} month cells");

        // 100,000 stored articles, then their aggregates rebuilt by recount (all three grains, exactly as ingestion keeps them).
        var smallStorage = small.GetRequiredService<StorageProvisioner>();
        await smallStorage.EnsureAsync(CancellationToken.None);
        var watch = Stopwatch.StartNew();
        await WriteArticlesAsync(smallStorage, storedArticles, months, topics, regions);
        Console.WriteLine($"wrote {storedArticles:N0} article entities in {watch.Elapsed.TotalSeconds:0.0} s");
        var smallStore = new StatsStore(smallStorage, small.GetRequiredService<Lazy<RegionGazetteer>>());
        var articles = small.GetRequiredService<ArticleStore>();
        watch.Restart();
        var recount = await small.GetRequiredService<MedInsure.Articles.Rebuild.DerivedRebuild>().RecountAsync(null, CancellationToken.None);
        Console.WriteLine($"recount of {recount.Articles:N0} articles wrote {recount.Cells:N0} cells (all grains) in {watch.Elapsed.TotalSeconds:0.0} s");

        // 1,000,000 articles' worth of aggregates on the same grid, written directly (month and province-month grains).
        var largeStorage = large.GetRequiredService<StorageProvisioner>();
        await largeStorage.EnsureAsync(CancellationToken.None);
        watch.Restart();
        var largeCells = await WriteAggregatesAsync(largeStorage, gazetteer, aggregatedArticles, months, topics, regions);
        Console.WriteLine($"wrote {largeCells:N0} aggregate cells carrying {aggregatedArticles:N0} articles in {watch.Elapsed.TotalSeconds:0.0} s");
        var largeStore = new StatsStore(largeStorage, large.GetRequiredService<Lazy<RegionGazetteer>>());

        if (!StatsQuery.TryParse("topic,region", "province", null, null, null, null, null, gazetteer, out var query, out _)
            || !StatsQuery.TryParse("topic,region", "city", null, null, null, null, null, gazetteer, out var cityQuery, out _))
        {
            throw new InvalidOperationException("benchmark query did not parse");
        }

        var smallService = new StatsService(smallStore);
        var largeService = new StatsService(largeStore);
        Console.WriteLine();
        Console.WriteLine("export: by=topic,region (median of 5 runs, after one warm-up)");
        var (aggSmall, aggSmallJson, aggSmallCsv, smallResult) = await MeasureAsync(() => smallService.QueryAsync(query, CancellationToken.None), query);
        var (aggLarge, aggLargeJson, aggLargeCsv, largeResult) = await MeasureAsync(() => largeService.QueryAsync(query, CancellationToken.None), query);
        var (cityLarge, _, _, cityResult) = await MeasureAsync(() => largeService.QueryAsync(cityQuery, CancellationToken.None), cityQuery);
        var (scan, _, _, scanResult) = await MeasureAsync(() => smallService.QueryByScanAsync(articles, query, CancellationToken.None), query, runs: 3);

        var same = JsonSerializer.Serialize(scanResult.Rows, Json) == JsonSerializer.Serialize(smallResult.Rows, Json);
        Row($"aggregates, {storedArticles:N0} articles, level=province", aggSmall, aggSmallJson, aggSmallCsv, smallResult);
        Row($"aggregates, {aggregatedArticles:N0} articles, level=province", aggLarge, aggLargeJson, aggLargeCsv, largeResult);
        Row($"aggregates, {aggregatedArticles:N0} articles, level=city", cityLarge, 0, 0, cityResult);
        Row($"scan of {storedArticles:N0} stored articles", scan, 0, 0, scanResult);
        Console.WriteLine();
        Console.WriteLine($"scan / aggregates ({storedArticles:N0} articles): {scan / aggSmall:0.0}×; same rows as the scan: {same}");
        Console.WriteLine($"aggregates {aggregatedArticles:N0} vs {storedArticles:N0} articles: {aggLarge / aggSmall:0.00}× the time for {aggregatedArticles / (double)storedArticles:0}× the articles");
        Console.WriteLine($"target: export < 1 s → {(Math.Max(aggLarge + aggLargeCsv, aggLarge + aggLargeJson) < 1000 ? "met" : "NOT met")}");
        return same ? 0 : 1;
    }

    private static ServiceProvider Open(Azurite azurite, string prefix) => CommandServices.Build(new Dictionary<string, string?>
    {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Storage:NamePrefix"] = prefix,
    });

    private static void Row(string label, double queryMs, double jsonMs, double csvMs, StatsResult result) =>
        Console.WriteLine($"  {label,-46} {queryMs,9:0.0} ms query{(jsonMs > 0 ? $" +{jsonMs:0.0} ms json +{csvMs:0.0} ms csv" : ""),-28}  {result.CellsRead,9:N0} cells read  {result.Rows.Count,6:N0} rows  {result.Totals.Articles,11:N0} articles");

    private static async Task<(double Query, double Json, double Csv, StatsResult Result)> MeasureAsync(Func<Task<StatsResult>> run, StatsQuery query, int runs = 5)
    {
        var result = await run();
        var times = new List<(double, double, double)>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            result = await run();
            var q = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            _ = JsonSerializer.SerializeToUtf8Bytes(result, Json);
            var j = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            _ = StatsService.ToCsv(query, result, totals: true);
            times.Add((q, j, watch.Elapsed.TotalMilliseconds));
        }

        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        return (Median(times.Select(t => t.Item1)), Median(times.Select(t => t.Item2)), Median(times.Select(t => t.Item3)), result);
    }

    /// <summary>Region codes spread over every province: counties, cities and a few provinces, as the tagger produces.</summary>
    private static string[] PickRegions(RegionGazetteer gazetteer, int count)
    {
        var all = gazetteer.All.OrderBy(d => d.Code, StringComparer.Ordinal).ToArray();
        var step = Math.Max(1, all.Length / count);
        return all.Where((_, i) => i % step == 0).Take(count).Select(d => d.Code).ToArray();
    }

    private static async Task WriteArticlesAsync(StorageProvisioner storage, int count, DateOnly[] months, string[] topics, string[] regions)
    {
        var random = new Random(7);
        var table = storage.Table(storage.Options.ArticlesTable);
        var now = DateTimeOffset.UtcNow;
        var entities = new List<TableEntity>(count);
        for (var i = 0; i < count; i++)
        {
            var id = random.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
            var region = regions[random.Next(regions.Length)];
            var date = months[random.Next(months.Length)].AddDays(random.Next(28));
            var article = new StoredArticle
            {
                Id = id,
                Title = $"基准文章 {i}",
                Body = "职工医保个人账户每月划入金额为本人缴费基数的2%。",
                Date = date,
                Tags = new ArticleTags(topics[random.Next(topics.Length)], 0.9, false, "bench", region, region, null, null, null, []),
                Flags = random.Next(20) == 0 ? [new ArticleFlag("arithmetic-mismatch", "bench")] : [],
                FirstSeenAt = now,
                UpdatedAt = now,
                CreatedBy = "bench",
                UpdatedBy = "bench",
            };
            entities.Add(ArticleEntityMapper.ToEntity(article));
        }

        await SubmitAsync(table, entities);
    }

    private static async Task<int> WriteAggregatesAsync(StorageProvisioner storage, RegionGazetteer gazetteer, long total, DateOnly[] months, string[] topics, string[] regions)
    {
        var cells = months.Length * topics.Length * regions.Length;
        var perCell = total / cells;
        var remainder = total - perCell * cells;
        var monthCells = new List<TableEntity>(cells);
        var provinceCells = new Dictionary<(string, string), TableEntity>();
        var index = 0;
        foreach (var month in months)
        {
            foreach (var topic in topics)
            {
                foreach (var region in regions)
                {
                    var articles = perCell + (index++ < remainder ? 1 : 0);
                    var flagged = articles / 20;
                    monthCells.Add(Cell(StatsKeys.Partition(StatsTier.Month, month), StatsKeys.Row(StatsTier.Month, month, topic, region), articles, flagged));
                    var key = (StatsKeys.Partition(StatsTier.ProvinceMonth, month), StatsKeys.Row(StatsTier.ProvinceMonth, month, topic, StatsKeys.ProvinceOf(region, gazetteer)));
                    if (!provinceCells.TryGetValue(key, out var p))
                    {
                        provinceCells[key] = p = Cell(key.Item1, key.Item2, 0, 0);
                    }

                    p[StatsKeys.Articles] = (long)p[StatsKeys.Articles] + articles;
                    p[StatsKeys.Flagged] = (long)p[StatsKeys.Flagged] + flagged;
                    p[StatsKeys.FlagProperty("arithmetic-mismatch")] = p[StatsKeys.Flagged];
                }
            }
        }

        var table = storage.Table(storage.Options.StatsTable);
        await SubmitAsync(table, [.. monthCells, .. provinceCells.Values]);
        return monthCells.Count + provinceCells.Count;
    }

    private static TableEntity Cell(string pk, string rk, long articles, long flagged) => new(pk, rk)
    {
        [StatsKeys.Articles] = articles,
        [StatsKeys.Flagged] = flagged,
        [StatsKeys.FlagProperty("arithmetic-mismatch")] = flagged,
    };

    private static async Task SubmitAsync(TableClient table, IReadOnlyList<TableEntity> entities)
    {
        var batches = entities.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
    }
}
