using System.Globalization;
using System.Text;
using MedInsure.Articles.Ingestion;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Stats;

/// <summary>
/// The three grains the stats table keeps. Every article counts once in each; a query reads the coarsest grain that
/// can answer it, so its cost follows the number of cells in that grain, never the number of articles.
/// </summary>
public enum StatsTier
{
    /// <summary>PartitionKey d{yyyy}, RowKey {yyyyMMdd}|{topic}|{finest region code}.</summary>
    Day,

    /// <summary>PartitionKey m{yyyy}, RowKey {yyyyMM}|{topic}|{finest region code}.</summary>
    Month,

    /// <summary>PartitionKey p{yyyy}, RowKey {yyyyMM}|{topic}|{province code}.</summary>
    ProvinceMonth,
}

/// <summary>What one article contributes to the aggregates: its cell coordinates and flag codes (sorted, comma-joined).</summary>
public sealed record StatsContribution(DateOnly? Date, string Topic, string RegionCode, string FlagCodes)
{
    public bool Flagged => FlagCodes.Length > 0;

    public IEnumerable<string> Flags => FlagCodes.Length == 0 ? [] : FlagCodes.Split(',');

    public static StatsContribution Of(StoredArticle article) => new(
        article.Date,
        article.Tags.Topic,
        string.IsNullOrEmpty(article.Tags.RegionCode) ? RegionTag.Nationwide.Code : article.Tags.RegionCode,
        string.Join(',', article.Flags.Select(f => f.Code).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)));
}

/// <summary>A signed change to one aggregate row: property name (Articles, Flagged, Flag_*) → delta.</summary>
public sealed record StatsDelta(string PartitionKey, string RowKey, IReadOnlyDictionary<string, long> Changes);

/// <summary>Key layout and delta arithmetic for the stats table (see docs/storage.md, "stats").</summary>
public static class StatsKeys
{
    public const string Articles = "Articles";
    public const string Flagged = "Flagged";
    public const string FlagPrefix = "Flag_";
    public const string NoDate = "none";

    public static readonly StatsTier[] Tiers = [StatsTier.Day, StatsTier.Month, StatsTier.ProvinceMonth];

    public static char PrefixOf(StatsTier tier) => tier switch
    {
        StatsTier.Day => 'd',
        StatsTier.Month => 'm',
        _ => 'p',
    };

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

    /// <summary>The counts one contribution adds to each tier's cell.</summary>
    public static IEnumerable<(string PartitionKey, string RowKey, Dictionary<string, long> Counts)> Cells(StatsContribution c, RegionGazetteer gazetteer, long sign = 1)
    {
        foreach (var tier in Tiers)
        {
            var region = tier == StatsTier.ProvinceMonth ? ProvinceOf(c.RegionCode, gazetteer) : c.RegionCode;
            var counts = new Dictionary<string, long>(StringComparer.Ordinal) { [Articles] = sign, [Flagged] = c.Flagged ? sign : 0 };
            foreach (var flag in c.Flags)
            {
                counts[FlagProperty(flag)] = sign;
            }

            yield return (Partition(tier, c.Date), Row(tier, c.Date, c.Topic, region), counts);
        }
    }

    /// <summary>−1 on before's cells and +1 on after's; nothing when the article stays in the same cells with the same flags.</summary>
    public static IReadOnlyList<StatsDelta> Deltas(StoredArticle? before, StoredArticle after, RegionGazetteer gazetteer)
    {
        var next = StatsContribution.Of(after);
        var previous = before is null ? null : StatsContribution.Of(before);
        if (next == previous)
        {
            return [];
        }

        var merged = new Dictionary<(string, string), Dictionary<string, long>>();
        void Add(StatsContribution c, long sign)
        {
            foreach (var (pk, rk, counts) in Cells(c, gazetteer, sign))
            {
                if (!merged.TryGetValue((pk, rk), out var into))
                {
                    merged[(pk, rk)] = into = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                foreach (var (name, value) in counts)
                {
                    into[name] = into.GetValueOrDefault(name) + value;
                }
            }
        }

        if (previous is not null)
        {
            Add(previous, -1);
        }

        Add(next, +1);
        return merged
            .Select(kv => new StatsDelta(kv.Key.Item1, kv.Key.Item2, kv.Value.Where(c => c.Value != 0).ToDictionary(StringComparer.Ordinal)))
            .Where(d => d.Changes.Count > 0)
            .ToList();
    }
}
