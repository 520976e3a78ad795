using System.Text;
using System.Text.Json;

namespace MedInsure.Testing.AzureLimits;

/// <summary>What a table request addresses: the request target's path, an entity-group transaction's operations.</summary>
internal static class TableRequests
{
    /// <summary>The resource a path names (still percent-encoded, as sent): an entity, a table's entities, or neither.</summary>
    public static (string? Table, string? PartitionKey, string? RowKey, bool IsBatch) Address(string target)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target : target[..query];
        var absolute = path.IndexOf("://", StringComparison.Ordinal);
        if (absolute >= 0)
        {
            var slash = path.IndexOf('/', absolute + 3);
            path = slash < 0 ? "/" : path[slash..];
        }

        // "/{account}/{resource}": Azurite and the emulator endpoint carry the account in the path.
        var accountEnd = path.IndexOf('/', 1);
        if (!path.StartsWith('/') || accountEnd < 0)
        {
            return (null, null, null, false);
        }

        var resource = path[(accountEnd + 1)..];
        if (resource == "$batch")
        {
            return (null, null, null, true);
        }

        var open = resource.IndexOf('(', StringComparison.Ordinal);
        var table = Uri.UnescapeDataString(open < 0 ? resource : resource[..open]);
        if (table.Length == 0 || table.Contains('/', StringComparison.Ordinal) || string.Equals(table, "Tables", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, null, false);
        }

        if (open < 0 || !resource.EndsWith(')'))
        {
            return (table, null, null, false);
        }

        var arguments = Uri.UnescapeDataString(resource[(open + 1)..^1]);
        return (table, Literal(arguments, "PartitionKey"), Literal(arguments, "RowKey"), false);
    }

    /// <summary>The changeset's operations, in order; null when the body is not a batch this can read.</summary>
    public static List<TableOperation>? Batch(string? contentType, byte[] body)
    {
        if (Boundary(contentType) is not { } batchBoundary)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(body);
        foreach (var part in Parts(text, batchBoundary))
        {
            var (headers, content) = Split(part);
            if (Boundary(Header(headers, "Content-Type")) is not { } changesetBoundary)
            {
                continue;
            }

            var operations = new List<TableOperation>();
            foreach (var request in Parts(content, changesetBoundary))
            {
                if (Operation(Split(request).Content) is not { } operation)
                {
                    return null;
                }

                operations.Add(operation);
            }

            return operations;
        }

        return null;
    }

    // "POST http://host/account/table HTTP/1.1", headers, a blank line, the entity.
    private static TableOperation? Operation(string http)
    {
        var (head, body) = Split(http);
        var lines = head.Split('\n', StringSplitOptions.TrimEntries);
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 2)
        {
            return null;
        }

        var method = requestLine[0];
        var (table, partitionKey, rowKey, _) = Address(requestLine[1]);
        if (partitionKey is null && rowKey is null && body.Length > 0)
        {
            (partitionKey, rowKey) = KeysOf(body);
        }

        return new(method, table, partitionKey, rowKey, body.Length > 0 ? body : null, Header(lines, "Content-ID"));
    }

    private static (string? PartitionKey, string? RowKey) KeysOf(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return (Key(document.RootElement, "PartitionKey"), Key(document.RootElement, "RowKey"));
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? Key(JsonElement entity, string name) =>
            entity.ValueKind == JsonValueKind.Object && entity.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    // An OData key literal: PartitionKey='it''s' → it's.
    private static string? Literal(string arguments, string name)
    {
        var at = arguments.IndexOf(name + "='", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var value = new StringBuilder();
        for (var i = at + name.Length + 2; i < arguments.Length; i++)
        {
            if (arguments[i] != '\'')
            {
                value.Append(arguments[i]);
            }
            else if (i + 1 < arguments.Length && arguments[i + 1] == '\'')
            {
                value.Append('\'');
                i++;
            }
            else
            {
                return value.ToString();
            }
        }

        return null;
    }

    private static string? Boundary(string? contentType)
    {
        const string Marker = "boundary=";
        var at = contentType?.IndexOf(Marker, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (!(contentType?.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase) ?? false) || at < 0)
        {
            return null;
        }

        var value = contentType[(at + Marker.Length)..];
        var end = value.IndexOf(';', StringComparison.Ordinal);
        return (end < 0 ? value : value[..end]).Trim().Trim('"');
    }

    // The bodies between "--boundary" lines, up to "--boundary--".
    private static List<string> Parts(string text, string boundary)
    {
        var delimiter = "--" + boundary;
        var parts = new List<string>();
        var at = text.IndexOf(delimiter, StringComparison.Ordinal);
        while (at >= 0)
        {
            var start = at + delimiter.Length;
            if (text.AsSpan(start).StartsWith("--"))
            {
                break;
            }

            var lineEnd = text.IndexOf('\n', start);
            var next = lineEnd < 0 ? -1 : text.IndexOf(delimiter, lineEnd, StringComparison.Ordinal);
            if (next < 0)
            {
                break;
            }

            var end = next;
            if (end > lineEnd + 1 && text[end - 1] == '\n')
            {
                end--;
            }

            if (end > lineEnd + 1 && text[end - 1] == '\r')
            {
                end--;
            }

            parts.Add(text[(lineEnd + 1)..end]);
            at = next;
        }

        return parts;
    }

    private static (string Headers, string Content) Split(string part)
    {
        var crlf = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lf = part.IndexOf("\n\n", StringComparison.Ordinal);
        return crlf >= 0 && (lf < 0 || crlf < lf) ? (part[..crlf], part[(crlf + 4)..])
            : lf >= 0 ? (part[..lf], part[(lf + 2)..])
            : (part, "");
    }

    private static string? Header(string headers, string name) => Header(headers.Split('\n', StringSplitOptions.TrimEntries), name);

    private static string? Header(IEnumerable<string> lines, string name) => lines
        .Select(line => line.Split(':', 2))
        .Where(pair => pair.Length == 2 && string.Equals(pair[0].Trim(), name, StringComparison.OrdinalIgnoreCase))
        .Select(pair => pair[1].Trim())
        .FirstOrDefault();
}
