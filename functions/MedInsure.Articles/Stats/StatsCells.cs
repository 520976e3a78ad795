using System.Globalization;
using System.Text;
using MedInsure.Articles.Ingestion;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;
using Azure.Data.Tables;

namespace MedInsure.Articles.Stats;

/// <summary>
/// The grains the stats table keeps. Every article counts once in each; a query reads the coarsest grain that can
/// answer it, so its cost follows the number of cells in that grain, never the number of articles.
/// </summary>
public enum StatsTier
{
    /// <summary>PartitionKey d{yyyy}, RowKey {yyyyMMdd}|{topic}|{finest region code}.</summary>
    Day,

    /// <summary>PartitionKey m{yyyy}, RowKey {yyyyMM}|{topic}|{finest region code}.</summary>
    Month,

    /// <summary>PartitionKey p{yyyy}, RowKey {yyyyMM}|{topic}|{province code}.</summary>
    ProvinceMonth,

    /// <summary>
    /// All time, for the topic and region counts of /api/topics and /api/regions: PartitionKey a{province code}
    /// (a000000 for nationwide articles), RowKey {finest region code}|{topic}. Partitioned by province, so no single
    /// partition takes every ingestion's writes.
    /// </summary>
    AllTime,
}

/// <summary>What one article contributes to the aggregates: its cell coordinates and flag codes (sorted, comma-joined).</summary>
public sealed record StatsContribution(DateOnly? Date, string Topic, string RegionCode, string FlagCodes)
{
    public bool Flagged => FlagCodes.Length > 0;

    public IEnumerable<string> Flags => FlagCodes.Length == 0 ? [] : FlagCodes.Split(',');

    public static StatsContribution Of(StoredArticle article) => Of(DerivedState.Of(article));

    public static StatsContribution Of(DerivedState state) => new(
        state.Date,
        state.Topic,
        string.IsNullOrEmpty(state.RegionCode) ? RegionTag.Nationwide.Code : state.RegionCode,
        state.FlagCodes);
}

/// <summary>Key layout and delta arithmetic for the stats table (see docs/storage.md, "stats").</summary>
public static class StatsKeys
{
    public const string Articles = "Articles";
    public const string Flagged = "Flagged";
    public const string FlagPrefix = "Flag_";
    public const string NoDate = "none";

    public static readonly StatsTier[] Tiers = [StatsTier.Day, StatsTier.Month, StatsTier.ProvinceMonth, StatsTier.AllTime];

    public static char PrefixOf(StatsTier tier) => tier switch
    {
        StatsTier.Day => 'd',
        StatsTier.Month => 'm',
        StatsTier.ProvinceMonth => 'p',
        _ => 'a',
    };

    /// <summary>A counter's value as stored: counters are written as Int64, and older Int32 values read the same.</summary>
    public static long Count(TableEntity entity, string name) => entity.GetInt64(name) ?? entity.GetInt32(name) ?? 0;

    /// <summary>Cells only: member rows (see <see cref="StatsWriter"/>) sort after every cell.</summary>
    public static string CellsOnly => TableClient.CreateQueryFilter($"RowKey lt {StatsWriter.MemberPrefix.ToString()}");

    // One partition per tier and year (not per month for days): an ingestion round's deltas then share few partitions,
    // so they travel in full transactions; a day-range read narrows by RowKey inside the year instead.
    public static string Partition(StatsTier tier, DateOnly? date) =>
        PrefixOf(tier) + (date is not { } d ? NoDate : d.ToString("yyyy", CultureInfo.InvariantCulture));

    public static string Row(StatsTier tier, DateOnly? date, string topic, string region) =>
        $"{(date is not { } d ? NoDate : d.ToString(tier == StatsTier.Day ? "yyyyMMdd" : "yyyyMM", CultureInfo.InvariantCulture))}|{topic}|{region}";

    /// <summary>Table property for a flag code: arithmetic-mismatch → Flag_arithmetic_mismatch.</summary>
    public static string FlagProperty(string code)
    {
        var name = new StringBuilder(FlagPrefix, FlagPrefix.Length + code.Length);
        foreach (var ch in code)
        {
            name.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '_');
        }

        return name.ToString();
    }

    /// <summary>Province of a region code; nationwide and unknown codes stay as they are.</summary>
    public static string ProvinceOf(string region, RegionGazetteer gazetteer) => gazetteer.ToTag(region)?.ProvinceCode ?? region;

    /// <summary>The cell of the all-time grain for an article's topic and finest region.</summary>
    public static (string PartitionKey, string RowKey) AllTimeCell(string topic, string region, RegionGazetteer gazetteer) =>
        (PrefixOf(StatsTier.AllTime) + ProvinceOf(region, gazetteer), $"{region}|{topic}");

    /// <summary>The cells one contribution counts in: one per tier.</summary>
    public static IEnumerable<(string PartitionKey, string RowKey)> CellKeys(StatsContribution c, RegionGazetteer gazetteer)
    {
        foreach (var tier in Tiers)
        {
            yield return tier == StatsTier.AllTime
                ? AllTimeCell(c.Topic, c.RegionCode, gazetteer)
                : (Partition(tier, c.Date), Row(tier, c.Date, c.Topic, tier == StatsTier.ProvinceMonth ? ProvinceOf(c.RegionCode, gazetteer) : c.RegionCode));
        }
    }

    /// <summary>The counts one contribution adds to each tier's cell.</summary>
    public static IEnumerable<(string PartitionKey, string RowKey, Dictionary<string, long> Counts)> Cells(StatsContribution c, RegionGazetteer gazetteer, long sign = 1) =>
        CellKeys(c, gazetteer).Select(cell => (cell.PartitionKey, cell.RowKey, StatsWriter.Contribution(c.FlagCodes, sign)));
}
