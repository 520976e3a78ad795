using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedInsure.Functions.HostProtocol;

/// <summary>The IngestDump function's binding: name "dump", path "dumps/{name}", dataType binary (functions/IngestDump/function.json).</summary>
public static class BlobTriggerPayload
{
    public const string FunctionName = "IngestDump";
    public const string BindingName = "dump";

    /// <summary>Builds exactly what the host sends for a blob trigger, so the local stand-in exercises the same code path:
    /// base64 content, JSON-quoted name and Uri, Properties/Metadata/sys objects, and no BlobTrigger key
    /// (the host drops every metadata key ending in "trigger").</summary>
    public static byte[] Build(string name, Uri uri, byte[]? content, JsonObject properties, IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        var userMetadata = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            userMetadata[key] = value;
        }

        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { [BindingName] = content is null ? null : Convert.ToBase64String(content) },
            ["Metadata"] = new JsonObject
            {
                ["name"] = JsonSerializer.Serialize(name),
                ["Uri"] = JsonSerializer.Serialize(uri.ToString()),
                ["Properties"] = properties,
                ["Metadata"] = userMetadata,
                ["sys"] = new JsonObject
                {
                    ["MethodName"] = FunctionName,
                    ["UtcNow"] = now.UtcDateTime.ToString("O"),
                    ["RandGuid"] = Guid.NewGuid().ToString(),
                },
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(payload);
    }
}
