using System.Globalization;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Articles.Stats;

/// <summary>Runs a statistics query over the aggregates (the path behind GET /api/stats and `stats export`) and renders CSV.</summary>
public sealed class StatsService(StatsStore store)
{
    public StatsStore Store => store;

    public async Task<StatsResult> QueryAsync(StatsQuery query, CancellationToken cancellationToken)
    {
        var tier = query.Tier(store.Gazetteer);
        var cells = await store.ReadAsync(tier, query.From, query.To, query.Flag, cancellationToken);
        return StatsRollup.Rollup(cells, query, store.Gazetteer);
    }

    /// <summary>The same numbers from a scan of every article: what the aggregates save (benchmark baseline and checks).</summary>
    public async Task<StatsResult> QueryByScanAsync(ArticleStore articles, StatsQuery query, CancellationToken cancellationToken)
    {
        var cells = new List<StatsCell>();
        await foreach (var article in articles.ScanAsync(cancellationToken))
        {
            if (StatsCell.FromArticle(article, query.Flag) is { } cell)
            {
                cells.Add(cell);
            }
        }

        return StatsRollup.Rollup(cells, query, store.Gazetteer);
    }

    /// <summary>Column names, in this order, for the groups present: topic, topic_name, region, region_name, period, then articles, flagged.</summary>
    public static IReadOnlyList<string> CsvHeader(StatsQuery query) =>
    [
        .. query.ByTopic ? new[] { "topic", "topic_name" } : [],
        .. query.ByRegion ? new[] { "region", "region_name" } : [],
        .. query.Period != StatsPeriod.None ? new[] { "period" } : [],
        "articles",
        "flagged",
    ];

    public static byte[] ToCsv(StatsQuery query, StatsResult result, bool totals)
    {
        var header = CsvHeader(query);
        var rows = result.Rows.Select(r => (IReadOnlyList<string>)
        [
            .. query.ByTopic ? new[] { r.Topic ?? "", r.TopicName ?? "" } : [],
            .. query.ByRegion ? new[] { r.Region ?? "", r.RegionName ?? "" } : [],
            .. query.Period != StatsPeriod.None ? new[] { r.Period ?? "" } : [],
            Num(r.Articles),
            Num(r.Flagged),
        ]).ToList();
        if (totals)
        {
            var keys = header.Count - 2;
            var total = Enumerable.Repeat("", keys).ToList();
            if (keys > 0)
            {
                total[0] = "total";
            }

            rows.Add([.. total, Num(result.Totals.Articles), Num(result.Totals.Flagged)]);
        }

        return CsvWriter.Write(header, rows);
    }

    public static string FileName(StatsQuery query, DateTimeOffset now, string extension) =>
        $"medinsure-stats-{(query.By.Count == 0 ? "total" : string.Join('-', query.By))}-{now:yyyyMMdd}.{extension}";

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Keeps the stats aggregates in step with every article write.</summary>
internal sealed class StatsObserver(StatsStore store) : IArticleChangeObserver
{
    public Task OnArticleChangedAsync(StoredArticle? before, StoredArticle after, CancellationToken cancellationToken) =>
        store.ApplyAsync(before, after, cancellationToken);
}
