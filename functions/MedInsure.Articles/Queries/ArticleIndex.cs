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
    public static IReadOnlyList<string> RegionCodes(ArticleTags tags) => RegionCodes(tags.RegionCode, tags.ProvinceCode, tags.CityCode, tags.CountyCode);

    private static IReadOnlyList<string> RegionCodes(string region, string? province, string? city, string? county)
    {
        if (region == Nationwide || province is null)
        {
            return [Nationwide];
        }

        return new[] { province, city, county, region }.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
    }

    public static IReadOnlyList<string> Flags(StoredArticle article) => Flags(DerivedState.Of(article));

    private static IReadOnlyList<string> Flags(DerivedState state) =>
        [.. state.Flags.Concat(state.LowConfidence ? [LowConfidence] : []).Distinct(StringComparer.Ordinal)];

    /// <summary>Title as article ids see it (NFKC, no spaces or punctuation, lower case): keyword search matches on it.</summary>
    public static string NormalizeText(string text) => ArticleIdentity.NormalizeTitle(text);

    public static IEnumerable<string> Bigrams(string normalized)
    {
        for (var i = 0; i + 2 <= normalized.Length; i++)
        {
            yield return normalized.Substring(i, 2);
        }
    }

    public static IReadOnlyCollection<string> IndexKeys(StoredArticle article) => IndexKeys(DerivedState.Of(article), article.Title);

    /// <summary>The index keys of an article in one derived state (the bigrams come from its title, which never changes its id).</summary>
    public static IReadOnlyCollection<string> IndexKeys(DerivedState state, string title)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { All, TopicKey(state.Topic) };
        foreach (var code in RegionCodes(state.RegionCode, state.ProvinceCode, state.CityCode, state.CountyCode))
        {
            keys.Add(RegionKey(code));
            keys.Add(TopicRegionKey(state.Topic, code));
        }

        foreach (var flag in Flags(state))
        {
            keys.Add(FlagKey(flag));
        }

        foreach (var bigram in Bigrams(NormalizeText(title)))
        {
            keys.Add(BigramKey(bigram));
        }

        return keys;
    }

    /// <summary>Where an article's index rows stand in one derived state: (PartitionKey, RowKey) of each.</summary>
    public static IEnumerable<(string PartitionKey, string RowKey)> RowKeysFor(DerivedState state, string title, string id) =>
        IndexKeys(state, title).Select(key => (PartitionFor(key), RowKey(key, state.Date, id)));

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
                [VersionProperty] = article.Version,
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
    public static bool SameContent(TableEntity a, TableEntity b)
    {
        // A null property is not stored, so a row read back lacks the keys a built row holds with null; the service's
        // ETag and Timestamp are bookkeeping, not content.
        static IEnumerable<KeyValuePair<string, object>> Content(TableEntity e) =>
            e.Where(p => p.Value is not null && p.Key is not (VersionProperty or "odata.etag" or "Timestamp"));
        return Content(a).Count() == Content(b).Count() && Content(a).All(p => b.TryGetValue(p.Key, out var value) && Equals(p.Value, value));
    }

    /// <summary>The article version a row was made from; not part of its content, so a write that changes nothing listed leaves the row.</summary>
    public const string VersionProperty = "ArticleVersion";
}
