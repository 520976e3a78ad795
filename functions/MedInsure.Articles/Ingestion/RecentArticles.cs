using Azure;

namespace MedInsure.Articles.Ingestion;

/// <summary>An article as this process last wrote it: its state, where its long body lives, and the ETag of that write.</summary>
public sealed record WrittenArticle(StoredArticle Article, string? BodyBlob, ETag ETag)
{
    /// <summary>Rough size in characters, for the cache's budget: the texts plus about 64 per source.</summary>
    public long Size => Article.Body.Length + Article.Title.Length + (Article.ShortAnswer?.Length ?? 0) + 512;
}

/// <summary>
/// Articles this process wrote recently, so a dump repeating one merges into the state it knows instead of reading it
/// back. Only a hint: the write goes under the remembered ETag, so a row changed elsewhere is refused (412) and read.
/// Bounded by size in two generations, so articles in use survive a turnover and memory stays flat on long runs.
/// </summary>
public sealed class RecentArticles(long budgetChars)
{
    private readonly Lock gate = new();
    private Dictionary<string, WrittenArticle> current = new(StringComparer.Ordinal);
    private Dictionary<string, WrittenArticle> previous = new(StringComparer.Ordinal);
    private long currentSize;

    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WrittenArticle? article)
    {
        lock (gate)
        {
            return current.TryGetValue(id, out article) || previous.TryGetValue(id, out article);
        }
    }

    public void Remember(WrittenArticle article)
    {
        var size = article.Size;
        lock (gate)
        {
            Remove(article.Article.Id);
            // One article may take at most a 64th of the budget: a huge one would only push out many small ones.
            if (size > budgetChars / 64)
            {
                return;
            }

            current[article.Article.Id] = article;
            currentSize += size;
            if (currentSize > budgetChars / 2)
            {
                (previous, current, currentSize) = (current, new Dictionary<string, WrittenArticle>(StringComparer.Ordinal), 0);
            }
        }
    }

    public void Forget(string id)
    {
        lock (gate)
        {
            Remove(id);
        }
    }

    private void Remove(string id)
    {
        if (current.Remove(id, out var old))
        {
            currentSize -= old.Size;
        }

        previous.Remove(id);
    }
}
