using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// Maps <see cref="StoredArticle"/> to a table entity. Long strings are split across numbered properties because a
/// string property holds at most 64 KiB (32K UTF-16 chars); the whole entity stays under 1 MiB.
/// </summary>
public static class ArticleEntityMapper
{
    public const int ChunkChars = 30_000;

    /// <summary>Longest body kept in the entity itself (4 chunks); longer bodies go to blob storage.</summary>
    public const int MaxInlineBodyChars = 4 * ChunkChars;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TableEntity ToEntity(StoredArticle article, string? bodyBlob = null)
    {
        var entity = new TableEntity(ArticleIdentity.PartitionFor(article.Id), article.Id)
        {
            ["Title"] = article.Title,
            ["ShortAnswer"] = article.ShortAnswer,
            ["BodyLength"] = article.Body.Length,
            ["BodyBlob"] = bodyBlob,
            ["IsFullText"] = article.IsFullText,
            ["Category"] = article.Category,
            ["Date"] = article.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Topic"] = article.Tags.Topic,
            ["TopicScore"] = article.Tags.TopicScore,
            ["TopicLowConfidence"] = article.Tags.TopicLowConfidence,
            ["ModelVersion"] = article.Tags.ModelVersion,
            ["RegionCode"] = article.Tags.RegionCode,
            ["RegionName"] = article.Tags.RegionName,
            ["ProvinceCode"] = article.Tags.ProvinceCode,
            ["CityCode"] = article.Tags.CityCode,
            ["CountyCode"] = article.Tags.CountyCode,
            ["OtherRegions"] = string.Join(',', article.Tags.OtherRegions),
            ["Flags"] = JsonSerializer.Serialize(article.Flags, Json),
            ["FirstSeenAt"] = article.FirstSeenAt,
            ["UpdatedAt"] = article.UpdatedAt,
            ["CreatedBy"] = article.CreatedBy,
            ["UpdatedBy"] = article.UpdatedBy,
            ["Version"] = article.Version,
            ["PriorDerived"] = article.PriorDerived.Count == 0 ? null : JsonSerializer.Serialize(article.PriorDerived, Json),
        };

        WriteChunks(entity, "Body", bodyBlob is null ? article.Body : Preview(article.Body), 4);
        return entity;
    }

    /// <summary>Reads an entity back. When the body lives in a blob, <paramref name="body"/> supplies it.</summary>
    public static StoredArticle FromEntity(TableEntity entity, string? body = null)
    {
        var date = entity.GetString("Date");
        return new StoredArticle
        {
            Id = entity.RowKey,
            Title = entity.GetString("Title") ?? "",
            ShortAnswer = entity.GetString("ShortAnswer"),
            Body = body ?? ReadChunks(entity, "Body"),
            IsFullText = entity.GetBoolean("IsFullText") ?? false,
            Category = entity.GetString("Category"),
            Date = date is null ? null : DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Tags = new ArticleTags(
                entity.GetString("Topic") ?? "other",
                entity.GetDouble("TopicScore") ?? 0,
                entity.GetBoolean("TopicLowConfidence") ?? true,
                entity.GetString("ModelVersion") ?? "",
                entity.GetString("RegionCode") ?? "000000",
                entity.GetString("RegionName") ?? "全国",
                entity.GetString("ProvinceCode"),
                entity.GetString("CityCode"),
                entity.GetString("CountyCode"),
                (entity.GetString("OtherRegions") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)),
            Flags = JsonSerializer.Deserialize<List<ArticleFlag>>(entity.GetString("Flags") ?? "[]", Json) ?? [],
            FirstSeenAt = entity.GetDateTimeOffset("FirstSeenAt") ?? DateTimeOffset.MinValue,
            UpdatedAt = entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            CreatedBy = entity.GetString("CreatedBy") ?? "",
            UpdatedBy = entity.GetString("UpdatedBy") ?? "",
            Version = entity.GetInt64("Version") ?? 0,
            PriorDerived = entity.GetString("PriorDerived") is { } prior ? JsonSerializer.Deserialize<List<DerivedState>>(prior, Json) ?? [] : [],
        };
    }

    public static string? BodyBlobOf(TableEntity entity) => entity.GetString("BodyBlob");

    public static bool NeedsBlob(StoredArticle article) => article.Body.Length > MaxInlineBodyChars;

    private static string Preview(string body) => body[..Math.Min(body.Length, 2_000)];

    private static void WriteChunks(TableEntity entity, string name, string value, int maxChunks)
    {
        var chunks = (value.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > maxChunks)
        {
            throw new InvalidOperationException($"{name} needs {chunks} chunks of {ChunkChars} characters; at most {maxChunks} fit in one entity.");
        }

        // Writes always replace the whole entity, so chunks a shorter value no longer needs simply disappear.
        for (var i = 0; i < Math.Max(chunks, 1); i++)
        {
            var start = i * ChunkChars;
            entity[i == 0 ? name : $"{name}_{i}"] = value.Substring(start, Math.Min(ChunkChars, value.Length - start));
        }
    }

    private static string ReadChunks(TableEntity entity, string name)
    {
        var first = entity.GetString(name) ?? "";
        if (entity.GetString($"{name}_1") is null)
        {
            return first;
        }

        var builder = new System.Text.StringBuilder(first);
        for (var i = 1; entity.GetString($"{name}_{i}") is { } chunk; i++)
        {
            builder.Append(chunk);
        }

        return builder.ToString();
    }
}
