using System.Globalization;
using System.Text.Json.Serialization;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Stats;

public enum StatsPeriod
{
    None,
    Day,
    Month,
    Year,
}

/// <summary>A validated statistics request: grouping, region level and filters.</summary>
public sealed record StatsQuery
{
    public const string AnyFlag = "any";

    public bool ByTopic { get; init; }
    public bool ByRegion { get; init; }
    public StatsPeriod Period { get; init; }
    public RegionLevel Level { get; init; } = RegionLevel.Province;
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    public IReadOnlySet<string>? Topics { get; init; }
    public string? Region { get; init; }

    /// <summary>Count only articles with this flag code ("any": with any flag).</summary>
    public string? Flag { get; init; }

    public IReadOnlyList<string> By => [.. new[] { ByTopic ? "topic" : null, ByRegion ? "region" : null, Period == StatsPeriod.None ? null : Period.ToString().ToLowerInvariant() }.OfType<string>()];

    /// <summary>Parses the query string values; the error names the parameter and why.</summary>
    public static bool TryParse(string? by, string? level, string? from, string? to, string? topic, string? region, string? flag,
        RegionGazetteer gazetteer, out StatsQuery query, out (string Parameter, string Detail) error)
    {
        query = new StatsQuery();
        error = default;
        foreach (var part in Split(by))
        {
            switch (part)
            {
                case "topic":
                    query = query with { ByTopic = true };
                    break;
                case "region":
                    query = query with { ByRegion = true };
                    break;
                case "day" or "month" or "year" when query.Period == StatsPeriod.None:
                    query = query with { Period = Enum.Parse<StatsPeriod>(part, ignoreCase: true) };
                    break;
                case "day" or "month" or "year":
                    error = ("by", "at most one of day, month, year");
                    return false;
                default:
                    error = ("by", $"'{part}' is not one of topic, region, day, month, year");
                    return false;
            }
        }

        switch (level)
        {
            case null or "" or "province":
                break;
            case "city":
                query = query with { Level = RegionLevel.City };
                break;
            case "county":
                query = query with { Level = RegionLevel.County };
                break;
            default:
                error = ("level", "must be province, city or county");
                return false;
        }

        if (!TryParseDate(from, first: true, out var fromDate))
        {
            error = ("from", "must be a date yyyy-MM-dd or a month yyyy-MM");
            return false;
        }

        if (!TryParseDate(to, first: false, out var toDate))
        {
            error = ("to", "must be a date yyyy-MM-dd or a month yyyy-MM");
            return false;
        }

        if (fromDate > toDate)
        {
            error = ("to", "must not be before from");
            return false;
        }

        query = query with { From = fromDate, To = toDate };
        var topics = Split(topic).ToHashSet(StringComparer.Ordinal);
        if (topics.FirstOrDefault(t => !MedInsure.Tagging.Topics.Codes.Contains(t)) is { } unknown)
        {
            error = ("topic", $"'{unknown}' is not a topic code ({string.Join(", ", MedInsure.Tagging.Topics.Codes)})");
            return false;
        }

        query = query with { Topics = topics.Count == 0 ? null : topics };
        if (!string.IsNullOrEmpty(region))
        {
            var code = region == RegionTag.Nationwide.Code ? region : gazetteer.Find(region)?.Code;
            if (code is null)
            {
                error = ("region", $"'{region}' is not a GB/T 2260 division code (e.g. 360000, 360300, or 000000 for nationwide)");
                return false;
            }

            query = query with { Region = code };
        }

        if (!string.IsNullOrEmpty(flag))
        {
            if (flag.Length > 64 || !flag.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                error = ("flag", "must be a flag code (lower-case letters, digits and '-') or 'any'");
                return false;
            }

            query = query with { Flag = flag };
        }

        return true;
    }

    /// <summary>The coarsest tier that answers this query exactly.</summary>
    public StatsTier Tier(RegionGazetteer gazetteer)
    {
        var monthAligned = (From is not { } f || f.Day == 1) && (To is not { } t || t.AddDays(1).Day == 1);
        if (Period == StatsPeriod.Day || !monthAligned)
        {
            return StatsTier.Day;
        }

        var provinceGrain = (!ByRegion || Level == RegionLevel.Province)
            && (Region is null || Region == RegionTag.Nationwide.Code || gazetteer.Find(Region)?.Level == RegionLevel.Province);
        return provinceGrain ? StatsTier.ProvinceMonth : StatsTier.Month;
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant());

    private static bool TryParseDate(string? value, bool first, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            date = day;
            return true;
        }

        if (DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            date = first ? month : month.AddMonths(1).AddDays(-1);
            return true;
        }

        return false;
    }
}

/// <summary>One group of the result. Only the keys the request grouped by are present.</summary>
public sealed record StatsRow(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Topic,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TopicName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RegionName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Period,
    long Articles,
    long Flagged);

public sealed record StatsTotals(long Articles, long Flagged);

/// <summary>The JSON shape of GET /api/stats.</summary>
public sealed record StatsResult(
    IReadOnlyList<string> By,
    string? Level,
    string? From,
    string? To,
    IReadOnlyList<StatsRow> Rows,
    StatsTotals Totals,
    [property: JsonPropertyName("cellsRead")] int CellsRead);

/// <summary>Rolls aggregate cells (or per-article cells) up into the requested groups. Pure: no I/O.</summary>
public static class StatsRollup
{
    public const string UndatedPeriod = "none";

    public static StatsResult Rollup(IEnumerable<StatsCell> cells, StatsQuery query, RegionGazetteer gazetteer)
    {
        var regionMatch = new Dictionary<string, bool>(StringComparer.Ordinal);
        var regionGroup = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new Dictionary<(string? Topic, string? Region, string? Period), (long Articles, long Flagged)>();
        var read = 0;
        foreach (var cell in cells)
        {
            read++;
            if (query.From is { } from && (cell.Date is not { } d1 || d1 < from))
            {
                continue;
            }

            if (query.To is { } to && (cell.Date is not { } d2 || d2 > to))
            {
                continue;
            }

            if (query.Topics is { } topics && !topics.Contains(cell.Topic))
            {
                continue;
            }

            if (query.Region is { } region)
            {
                if (!regionMatch.TryGetValue(cell.Region, out var inside))
                {
                    regionMatch[cell.Region] = inside = cell.Region == region
                        || (region != RegionTag.Nationwide.Code && gazetteer.IsSelfOrDescendant(cell.Region, region));
                }

                if (!inside)
                {
                    continue;
                }
            }

            string? regionKey = null;
            if (query.ByRegion && !regionGroup.TryGetValue(cell.Region, out regionKey))
            {
                regionGroup[cell.Region] = regionKey = AtLevel(cell.Region, query.Level, gazetteer);
            }

            var key = (query.ByTopic ? cell.Topic : null, regionKey, PeriodOf(cell.Date, query.Period));
            var sum = groups.GetValueOrDefault(key);
            groups[key] = (sum.Articles + cell.Articles, sum.Flagged + cell.Flagged);
        }

        var topicOrder = Topics.All.Select((t, i) => (t.Code, i)).ToDictionary(x => x.Code, x => x.i, StringComparer.Ordinal);
        var rows = groups
            .Where(g => g.Value.Articles != 0)
            .OrderBy(g => g.Key.Period is null or UndatedPeriod ? 1 : 0).ThenBy(g => g.Key.Period, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Topic is null ? -1 : topicOrder.GetValueOrDefault(g.Key.Topic, int.MaxValue)).ThenBy(g => g.Key.Topic, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Region, StringComparer.Ordinal)
            .Select(g => new StatsRow(
                g.Key.Topic,
                g.Key.Topic is null ? null : Topics.Find(g.Key.Topic)?.Name ?? g.Key.Topic,
                g.Key.Region,
                g.Key.Region is null ? null : RegionName(g.Key.Region, gazetteer),
                g.Key.Period,
                g.Value.Articles,
                g.Value.Flagged))
            .ToList();
        return new StatsResult(
            query.By,
            query.ByRegion ? query.Level.ToString().ToLowerInvariant() : null,
            query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            rows,
            new StatsTotals(rows.Sum(r => r.Articles), rows.Sum(r => r.Flagged)),
            read);
    }

    /// <summary>The group a region code falls in at a level; an article tagged only at a coarser level stays at its own code.</summary>
    public static string AtLevel(string code, RegionLevel level, RegionGazetteer gazetteer)
    {
        if (gazetteer.ToTag(code) is not { } tag || tag.IsNationwide)
        {
            return code;
        }

        return level switch
        {
            RegionLevel.Province => tag.ProvinceCode ?? tag.Code,
            RegionLevel.City => tag.CityCode ?? tag.ProvinceCode ?? tag.Code,
            _ => tag.CountyCode ?? tag.CityCode ?? tag.ProvinceCode ?? tag.Code,
        };
    }

    public static string RegionName(string code, RegionGazetteer gazetteer) =>
        code == RegionTag.Nationwide.Code ? RegionTag.Nationwide.Name : gazetteer.Find(code)?.Name ?? code;

    private static string? PeriodOf(DateOnly? date, StatsPeriod period) => (period, date) switch
    {
        (StatsPeriod.None, _) => null,
        (_, null) => UndatedPeriod,
        (StatsPeriod.Day, { } d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        (StatsPeriod.Month, { } d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        (_, { } d) => d.ToString("yyyy", CultureInfo.InvariantCulture),
    };
}
