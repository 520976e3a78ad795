using System.Text.Json;

namespace MedInsure.LocalHost;

/// <summary>How worker.config.json says the worker is started.</summary>
internal sealed record WorkerDescription(
    string ExecutablePath,
    IReadOnlyList<string> ExecutableArguments,
    string? WorkerPath,
    IReadOnlyList<string> WorkerArguments,
    string WorkerDirectory);

/// <summary>Reads the files of a worker's build or publish output that the host needs.</summary>
internal static class AppDirectory
{
    public const string WorkerConfigFile = "worker.config.json";
    public const string HostJsonFile = "host.json";
    public const string MetadataFile = "functions.metadata";
    public const string LocalSettingsFile = "local.settings.json";
    public const string DefaultRoutePrefix = "api";

    private static readonly JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Fails with one message naming every missing file, so a wrong --app is obvious.</summary>
    public static void EnsureLooksLikeWorkerOutput(string appDirectory)
    {
        if (!Directory.Exists(appDirectory))
        {
            throw new LocalHostStartException($"The app directory '{appDirectory}' does not exist.");
        }

        var missing = new[] { MetadataFile, WorkerConfigFile }
            .Where(f => !File.Exists(Path.Combine(appDirectory, f)))
            .ToList();
        if (missing.Count > 0)
        {
            throw new LocalHostStartException(
                $"The app directory '{appDirectory}' lacks {string.Join(" and ", missing)}: "
                + "point --app at the build or publish output of an isolated-worker Functions app.");
        }
    }

    public static WorkerDescription ReadWorkerConfig(string appDirectory)
    {
        var path = Path.Combine(appDirectory, WorkerConfigFile);
        return ParseWorkerConfig(File.ReadAllText(path), appDirectory);
    }

    public static WorkerDescription ParseWorkerConfig(string json, string workerDirectory)
    {
        using var doc = JsonDocument.Parse(json, Lenient);
        if (!TryGetPropertyIgnoreCase(doc.RootElement, "description", out var description)
            || description.ValueKind != JsonValueKind.Object)
        {
            throw new LocalHostStartException($"{WorkerConfigFile} has no 'description' object.");
        }

        var executable = GetString(description, "defaultExecutablePath");
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new LocalHostStartException($"{WorkerConfigFile} has no 'description.defaultExecutablePath'.");
        }

        executable = Environment.ExpandEnvironmentVariables(executable);
        if (executable.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(executable))
        {
            executable = Path.GetFullPath(Path.Combine(workerDirectory, executable));
        }

        var workerPath = GetString(description, "defaultWorkerPath");
        if (!string.IsNullOrWhiteSpace(workerPath))
        {
            workerPath = Path.GetFullPath(Path.Combine(workerDirectory, Environment.ExpandEnvironmentVariables(workerPath)));
        }

        return new WorkerDescription(
            executable,
            GetStrings(description, "arguments"),
            string.IsNullOrWhiteSpace(workerPath) ? null : workerPath,
            GetStrings(description, "workerArguments"),
            Path.GetFullPath(workerDirectory));
    }

    public static string ReadRoutePrefix(string appDirectory)
    {
        var path = Path.Combine(appDirectory, HostJsonFile);
        return File.Exists(path) ? ParseRoutePrefix(File.ReadAllText(path)) : DefaultRoutePrefix;
    }

    /// <summary>extensions.http.routePrefix; absent means "api", the empty string means no prefix.</summary>
    public static string ParseRoutePrefix(string hostJson)
    {
        using var doc = JsonDocument.Parse(hostJson, Lenient);
        if (TryGetPropertyIgnoreCase(doc.RootElement, "extensions", out var extensions)
            && TryGetPropertyIgnoreCase(extensions, "http", out var http)
            && TryGetPropertyIgnoreCase(http, "routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String)
        {
            return prefix.GetString()!.Trim('/');
        }

        return DefaultRoutePrefix;
    }

    /// <summary>Whether queue messages are base64-encoded (extensions.queues.messageEncoding, base64 by default).</summary>
    public static bool ReadQueueMessagesAreBase64(string appDirectory)
    {
        var path = Path.Combine(appDirectory, HostJsonFile);
        return !File.Exists(path) || ParseQueueMessagesAreBase64(File.ReadAllText(path));
    }

    public static bool ParseQueueMessagesAreBase64(string hostJson)
    {
        using var doc = JsonDocument.Parse(hostJson, Lenient);
        if (TryGetPropertyIgnoreCase(doc.RootElement, "extensions", out var extensions)
            && TryGetPropertyIgnoreCase(extensions, "queues", out var queues)
            && GetString(queues, "messageEncoding") is { } encoding)
        {
            return encoding.ToUpperInvariant() switch
            {
                "BASE64" => true,
                "NONE" => false,
                _ => throw new LocalHostStartException($"{HostJsonFile}: extensions.queues.messageEncoding '{encoding}' is neither base64 nor none."),
            };
        }

        return true;
    }

    /// <summary>The Values of local.settings.json, as func start reads them; empty when the file is absent.</summary>
    public static IReadOnlyDictionary<string, string> ReadLocalSettings(string appDirectory)
    {
        var path = Path.Combine(appDirectory, LocalSettingsFile);
        return File.Exists(path) ? ParseLocalSettings(File.ReadAllText(path)) : new Dictionary<string, string>();
    }

    public static IReadOnlyDictionary<string, string> ParseLocalSettings(string json)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var doc = JsonDocument.Parse(json, Lenient);
        if (TryGetPropertyIgnoreCase(doc.RootElement, "Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
        }

        return values;
    }

    internal static bool TryGetPropertyIgnoreCase(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    internal static string? GetString(JsonElement element, string name) =>
        TryGetPropertyIgnoreCase(element, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    internal static IReadOnlyList<string> GetStrings(JsonElement element, string name)
    {
        if (!TryGetPropertyIgnoreCase(element, name, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray()
                .Where(v => v.ValueKind == JsonValueKind.String)
                .Select(v => v.GetString()!)
                .ToList(),
            JsonValueKind.String => [value.GetString()!],
            _ => [],
        };
    }
}
