namespace MedInsure.Testing.Tests;

internal static class Entities
{
    public const int MiB = 1024 * 1024;

    /// <summary>
    /// An entity of exactly <paramref name="bytes"/> by Azure's size formula: 4 + Len(PartitionKey + RowKey) × 2 + for
    /// each property 8 + Len(name) × 2 + the value (a string Len × 2 + 4, binary Len + 4). Strings fill it, a binary
    /// property makes up the last bytes (it has one-byte steps).
    /// </summary>
    public static TableEntity OfSize(long bytes, string partitionKey = "p", string rowKey = "r")
    {
        var entity = new TableEntity(partitionKey, rowKey);
        var remaining = bytes - 4 - (partitionKey.Length + rowKey.Length) * 2;
        for (var i = 0; remaining > 14 + 65_536; i++)
        {
            var name = $"S{i:D2}";
            entity[name] = new string('x', 30_000);
            remaining -= 8 + name.Length * 2 + 30_000 * 2 + 4;
        }

        // "B": 8 + 2 + 4 + Len.
        entity["B"] = new byte[remaining - 14];
        return entity;
    }

    public static async Task<T> Refused<T>(Func<Task> write, int status, string? code) where T : RequestFailedException
    {
        var refused = await Assert.ThrowsAsync<T>(write);
        Assert.Equal(status, refused.Status);
        Assert.Equal(code, refused.ErrorCode);
        return refused;
    }

    public static async Task<TableTransactionFailedException> RefusedAt(Func<Task> write, int index, string code)
    {
        var refused = await Refused<TableTransactionFailedException>(write, 400, code);
        Assert.Equal(index, refused.FailedTransactionActionIndex);
        return refused;
    }

    public static TableTransactionAction Upsert(TableEntity entity) => new(TableTransactionActionType.UpsertReplace, entity);
}
