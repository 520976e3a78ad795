using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedInsure.Infra.Tests;

/// <summary>The deployable zip: layout the Functions host expects, executable bits, bindings Flex accepts, no secrets.</summary>
public sealed partial class PackageTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    private const int Mode0755 = 0b111_101_101;
    private const int Mode0644 = 0b110_100_100;

    [Fact]
    public void HostJsonAtRootPointsAtAnExecutableEntryWithMode0755()
    {
        var host = package.ReadJson("host.json");

        var path = host["customHandler"]?["description"]?["defaultExecutablePath"]?.GetValue<string>();

        Assert.Equal("handler/MedInsure.Functions", path);
        Assert.NotNull(path);
        Assert.True(package.Entries.TryGetValue(path, out var executable), $"{path} is missing from the zip");
        Assert.Equal(Mode0755, executable.Permissions);
        Assert.Equal(0x8000, executable.UnixMode & 0xF000); // regular file
        // ELF magic: a self-contained linux-x64 apphost, not a Windows .exe or a script.
        Assert.Equal("\u007fELF"u8.ToArray(), executable.Content[..4]);
    }

    [Fact]
    public void EveryOtherEntryHasMode0644AndEveryHeaderSaysMadeByUnix()
    {
        var others = package.Entries.Values.Where(e => e.Name != "handler/MedInsure.Functions").ToList();

        Assert.NotEmpty(others);
        Assert.All(others, e => Assert.True(e.Permissions == Mode0644, $"{e.Name} has mode {Convert.ToString(e.Permissions, 8)}"));
        Assert.Equal(package.Entries.Count, package.MadeByHosts.Count);
        Assert.All(package.MadeByHosts, host => Assert.Equal(3, host));
    }

    [Fact]
    public void HandlerIsSelfContainedWithTheRuntimeAndAspNetCore()
    {
        Assert.Contains("handler/libcoreclr.so", package.Entries.Keys);
        Assert.Contains("handler/Microsoft.AspNetCore.dll", package.Entries.Keys);
        Assert.Contains("handler/MedInsure.Functions.dll", package.Entries.Keys);
        var runtimeConfig = package.ReadJson("handler/MedInsure.Functions.runtimeconfig.json");
        // A framework-dependent build would list "frameworks" to resolve from an installed runtime.
        Assert.NotNull(runtimeConfig["runtimeOptions"]?["includedFrameworks"]);
    }

    [Fact]
    public void EveryFunctionFolderInTheRepoShipsAValidFunctionJson()
    {
        var expected = Directory.EnumerateFiles(Path.Combine(TestEnvironment.RepoRoot, "functions"), "function.json", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetFileName(Path.GetDirectoryName(f))}/function.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        var shipped = package.Entries.Keys.Where(k => k.EndsWith("/function.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, shipped);
        Assert.All(shipped, name => Assert.Equal(1, name.Count(c => c == '/'))); // <Function>/function.json at the root
        foreach (var name in shipped)
        {
            var bindings = Bindings(name);
            Assert.True(bindings.Count > 0, $"{name} has no bindings");
            Assert.All(bindings, b =>
            {
                Assert.False(string.IsNullOrWhiteSpace(Text(b, "name")), $"{name}: binding without name");
                Assert.False(string.IsNullOrWhiteSpace(Text(b, "type")), $"{name}: binding without type");
                Assert.Contains(Text(b, "direction"), new[] { "in", "out", "inout" });
            });
            Assert.Equal(1, bindings.Count(b => Text(b, "type")?.EndsWith("Trigger", StringComparison.Ordinal) == true));
        }
    }

    [Fact]
    public void EveryBlobTriggerUsesTheEventGridSourceThatFlexRequires()
    {
        var blobTriggers = FunctionJsonEntries()
            .SelectMany(name => Bindings(name).Select(b => (name, b)))
            .Where(x => Text(x.b, "type") == "blobTrigger")
            .ToList();

        Assert.NotEmpty(blobTriggers);
        Assert.All(blobTriggers, x =>
        {
            Assert.True(Text(x.b, "source") == "EventGrid", $"{x.name}: blobTrigger source must be EventGrid on Flex");
            Assert.False(string.IsNullOrWhiteSpace(Text(x.b, "path")), $"{x.name}: blobTrigger without path");
            Assert.False(string.IsNullOrWhiteSpace(Text(x.b, "connection")), $"{x.name}: blobTrigger without connection");
        });
    }

    [Fact]
    public void EveryHttpFunctionHasExactlyOneHttpTriggerAndOneHttpOutputSoProxyingApplies()
    {
        var httpFunctions = FunctionJsonEntries()
            .Where(name => Bindings(name).Any(b => Text(b, "type") == "httpTrigger"))
            .ToList();

        Assert.NotEmpty(httpFunctions);
        Assert.All(httpFunctions, name =>
        {
            var bindings = Bindings(name);
            Assert.True(bindings.Count == 2, $"{name}: {bindings.Count} bindings; proxying needs exactly httpTrigger + http out");
            Assert.Single(bindings, b => Text(b, "type") == "httpTrigger" && Text(b, "direction") == "in");
            Assert.Single(bindings, b => Text(b, "type") == "http" && Text(b, "direction") == "out");
        });
    }

    [Fact]
    public void PackageCarriesNoLocalSettingsDebugSymbolsOrStorageKeys()
    {
        Assert.DoesNotContain(package.Entries.Keys, k => Path.GetFileName(k) is "local.settings.json" or "appsettings.Development.json");
        Assert.DoesNotContain(package.Entries.Keys, k => k.EndsWith(".pdb", StringComparison.Ordinal));

        // Binaries legitimately contain the words "AccountKey=" (connection-string parsers), so look for an actual key:
        // a long base64 value after it, in UTF-8/ASCII text or in UTF-16 string literals.
        var leaks = package.Entries.Values.Where(e => ContainsAccountKey(e.Content)).Select(e => e.Name).ToList();

        Assert.Empty(leaks);

        // Settings-like text files must not hold a connection string at all: the app uses identity-based settings.
        var textFiles = package.Entries.Values
            .Where(e => Path.GetExtension(e.Name) is ".json" or ".config" or ".xml" or ".txt" or ".env" or ".yaml" or ".yml" or ".ini")
            .ToList();
        Assert.NotEmpty(textFiles);
        Assert.All(textFiles, e =>
        {
            var text = Encoding.UTF8.GetString(e.Content);
            Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("DefaultEndpointsProtocol=", text, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void ModelAndDataFilesKeptInTheRepoShipInsideTheHandlerFolder()
    {
        var modelsFolder = Path.Combine(TestEnvironment.RepoRoot, "ml", "models");
        var models = Directory.Exists(modelsFolder) ? Directory.GetFiles(modelsFolder, "*.zip") : [];

        Assert.All(models, m => Assert.Contains($"handler/models/{Path.GetFileName(m)}", package.Entries.Keys));
        // Reference data the region tagger loads at startup.
        if (File.Exists(Path.Combine(TestEnvironment.RepoRoot, "ml", "data", "regions.json")))
        {
            Assert.Contains("handler/data/regions.json", package.Entries.Keys);
        }

        Assert.Contains("==> handler/models", package.ScriptOutput, StringComparison.Ordinal);
    }

    private IEnumerable<string> FunctionJsonEntries() =>
        package.Entries.Keys.Where(k => k.EndsWith("/function.json", StringComparison.Ordinal));

    private List<JsonObject> Bindings(string entryName) =>
        (package.ReadJson(entryName)["bindings"] as JsonArray ?? throw new InvalidDataException($"{entryName}: no bindings array"))
            .Select(b => b as JsonObject ?? throw new InvalidDataException($"{entryName}: binding is not an object"))
            .ToList();

    private static string? Text(JsonObject binding, string property) =>
        binding[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    internal static bool ContainsAccountKey(byte[] content) =>
        ContainsAccountKey(content, Encoding.ASCII) || ContainsAccountKey(content, Encoding.Unicode);

    // Vectorised byte search for the marker, then a regex only on the few bytes after each hit: fast on 150 MB of binaries.
    private static bool ContainsAccountKey(byte[] content, Encoding encoding)
    {
        var marker = encoding.GetBytes("AccountKey=");
        var span = content.AsSpan();
        for (var start = span.IndexOf(marker); start >= 0;)
        {
            var after = span[(start + marker.Length)..];
            var window = after[..Math.Min(after.Length, 128)];
            if (Base64Key().IsMatch(encoding.GetString(window)))
            {
                return true;
            }

            var next = after.IndexOf(marker);
            start = next < 0 ? -1 : start + marker.Length + next;
        }

        return false;
    }

    [GeneratedRegex(@"^[A-Za-z0-9+/]{40,}={0,2}")]
    private static partial Regex Base64Key();
}
