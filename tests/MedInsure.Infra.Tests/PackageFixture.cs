using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>
/// The test classes that read the package share one build of it (publishing takes a while). A collection rather than
/// an assembly fixture, so a broken package fails only these classes, not the Bicep tests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}

/// <summary>
/// Runs scripts/package.sh once into a temp folder, keeps the zip's entries in memory and reads the functions.metadata
/// the worker SDK generated into it.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), $"medinsure-package-{Guid.NewGuid():N}");

    public string ZipPath => Path.Combine(_workDirectory, "medinsure-functions.zip");

    public string ScriptOutput { get; private set; } = "";

    public IReadOnlyDictionary<string, PackageEntry> Entries { get; private set; } = new Dictionary<string, PackageEntry>();

    /// <summary>"Version made by" host byte of each central-directory header (3 = Unix).</summary>
    public IReadOnlyList<byte> MadeByHosts { get; private set; } = [];

    /// <summary>Every function in the package's functions.metadata.</summary>
    public IReadOnlyList<PackagedFunction> Functions { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_workDirectory);
        var result = await TestEnvironment.RunAsync(
            "bash",
            [
                Path.Combine(TestEnvironment.RepoRoot, "scripts", "package.sh"),
                "--staging", Path.Combine(_workDirectory, "staging"),
                "--output", ZipPath,
            ],
            TimeSpan.FromMinutes(10));
        ScriptOutput = result.ToString();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/package.sh failed\n{result}");
        }

        var entries = new Dictionary<string, PackageEntry>(StringComparer.Ordinal);
        await using (var zip = await ZipFile.OpenReadAsync(ZipPath, TestContext.Current.CancellationToken))
        {
            foreach (var entry in zip.Entries)
            {
                await using var stream = await entry.OpenAsync(TestContext.Current.CancellationToken);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
                entries[entry.FullName] = new PackageEntry(entry.FullName, (entry.ExternalAttributes >> 16) & 0xFFFF, buffer.ToArray());
            }
        }

        Entries = entries;
        MadeByHosts = ReadMadeByHosts(await File.ReadAllBytesAsync(ZipPath, TestContext.Current.CancellationToken));
        if (entries.ContainsKey("functions.metadata"))
        {
            Functions = (ReadJsonNode("functions.metadata") as JsonArray ?? throw new InvalidDataException("functions.metadata is not an array"))
                .Select(f => PackagedFunction.From(f as JsonObject ?? throw new InvalidDataException("functions.metadata holds a non-object")))
                .ToList();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    public JsonObject ReadJson(string entryName) =>
        ReadJsonNode(entryName) as JsonObject ?? throw new InvalidDataException($"{entryName} is not a JSON object");

    public JsonNode? ReadJsonNode(string entryName) =>
        JsonNode.Parse(Entries[entryName].Content, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip });

    private static List<byte> ReadMadeByHosts(byte[] zip)
    {
        var end = zip.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4b, (byte)0x05, (byte)0x06]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var hosts = new List<byte>(count);
        for (var i = 0; i < count; i++)
        {
            hosts.Add(zip[offset + 5]);
            offset += 46
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 28))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 30))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 32));
        }

        return hosts;
    }
}

/// <summary>One file in the package: its path, Unix st_mode and bytes.</summary>
public sealed record PackageEntry(string Name, int UnixMode, byte[] Content)
{
    public int Permissions => UnixMode & 0b111_111_111;
}

/// <summary>One function as functions.metadata describes it to the host.</summary>
public sealed record PackagedFunction(string Name, string? ScriptFile, string? Language, IReadOnlyList<JsonObject> Bindings)
{
    /// <summary>The one binding whose type ends in "Trigger", or null when there is none or several.</summary>
    public JsonObject? Trigger =>
        Bindings.Where(b => Text(b, "type")?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true).ToList() is [var only] ? only : null;

    public bool IsHttp => Trigger is { } t && Text(t, "type") == "httpTrigger";

    public string? Route => Trigger is { } t ? Text(t, "route") : null;

    public string? AuthLevel => Trigger is { } t ? Text(t, "authLevel") : null;

    /// <summary>HTTP methods the trigger accepts; null means every method.</summary>
    public IReadOnlyList<string>? Methods => Trigger?["methods"] is JsonArray methods
        ? methods.Select(m => m?.GetValue<string>() ?? "").ToList()
        : null;

    public static PackagedFunction From(JsonObject function) => new(
        Text(function, "name") ?? throw new InvalidDataException("function without a name in functions.metadata"),
        Text(function, "scriptFile"),
        Text(function, "language"),
        (function["bindings"] as JsonArray ?? [])
            .Select(b => b as JsonObject ?? throw new InvalidDataException($"{function["name"]}: binding is not an object"))
            .ToList());

    public static string? Text(JsonObject node, string property) =>
        node[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
