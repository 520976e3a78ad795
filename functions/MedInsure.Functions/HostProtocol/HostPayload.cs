using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedInsure.Functions.HostProtocol;

/// <summary>What the Functions host POSTs to a custom handler for a non-HTTP trigger: <c>{ "Data": {...}, "Metadata": {...} }</c>.</summary>
public sealed class HostInvocationRequest
{
    [JsonPropertyName("Data")]
    public Dictionary<string, JsonElement> Data { get; init; } = [];

    [JsonPropertyName("Metadata")]
    public Dictionary<string, JsonElement> Metadata { get; init; } = [];
}

/// <summary>What a custom handler answers: 2xx JSON, or the host throws and drops <c>Logs</c>.</summary>
public sealed class HostInvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = [];

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}

/// <summary>
/// Decodes host values. The host serialises with Newtonsoft: byte[] become base64 strings; strings and Uris are
/// JSON-encoded a second time (<c>"\"name.txt\""</c>); objects arrive as objects. Older hosts sent objects as strings,
/// so every reader accepts either form.
/// </summary>
public static class HostValue
{
    public static string? AsString(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
                {
                    try
                    {
                        return JsonSerializer.Deserialize<string>(text);
                    }
                    catch (JsonException)
                    {
                        return text;
                    }
                }

                return text;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return value.GetRawText();
        }
    }

    public static byte[]? AsBytes(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"expected a base64 string, got a JSON {value.ValueKind}");
        }

        return value.GetBytesFromBase64();
    }

    /// <summary>An object value, or a string holding a JSON object (older hosts).</summary>
    public static JsonElement? AsObject(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            return value;
        }

        if (value.ValueKind == JsonValueKind.String && AsString(value) is { } text && text.StartsWith('{'))
        {
            try
            {
                return JsonDocument.Parse(text).RootElement;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    public static IReadOnlyDictionary<string, string> AsStringMap(JsonElement value)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AsObject(value) is { } obj)
        {
            foreach (var property in obj.EnumerateObject())
            {
                if (AsString(property.Value) is { } s)
                {
                    map[property.Name] = s;
                }
            }
        }

        return map;
    }
}
