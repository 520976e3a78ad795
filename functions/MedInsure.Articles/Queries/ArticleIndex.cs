using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Queries;

/// <summary>
/// The layout of the <c>articleindex00</c>…<c>articleindex31</c> shard tables (docs/storage.md "articleindex"): one
/// covering row per article and index key, so every supported query is a RowKey range inside one partition of one
/// table. Pure: the observer, the query planner and the benchmarks' bulk loaders all build keys and rows here, so they
/// cannot disagree.
/// </summary>
public static class ArticleIndex
{
    public const int Shards = StorageOptions.ArticleIndexShards;

    public const string Nationwide = "000000";

    /// <summary>Count rows (table <c>articlecounts</c>) live in one partition: PK "count", RK "t|{topic}", "r|{parent}|{code}".</summary>
    public const string CountPartition = "count";

    /// <summary>Separates index key, inverted date and id in a RowKey; sorts after every character keys use but before <see cref="KeyEnd"/>.</summary>
    public const char Separator = '|';

    public const char KeyEnd = '}';

    /// <summary>Quality-flag codes the API accepts; <c>low-confidence</c> is derived from the topic tag.</summary>
    public static readonly IReadOnlyList<string> FlagCodes = ["arithmetic-mismatch", "sum-mismatch", "title-body-mismatch", LowConfidence];

    public const string LowConfidence = "low-confidence";

    public const int SummaryChars = 120;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string All => "all";

    public static string TopicKey(string topic) => $"t:{topic}";

    public static string RegionKey(string code) => $"r:{code}";

    public static string TopicRegionKey(string topic, string code) => $"tr:{topic}:{code}";

    public static string FlagKey(string flag) => $"f:{flag}";

    /// <summary>Bigrams are hex-encoded (UTF-16 units) so keys stay ASCII whatever the title holds.</summary>
    public static string BigramKey(string bigram) => "k:" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(bigram));

    /// <summary>FNV-1a of the key: stable across processes and runtimes (string.GetHashCode is randomised per process).</summary>
    public static int ShardOf(string indexKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(indexKey))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % Shards);
    }

    /// <summary>The one partition of a shard table: "s{shard:D2}".</summary>
    public static string PartitionFor(string indexKey) => PartitionOf(ShardOf(indexKey));

    public static string PartitionOf(int shard) => "s" + shard.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>The shard a row belongs to, from its PartitionKey ("s07" → 7).</summary>
    public static int ShardOfPartition(string partitionKey) => int.Parse(partitionKey.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>99999999 − yyyyMMdd, so ascending RowKeys are newest first; undated articles sort last.</summary>
    public static string InvertedDate(DateOnly? date) => date is { } d
        ? (99_999_999 - (d.Year * 10_000 + d.Month * 100 + d.Day)).ToString("D8", CultureInfo.InvariantCulture)
        : "99999999";

    public static string RowKey(string indexKey, DateOnly? date, string id) => $"{indexKey}{Separator}{InvertedDate(date)}{Separator}{id}";

    /// <summary>Region codes an article is found under: every level it was tagged with (a county article is also its city's and province's), or nationwide.</summary>
    public static IReadOnlyList<string> RegionCodes(ArticleTags tags)
    {
        if (tags.RegionCode == Nationwide || tags.ProvinceCode is null)
        {
            return [Nationwide];
        }

        return new[] { tags.ProvinceCode, tags.CityCode, tags.CountyCode, tags.RegionCode }
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    public static IReadOnlyList<string> Flags(StoredArticle article)
    {
        var codes = article.Flags.Select(f => f.Code).ToList();
        if (article.Tags.TopicLowConfidence)
        {
            codes.Add(LowConfidence);
        }

        return codes.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Title as article ids see it (NFKC, no spaces or punctuation, lower case): keyword search matches on it.</summary>
    public static string NormalizeText(string text) => ArticleIdentity.NormalizeTitle(text);

    public static IEnumerable<string> Bigrams(string normalized)
    {
        for (var i = 0; i + 2 <= normalized.Length; i++)
        {
            yield return normalized.Substring(i, 2);
        }
    }

    public static IReadOnlyCollection<string> IndexKeys(StoredArticle article)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { All, TopicKey(article.Tags.Topic) };
        foreach (var code in RegionCodes(article.Tags))
        {
            keys.Add(RegionKey(code));
            keys.Add(TopicRegionKey(article.Tags.Topic, code));
        }

        foreach (var flag in Flags(article))
        {
            keys.Add(FlagKey(flag));
        }

        foreach (var bigram in Bigrams(NormalizeText(article.Title)))
        {
            keys.Add(BigramKey(bigram));
        }

        return keys;
    }

    /// <summary>Property holding a flag as a boolean, for residual OData filters (flag codes carry '-', which names cannot).</summary>
    public static string FlagProperty(string flag) => "F_" + new string(flag.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    public static string Summary(string body)
    {
        var flat = string.Join(' ', body.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return flat.Length <= SummaryChars ? flat : flat[..SummaryChars];
    }

    /// <summary>Every index row of an article, each covering what a list item needs.</summary>
    public static IReadOnlyList<TableEntity> RowsFor(StoredArticle article)
    {
        var flags = Flags(article);
        var normalized = NormalizeText(article.Title);
        var summary = Summary(article.Body);
        var date = article.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var flagsJson = JsonSerializer.Serialize(flags, Json);
        var rows = new List<TableEntity>();
        foreach (var key in IndexKeys(article))
        {
            var row = new TableEntity(PartitionFor(key), RowKey(key, article.Date, article.Id))
            {
                ["Id"] = article.Id,
                ["Title"] = article.Title,
                ["NormTitle"] = normalized,
                ["ShortAnswer"] = article.ShortAnswer,
                ["Summary"] = summary,
                ["Topic"] = article.Tags.Topic,
                ["TopicScore"] = article.Tags.TopicScore,
                ["RegionCode"] = article.Tags.RegionCode,
                ["RegionName"] = article.Tags.RegionName,
                ["ProvinceCode"] = article.Tags.ProvinceCode,
                ["CityCode"] = article.Tags.CityCode,
                ["CountyCode"] = article.Tags.CountyCode,
                ["Date"] = date,
                ["Flags"] = flagsJson,
            };
            foreach (var flag in flags)
            {
                row[FlagProperty(flag)] = true;
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Whether two index rows with the same keys hold the same properties and values.</summary>
    public static bool SameContent(TableEntity a, TableEntity b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var value) && Equals(p.Value, value));

    /// <summary>Count rows an article contributes to: its topic and each region level it is found under.</summary>
    public static IEnumerable<string> CountKeys(StoredArticle article, Func<string, string?> parentOf)
    {
        yield return $"t{Separator}{article.Tags.Topic}";
        foreach (var code in RegionCodes(article.Tags))
        {
            yield return RegionCountKey(code == Nationwide ? "" : parentOf(code) ?? Nationwide, code);
        }
    }

    /// <summary>Children of one parent are one RowKey range: "r|{parent}|…". Nationwide articles count under "r||000000".</summary>
    public static string RegionCountKey(string parent, string code) => $"r{Separator}{parent}{Separator}{code}";
}
