using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace MedInsure.Articles.Storage;

/// <summary>A write Azure Table Storage would refuse, stopped before it is sent: which table, which key and why.</summary>
public sealed class TableWriteRejectedException(string table, string partitionKey, string rowKey, string reason)
    : InvalidOperationException($"Table '{table}', PartitionKey {TableLimits.Quote(partitionKey)}, RowKey {TableLimits.Quote(rowKey)}: {reason}")
{
    public string Table { get; } = table;

    public string PartitionKey { get; } = partitionKey;

    public string RowKey { get; } = rowKey;

    public string Reason { get; } = reason;
}

/// <summary>
/// What Azure Table Storage refuses in a write, checked before the write is queued (Azurite accepts much of it, so
/// only the real service would otherwise say so, with a 400 for a whole transaction), and an upper bound on the room
/// an action takes in an entity-group transaction's body, by which the batching writers keep each one under 4 MiB.
/// </summary>
public static class TableLimits
{
    /// <summary>A PartitionKey or RowKey holds at most 1 KiB of UTF-16.</summary>
    public const int MaxKeyChars = 512;

    /// <summary>An entity's size by the service's formula (<see cref="EntityBytes"/>) is at most 1 MiB.</summary>
    public const int MaxEntityBytes = 1024 * 1024;

    public const int MaxTransactionActions = 100;

    public const int MaxTransactionBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// What the writers let the estimates of one transaction's actions add up to: the estimates are upper bounds, and
    /// the remaining 512 KiB cover the batch envelope and whatever the client adds that they do not model.
    /// </summary>
    public const int TransactionBudgetBytes = MaxTransactionBodyBytes - 512 * 1024;

    // Room for one action's part of the multipart body besides its keys and entity: the changeset boundary and part
    // headers, the request line (endpoint and table name, ~150 bytes in Azure), Accept, Content-Type,
    // DataServiceVersion, If-Match with an ETag, Prefer. About 450 bytes as Azure.Data.Tables writes it.
    private const int ActionOverheadBytes = 1024;

    /// <summary>Why Azure would refuse this key, or null.</summary>
    public static string? KeyProblem(string? key)
    {
        if (key is null)
        {
            return "is missing";
        }

        if (key.Length > MaxKeyChars)
        {
            return $"is {key.Length.ToString("N0", CultureInfo.InvariantCulture)} characters long; Azure Table Storage keys hold at most {MaxKeyChars} (1 KiB of UTF-16)";
        }

        var bad = key.AsSpan().IndexOfAny(Disallowed);
        return bad < 0 ? null
            : $"contains {Name(key[bad])} at position {bad.ToString(CultureInfo.InvariantCulture)}; Azure Table Storage keys may not contain '/', '\\', '#', '?' or control characters (U+0000–U+001F, U+007F–U+009F)";
    }

    /// <summary>
    /// The entity's size as the service counts it: 4 bytes + Len(PartitionKey + RowKey) × 2 + for each property
    /// 8 bytes + Len(name) × 2 + its value (strings Len × 2 + 4, binary Len + 4, Int32 4, Int64, Double and DateTime 8,
    /// Guid 16, Boolean 1). Null values are not stored and do not count.
    /// </summary>
    public static long EntityBytes(ITableEntity entity)
    {
        long size = 4 + ((entity.PartitionKey?.Length ?? 0) + (entity.RowKey?.Length ?? 0)) * 2L;
        if (entity is IDictionary<string, object?> properties)
        {
            foreach (var (name, value) in properties)
            {
                if (value is not null && !IsSystem(name))
                {
                    size += 8 + name.Length * 2L + ValueBytes(value);
                }
            }
        }

        return size;
    }

    /// <summary>Throws <see cref="TableWriteRejectedException"/> for keys Azure would refuse.</summary>
    public static void EnsureKeys(string table, string? partitionKey, string? rowKey)
    {
        if (KeyProblem(partitionKey) is { } partitionKeyProblem)
        {
            throw new TableWriteRejectedException(table, partitionKey ?? "", rowKey ?? "", "the PartitionKey " + partitionKeyProblem);
        }

        if (KeyProblem(rowKey) is { } rowKeyProblem)
        {
            throw new TableWriteRejectedException(table, partitionKey!, rowKey ?? "", "the RowKey " + rowKeyProblem);
        }
    }

    /// <summary>Throws <see cref="TableWriteRejectedException"/> for a write Azure would refuse for its keys or its size.</summary>
    public static void EnsureWritable(string table, TableTransactionAction action)
    {
        var entity = action.Entity;
        EnsureKeys(table, entity.PartitionKey, entity.RowKey);
        if (action.ActionType != TableTransactionActionType.Delete && EntityBytes(entity) is var bytes && bytes > MaxEntityBytes)
        {
            throw new TableWriteRejectedException(table, entity.PartitionKey, entity.RowKey,
                $"the entity is {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes by Azure's size formula; Azure Table Storage takes at most {MaxEntityBytes.ToString("N0", CultureInfo.InvariantCulture)} (1 MiB)");
        }
    }

    /// <summary>
    /// An upper bound on the bytes this action adds to a <c>$batch</c> body: its keys as the URL carries them
    /// (percent-encoded UTF-8) and its entity as JSON with every character outside plain ASCII counted as a
    /// six-byte <c>\uXXXX</c> escape (Azure.Data.Tables' JSON writer escapes all non-ASCII, CJK included), each typed
    /// value with its <c>@odata.type</c> annotation, plus <see cref="ActionOverheadBytes"/>.
    /// </summary>
    public static int EstimatedTransactionBytes(TableTransactionAction action)
    {
        var entity = action.Entity;
        long bytes = ActionOverheadBytes + UrlBytes(entity.PartitionKey) + UrlBytes(entity.RowKey);
        if (action.ActionType != TableTransactionActionType.Delete)
        {
            bytes += 2 + JsonPair("PartitionKey", entity.PartitionKey) + JsonPair("RowKey", entity.RowKey);
            if (entity is IDictionary<string, object?> properties)
            {
                foreach (var (name, value) in properties)
                {
                    if (!IsSystem(name))
                    {
                        bytes += JsonPair(name, value);
                    }
                }
            }
            else
            {
                // Not a dictionary: its properties cannot be measured here, so it travels alone.
                return TransactionBudgetBytes;
            }
        }

        return (int)Math.Min(bytes, int.MaxValue);
    }

    internal static string Quote(string key) => key.Length <= 80
        ? $"'{Printable(key)}'"
        : $"'{Printable(key[..80])}…' ({key.Length.ToString("N0", CultureInfo.InvariantCulture)} characters)";

    private static readonly System.Buffers.SearchValues<char> Disallowed = System.Buffers.SearchValues.Create(
        "/\\#?" + new string([.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)]));

    private static bool IsSystem(string name) => name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag";

    private static long ValueBytes(object value) => value switch
    {
        string text => text.Length * 2L + 4,
        byte[] binary => binary.Length + 4L,
        BinaryData data => data.ToMemory().Length + 4L,
        bool => 1,
        int => 4,
        long or double or DateTime or DateTimeOffset => 8,
        Guid => 16,
        // Anything else (an enum) travels as its string.
        _ => (value.ToString()?.Length ?? 0) * 2L + 4,
    };

    // "name":value, and for types JSON cannot tell apart, "name@odata.type":"Edm.Int64", as well.
    private static long JsonPair(string name, object? value)
    {
        var key = JsonStringBytes(name) + 2;
        var annotation = key + 32;
        return value switch
        {
            null => key + 5,
            string text => key + JsonStringBytes(text),
            bool => key + 6,
            int => key + 12,
            long => key + 23 + annotation,
            double => key + 26 + annotation,
            DateTime or DateTimeOffset => key + 31 + annotation,
            Guid => key + 39 + annotation,
            byte[] binary => key + Base64Bytes(binary.Length) + annotation,
            BinaryData data => key + Base64Bytes(data.ToMemory().Length) + annotation,
            _ => key + JsonStringBytes(value.ToString() ?? "") + annotation,
        };
    }

    private static long Base64Bytes(long length) => (length + 2) / 3 * 4 + 3;

    // Quotes and comma, then one byte for each character JSON writers leave alone and six for any other.
    private static long JsonStringBytes(string text)
    {
        long bytes = 3;
        foreach (var c in text)
        {
            bytes += c is >= ' ' and <= '~' and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        }

        return bytes;
    }

    // Quotes doubled, then percent-encoded: up to three bytes of UTF-8 a character, three characters a byte.
    private static long UrlBytes(string? key)
    {
        long bytes = 0;
        foreach (var c in key ?? "")
        {
            bytes += char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' ? 1 : c < 0x80 ? 6 : 9;
        }

        return bytes;
    }

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    private static string Name(char c) => char.IsControl(c)
        ? $"the control character U+{(int)c:X4}"
        : $"'{c}'";
}
