using System.Text.Json;

namespace MedInsure.LocalHost;

/// <summary>Who may call an HTTP function, from the trigger's <c>authLevel</c>.</summary>
public enum AuthLevel
{
    /// <summary>No key needed.</summary>
    Anonymous,

    /// <summary>Any configured function key, or the admin key.</summary>
    Function,

    /// <summary>Only the key named <c>admin</c>. The host's System and User levels are treated as this.</summary>
    Admin,
}

/// <summary>One binding of a loaded function, as the worker described it.</summary>
/// <param name="Name">The binding's name (the parameter name, or <c>$return</c>).</param>
/// <param name="Type">The binding type, e.g. <c>httpTrigger</c>, <c>blobTrigger</c>, <c>http</c>.</param>
/// <param name="Direction">In, Out or InOut.</param>
/// <param name="Json">The binding's JSON object as the worker sent it.</param>
public sealed record FunctionBinding(string Name, string Type, string Direction, JsonElement Json);

/// <summary>An HTTP trigger's routing data.</summary>
/// <param name="BindingName">Name of the trigger binding (the input the invocation carries).</param>
/// <param name="Route">The route as declared (the function name when the binding has none).</param>
/// <param name="RouteTemplate">The full template the host matches: route prefix plus route.</param>
/// <param name="Methods">Allowed methods, upper case; empty means any.</param>
/// <param name="AuthLevel">Who may call it.</param>
public sealed record HttpTriggerInfo(string BindingName, string Route, string RouteTemplate, IReadOnlyList<string> Methods, AuthLevel AuthLevel);

/// <summary>A blob trigger's source.</summary>
/// <param name="BindingName">Name of the trigger binding.</param>
/// <param name="Path">The path as declared, e.g. <c>dumps/{name}</c>.</param>
/// <param name="ContainerName">The container part of the path.</param>
/// <param name="BlobPattern">The blob-name part of the path, e.g. <c>{name}</c>.</param>
/// <param name="Connection">Name of the setting holding the storage connection.</param>
/// <param name="Source">The declared source (<c>EventGrid</c> or <c>LogsAndContainerScan</c>), if any.</param>
public sealed record BlobTriggerInfo(string BindingName, string Path, string ContainerName, string BlobPattern, string Connection, string? Source);

/// <summary>A queue trigger's source and how the worker wants the message.</summary>
/// <param name="BindingName">Name of the trigger binding.</param>
/// <param name="QueueName">The queue name as declared; it may hold <c>%setting%</c> expressions.</param>
/// <param name="Connection">Name of the setting holding the storage connection.</param>
/// <param name="DataType">The declared data type (<c>String</c>, <c>Binary</c>, <c>Stream</c>), if any.</param>
/// <param name="SupportsDeferredBinding">Whether the worker binds the message itself (QueueMessage, BinaryData) from model binding data.</param>
public sealed record QueueTriggerInfo(string BindingName, string QueueName, string Connection, string? DataType, bool SupportsDeferredBinding);

/// <summary>A function the worker loaded.</summary>
/// <param name="Name">Function name.</param>
/// <param name="Id">The worker's function id.</param>
/// <param name="Bindings">All bindings, in the worker's order.</param>
public sealed record FunctionInfo(string Name, string Id, IReadOnlyList<FunctionBinding> Bindings)
{
    /// <summary>Set when the function has an <c>httpTrigger</c> binding.</summary>
    public HttpTriggerInfo? HttpTrigger { get; init; }

    /// <summary>Set when the function has a <c>blobTrigger</c> binding.</summary>
    public BlobTriggerInfo? BlobTrigger { get; init; }

    /// <summary>Set when the function has a <c>queueTrigger</c> binding.</summary>
    public QueueTriggerInfo? QueueTrigger { get; init; }

    /// <summary>The id the WebJobs host gives this function, used in blob receipts and poison messages.</summary>
    public string HostFunctionId => "Host.Functions." + Name;
}

/// <summary>Turns the worker's raw binding JSON into <see cref="FunctionInfo"/>.</summary>
internal static class FunctionMetadataParser
{
    public const string DefaultStorageConnection = "AzureWebJobsStorage";

    public static FunctionInfo Parse(string name, string id, IEnumerable<string> rawBindings, string routePrefix)
    {
        var bindings = new List<FunctionBinding>();
        HttpTriggerInfo? http = null;
        BlobTriggerInfo? blob = null;
        QueueTriggerInfo? queue = null;
        foreach (var raw in rawBindings)
        {
            using var document = JsonDocument.Parse(raw);
            var json = document.RootElement.Clone();
            var binding = new FunctionBinding(
                AppDirectory.GetString(json, "name") ?? "",
                AppDirectory.GetString(json, "type") ?? "",
                AppDirectory.GetString(json, "direction") ?? "In",
                json);
            bindings.Add(binding);

            if (http is null && binding.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var route = AppDirectory.TryGetPropertyIgnoreCase(json, "route", out var r) && r.ValueKind == JsonValueKind.String
                    ? r.GetString()!
                    : name;
                http = new HttpTriggerInfo(
                    binding.Name,
                    route,
                    CombineRoute(routePrefix, route),
                    AppDirectory.GetStrings(json, "methods").Select(m => m.ToUpperInvariant()).ToList(),
                    ParseAuthLevel(AppDirectory.GetString(json, "authLevel")));
            }
            else if (blob is null && binding.Type.Equals("blobTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var path = AppDirectory.GetString(json, "path") ?? "";
                var slash = path.IndexOf('/', StringComparison.Ordinal);
                var container = slash < 0 ? path : path[..slash];
                var pattern = slash < 0 ? "{name}" : path[(slash + 1)..];
                var connection = AppDirectory.GetString(json, "connection");
                blob = new BlobTriggerInfo(
                    binding.Name,
                    path,
                    container,
                    pattern,
                    string.IsNullOrWhiteSpace(connection) ? DefaultStorageConnection : connection,
                    AppDirectory.GetString(json, "source"));
            }
            else if (queue is null && binding.Type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var connection = AppDirectory.GetString(json, "connection");
                var deferred = AppDirectory.TryGetPropertyIgnoreCase(json, "properties", out var properties)
                    && AppDirectory.TryGetPropertyIgnoreCase(properties, "supportsDeferredBinding", out var flag)
                    && (flag.ValueKind == JsonValueKind.True || (flag.ValueKind == JsonValueKind.String && bool.TryParse(flag.GetString(), out var on) && on));
                queue = new QueueTriggerInfo(
                    binding.Name,
                    AppDirectory.GetString(json, "queueName") ?? "",
                    string.IsNullOrWhiteSpace(connection) ? DefaultStorageConnection : connection,
                    AppDirectory.GetString(json, "dataType"),
                    deferred);
            }
        }

        return new FunctionInfo(name, id, bindings) { HttpTrigger = http, BlobTrigger = blob, QueueTrigger = queue };
    }

    public static string CombineRoute(string routePrefix, string route)
    {
        var prefix = routePrefix.Trim('/');
        var suffix = route.Trim('/');
        return prefix.Length == 0 ? suffix : suffix.Length == 0 ? prefix : prefix + "/" + suffix;
    }

    // Unknown levels get the strictest treatment rather than none.
    public static AuthLevel ParseAuthLevel(string? value) => value?.ToUpperInvariant() switch
    {
        "ANONYMOUS" => AuthLevel.Anonymous,
        "FUNCTION" or null or "" => AuthLevel.Function,
        _ => AuthLevel.Admin,
    };
}
