using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Queries;

/// <summary>A validated list query: what the client asked for, normalised.</summary>
public sealed record ArticleFilter(
    IReadOnlyList<string> Topics,
    string? Region,
    RegionLevel? RegionLevel,
    DateOnly? From,
    DateOnly? To,
    string? Keyword,
    IReadOnlyList<string> Flags)
{
    /// <summary>Binds a continuation token to the query that issued it: a token replayed with other filters would skip or repeat rows.</summary>
    public string Fingerprint()
    {
        var canonical = string.Join('\u001f',
            string.Join(',', Topics.Order(StringComparer.Ordinal)),
            Region ?? "",
            From?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "",
            To?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "",
            Keyword ?? "",
            string.Join(',', Flags.Order(StringComparer.Ordinal)));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..16];
    }
}

/// <summary>
/// How a query is served: one RowKey range per index key (several keys are merged by date), an OData filter on the
/// covering columns for the filters the key does not cover, and for keywords a substring check on the title.
/// </summary>
public sealed record QueryPlan(string Shape, IReadOnlyList<string> IndexKeys, string? Residual, string? Keyword, DateOnly? From, DateOnly? To)
{
    /// <summary>The server-side filter for one index key, resuming after <paramref name="cursor"/> ("{invertedDate}|{id}") when paging.</summary>
    public string FilterFor(string indexKey, string? cursor)
    {
        var partition = ArticleIndex.PartitionFor(indexKey);
        var prefix = indexKey + ArticleIndex.Separator;
        var upper = From is { } from ? prefix + ArticleIndex.InvertedDate(from) + ArticleIndex.KeyEnd : indexKey + ArticleIndex.KeyEnd;
        var range = cursor is not null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {prefix + cursor} and RowKey lt {upper}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix + (To is { } to ? ArticleIndex.InvertedDate(to) : "")} and RowKey lt {upper}");
        return Residual is null ? range : $"{range} and ({Residual})";
    }
}

public static class ArticleQueryPlanner
{
    // Characters in nearly every title of this corpus: a bigram made of them selects little. Used to pick the rarest bigram of a keyword.
    private const string CommonChars = "医保社险缴费怎么多少的是什么有吗办理可以如何哪里报销个人账户卡养老金年月元市省区县一";

    public static QueryPlan Plan(ArticleFilter filter)
    {
        if (filter.Keyword is { } keyword)
        {
            var bigram = ArticleIndex.Bigrams(keyword)
                .Select((b, i) => (Bigram: b, Score: b.Count(c => CommonChars.Contains(c, StringComparison.Ordinal)), Position: i))
                .OrderBy(b => b.Score).ThenByDescending(b => b.Position).First().Bigram;
            return new("keyword", [ArticleIndex.BigramKey(bigram)], And(TopicFilter(filter.Topics), RegionFilter(filter), FlagFilter(filter.Flags)), keyword, filter.From, filter.To);
        }

        if (filter.Topics.Count > 0 && filter.Region is { } region)
        {
            return new("topic+region", [.. filter.Topics.Select(t => ArticleIndex.TopicRegionKey(t, region))], FlagFilter(filter.Flags), null, filter.From, filter.To);
        }

        if (filter.Region is { } only)
        {
            return new("region", [ArticleIndex.RegionKey(only)], FlagFilter(filter.Flags), null, filter.From, filter.To);
        }

        if (filter.Topics.Count > 0)
        {
            return new("topic", [.. filter.Topics.Select(ArticleIndex.TopicKey)], FlagFilter(filter.Flags), null, filter.From, filter.To);
        }

        if (filter.Flags.Count > 0)
        {
            return new("flag", [.. filter.Flags.Select(ArticleIndex.FlagKey)], null, null, filter.From, filter.To);
        }

        return new("all", [ArticleIndex.All], null, null, filter.From, filter.To);
    }

    private static string? And(params string?[] parts)
    {
        var present = parts.Where(p => p is not null).ToArray();
        return present.Length == 0 ? null : string.Join(" and ", present.Select(p => $"({p})"));
    }

    private static string? TopicFilter(IReadOnlyList<string> topics) =>
        topics.Count == 0 ? null : string.Join(" or ", topics.Select(t => TableClient.CreateQueryFilter($"Topic eq {t}")));

    private static string? RegionFilter(ArticleFilter filter) => filter.Region is not { } code
        ? null
        : code == ArticleIndex.Nationwide
            ? TableClient.CreateQueryFilter($"RegionCode eq {code}")
            : filter.RegionLevel switch
            {
                RegionLevel.Province => TableClient.CreateQueryFilter($"ProvinceCode eq {code}"),
                RegionLevel.City => TableClient.CreateQueryFilter($"CityCode eq {code}"),
                _ => TableClient.CreateQueryFilter($"CountyCode eq {code}"),
            };

    // Property names come only from the fixed flag list (validated before planning); the value still goes through CreateQueryFilter.
    private static string? FlagFilter(IReadOnlyList<string> flags) =>
        flags.Count == 0 ? null : string.Join(" or ", flags.Select(f =>
            TableClient.CreateQueryFilter(FormattableStringFactory.Create(ArticleIndex.FlagProperty(f) + " eq {0}", true))));
}
