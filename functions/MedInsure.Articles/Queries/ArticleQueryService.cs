using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Articles.Queries;

/// <summary>Runs a <see cref="QueryPlan"/> against the index shard tables; never touches the articles table.</summary>
public sealed class ArticleQueryService(StorageProvisioner storage)
{
    /// <summary>
    /// The next <paramref name="limit"/> rows after <paramref name="cursor"/>, newest first, and the cursor of the last
    /// one when more follow. Each key's range is read only as far as the page needs (limit + 1 matches), then the
    /// ranges are merged by (inverted date, id), the order every key's RowKeys share.
    /// </summary>
    public async Task<(IReadOnlyList<TableEntity> Rows, string? Next)> RunAsync(QueryPlan plan, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var ranges = await Task.WhenAll(plan.IndexKeys.Select(key => ReadRangeAsync(plan, key, cursor, limit + 1, cancellationToken)));
        var merged = ranges.SelectMany(r => r)
            .DistinctBy(r => r.RowKey[(r.RowKey.IndexOf(ArticleIndex.Separator, StringComparison.Ordinal) + 1)..])
            .OrderBy(Cursor, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        return merged.Count > limit ? (merged[..limit], Cursor(merged[limit - 1])) : (merged, null);
    }

    /// <summary>"{invertedDate}|{id}": the position of a row in every key's order.</summary>
    public static string Cursor(TableEntity row) => row.RowKey[(row.RowKey.IndexOf(ArticleIndex.Separator, StringComparison.Ordinal) + 1)..];

    private async Task<List<TableEntity>> ReadRangeAsync(QueryPlan plan, string key, string? cursor, int wanted, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>(wanted);
        // A keyword's bigram range also holds titles that have the bigram but not the whole keyword: read bigger pages.
        var pageSize = plan.Keyword is null && plan.Residual is null ? wanted : 1000;
        var shard = storage.IndexShard(ArticleIndex.ShardOf(key));
        await foreach (var row in shard.QueryAsync<TableEntity>(plan.FilterFor(key, cursor), pageSize, cancellationToken: cancellationToken))
        {
            if (plan.Keyword is { } keyword && !(row.GetString("NormTitle") ?? "").Contains(keyword, StringComparison.Ordinal))
            {
                continue;
            }

            rows.Add(row);
            if (rows.Count >= wanted)
            {
                break;
            }
        }

        return rows;
    }
}
