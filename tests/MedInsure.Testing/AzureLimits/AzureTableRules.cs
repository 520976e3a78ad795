using System.Text.Json;

namespace MedInsure.Testing.AzureLimits;

/// <summary>A request Azure Table Storage refuses: its HTTP status, error code and message, and for an operation of
/// an entity-group transaction, that operation's index.</summary>
public sealed record TableRefusal(int Status, string Code, string Message, int? Index = null);

/// <summary>One operation of an entity-group transaction, or a single-entity request: what the rules look at.</summary>
internal sealed record TableOperation(string Method, string? Table, string? PartitionKey, string? RowKey, string? Body, string? ContentId = null);

/// <summary>
/// The limits Azure Table Storage enforces and Azurite does not, with the codes and messages of the service's error
/// table (learn.microsoft.com "Table Storage error codes", "Understanding the Table service data model",
/// "Performing entity group transactions"; 4 MiB: "Common REST API error codes", RequestBodyTooLarge).
/// </summary>
internal static class AzureTableRules
{
    public const int MaxBatchOperations = 100;
    public const int MaxBatchBodyBytes = 4 * 1024 * 1024;
    public const int MaxEntityBytes = 1024 * 1024;
    public const int MaxStringChars = 32 * 1024;
    public const int MaxBinaryBytes = 64 * 1024;
    public const int MaxCustomProperties = 252;
    public const int MaxKeyChars = 512;

    public static TableRefusal BodyTooLarge() =>
        new(413, "RequestBodyTooLarge", "The size of the request body exceeds the maximum size permitted.");

    /// <summary>
    /// The service processes a changeset's operations in order and names the first that fails; a changeset over 100
    /// operations is refused as a whole, at index 0 (as the service answers it).
    /// </summary>
    public static TableRefusal? CheckBatch(IReadOnlyList<TableOperation> operations)
    {
        if (operations.Count > MaxBatchOperations)
        {
            return new(400, "InvalidInput", "The batch request operation exceeds the maximum 100 changes per change set.", 0);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            if (Check(operation) is { } refusal)
            {
                return refusal with { Index = i };
            }

            if (operation.Table != operations[0].Table || operation.PartitionKey != operations[0].PartitionKey)
            {
                return new(400, "CommandsInBatchActOnDifferentPartitions", "All commands in a batch must operate on same entity group.", i);
            }

            if (!seen.Add(operation.RowKey ?? ""))
            {
                return new(400, "InvalidDuplicateRow",
                    $"A command with RowKey '{operation.RowKey}' is already present in the batch. An entity can appear only once in a batch.", i);
            }
        }

        return null;
    }

    /// <summary>The keys (from the URL or the body) and, for a request that carries one, the entity.</summary>
    public static TableRefusal? Check(TableOperation operation)
    {
        if ((CheckKey("PartitionKey", operation.PartitionKey) ?? CheckKey("RowKey", operation.RowKey)) is { } keyRefusal)
        {
            return keyRefusal;
        }

        return operation.Body is { Length: > 0 } body ? CheckEntity(body, operation.PartitionKey, operation.RowKey) : null;
    }

    // The data model page lists the limits but not the code: the service answers a key it cannot take with the
    // table's OutOfRangeInput template ("The '{0}' parameter of value '{1}' is out of range.").
    public static TableRefusal? CheckKey(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > MaxKeyChars || value.Any(IsDisallowedInKey))
        {
            return new(400, "OutOfRangeInput", $"The '{name}' parameter of value '{value}' is out of range.");
        }

        return null;
    }

    public static bool IsDisallowedInKey(char c) => c is '/' or '\\' or '#' or '?' or <= '\u001F' or (>= '\u007F' and <= '\u009F');

    /// <summary>
    /// Property values, the number of custom properties and the entity's size by the service's formula: 4 bytes +
    /// Len(PartitionKey + RowKey) × 2 + for each property 8 bytes + Len(name) × 2 + the value (strings Len × 2 + 4,
    /// binary Len + 4, Int32 4, Int64/Double/DateTime 8, Guid 16, Boolean 1). A body that is not JSON is left to Azurite.
    /// </summary>
    public static TableRefusal? CheckEntity(string json, string? urlPartitionKey, string? urlRowKey)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.EndsWith("@odata.type", StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
                {
                    types[property.Name[..^"@odata.type".Length]] = property.Value.GetString()!;
                }
            }

            var partitionKey = urlPartitionKey;
            var rowKey = urlRowKey;
            long size = 4;
            var count = 0;
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name;
                if (name.StartsWith("odata.", StringComparison.Ordinal) || name.Contains('@', StringComparison.Ordinal) || name == "Timestamp"
                    || property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (name is "PartitionKey" or "RowKey")
                {
                    var key = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (CheckKey(name, key) is { } refusal)
                    {
                        return refusal;
                    }

                    if (name == "PartitionKey")
                    {
                        partitionKey ??= key;
                    }
                    else
                    {
                        rowKey ??= key;
                    }

                    continue;
                }

                count++;
                var (valueSize, tooLarge) = ValueSize(property.Value, types.GetValueOrDefault(name));
                if (tooLarge)
                {
                    return new(400, "PropertyValueTooLarge", "The property value is larger than the maximum size permitted.");
                }

                size += 8 + name.Length * 2 + valueSize;
            }

            if (count > MaxCustomProperties)
            {
                return new(400, "TooManyProperties", "The entity contains more properties than allowed.");
            }

            size += ((partitionKey?.Length ?? 0) + (rowKey?.Length ?? 0)) * 2;
            return size > MaxEntityBytes ? new(400, "EntityTooLarge", "The entity is larger than the maximum size permitted.") : null;
        }
    }

    private static (long Size, bool TooLarge) ValueSize(JsonElement value, string? type)
    {
        switch (type)
        {
            case "Edm.Binary":
                var bytes = Base64Length(value.GetString() ?? "");
                return (bytes + 4, bytes > MaxBinaryBytes);
            case "Edm.Int64" or "Edm.Double" or "Edm.DateTime":
                return (8, false);
            case "Edm.Guid":
                return (16, false);
            case "Edm.Int32":
                return (4, false);
            case "Edm.Boolean":
                return (1, false);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var chars = value.GetString()!.Length;
                return (chars * 2 + 4, chars > MaxStringChars);
            case JsonValueKind.True or JsonValueKind.False:
                return (1, false);
            case JsonValueKind.Number:
                // An untyped JSON number is an Int32 when it is one, else a Double.
                return (value.TryGetInt32(out _) ? 4 : 8, false);
            default:
                return (0, false);
        }
    }

    private static long Base64Length(string text)
    {
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return text.Length / 4 * 3 - padding;
    }
}
