using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using MedInsure.Calculations;

namespace MedInsure.Articles.Calculations;

/// <summary>
/// Reads calculator requests and writes their results the same way for HTTP and the CLI. Unknown fields are refused:
/// a misspelt optional field (say "averagWage") would otherwise be ignored and silently change the result.
/// </summary>
public static class CalcJson
{
    /// <summary>Matches the app's HTTP conventions (camelCase, Chinese written as-is), so the CLI prints what the API returns.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Parses a request body; bad JSON or a bad field value throws a <see cref="CalculationValidationException"/> naming the field.</summary>
    public static T Read<T>(ReadOnlySpan<byte> utf8)
        where T : class
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new CalculationValidationException("body", "A JSON object is required as the request body.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8.ToArray());
        }
        catch (JsonException ex)
        {
            throw new CalculationValidationException("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }

        using (document)
        {
            return Read<T>(document.RootElement);
        }
    }

    public static T Read<T>(JsonElement root)
        where T : class
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new CalculationValidationException("body", "The body must be a JSON object.");
        }

        try
        {
            return root.Deserialize<T>(Options) ?? throw new CalculationValidationException("body", "The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            var path = ex.Path is null or "$" ? "" : ex.Path.StartsWith("$.", StringComparison.Ordinal) ? ex.Path[2..] : ex.Path.TrimStart('$');
            if (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
            {
                throw new CalculationValidationException(path.Length == 0 ? "body" : path, $"{path} is not a field of this request (check the spelling; see Calculations/README.md).");
            }

            var field = path.Length == 0 ? "body" : path;
            throw new CalculationValidationException(field, $"{field} {Expected(typeof(T), path)}");
        }
    }

    // Walks the request type along the JSON path so the message says what the field takes, not which CLR type failed.
    private static string Expected(Type root, string path)
    {
        var type = root;
        foreach (var raw in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = raw;
            var bracket = raw.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = raw[..bracket];
            }

            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return "has an invalid value.";
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (bracket >= 0 && ElementType(type) is { } element)
            {
                type = element;
            }
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(decimal) || type == typeof(int))
        {
            return type == typeof(int) ? "must be a whole number." : "must be a number (e.g. 8400 or 0.5).";
        }

        if (type == typeof(DateOnly))
        {
            return "must be a real calendar date written yyyy-MM-dd.";
        }

        if (type == typeof(bool))
        {
            return "must be true or false.";
        }

        if (type == typeof(string))
        {
            return "must be a string.";
        }

        if (type.IsEnum)
        {
            return "must be one of: " + string.Join(", ", type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)) + ".";
        }

        if (type == typeof(RetirementAgeInput))
        {
            return "must be {\"years\": 61, \"months\": 7}, a whole number of years, or text such as \"61y7m\".";
        }

        if (ElementType(type) is not null)
        {
            return "must be an array.";
        }

        return "must be a JSON object.";
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type) ? element
        : null;
}
