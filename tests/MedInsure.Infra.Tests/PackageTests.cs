using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedInsure.Infra.Tests;

/// <summary>
/// The deployable zip: the isolated worker's publish output at its root, the functions and bindings the host will load
/// (auth levels as the README documents them, an Event Grid blob trigger as Flex requires), and no secrets.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class PackageTests(PackageFixture package)
{
    private const string AppAssembly = "MedInsure.Functions.dll";
    private const int Mode0644 = 0b110_100_100;

    [Theory]
    [InlineData("host.json")]
    [InlineData("functions.metadata")]
    [InlineData("worker.config.json")]
    [InlineData("extensions.json")]
    [InlineData(AppAssembly)]
    [InlineData("MedInsure.Functions.deps.json")]
    [InlineData("MedInsure.Functions.runtimeconfig.json")]
    public void PublishOutputSitsAtTheZipRoot(string file)
    {
        Assert.True(package.Entries.ContainsKey(file), $"{file} is not at the root of the zip");
    }

    [Fact]
    public void AzureFunctionsFolderHoldsEveryExtensionThatExtensionsJsonNames()
    {
        var extensions = (package.ReadJson("extensions.json")["extensions"] as JsonArray ?? [])
            .Select(e => (Name: (string?)e?["name"], HintPath: (string?)e?["hintPath"]))
            .ToList();

        Assert.Contains(package.Entries.Keys, k => k.StartsWith(".azurefunctions/", StringComparison.Ordinal));
        // The Event Grid blob trigger runs in the host's storage-blobs extension, shipped here instead of a bundle.
        Assert.Contains(extensions, e => e.Name == "AzureStorageBlobs");
        Assert.All(extensions, e =>
        {
            Assert.StartsWith("./.azurefunctions/", e.HintPath ?? "", StringComparison.Ordinal);
            Assert.True(package.Entries.ContainsKey(e.HintPath![2..]), $"{e.HintPath} (extension {e.Name}) is not in the zip");
        });
    }

    [Fact]
    public void WorkerConfigStartsTheDotnetIsolatedWorkerFromTheAppAssembly()
    {
        var description = package.ReadJson("worker.config.json")["description"];

        Assert.Equal("dotnet-isolated", (string?)description?["language"]);
        Assert.Equal("dotnet", (string?)description?["defaultExecutablePath"]);
        Assert.Equal(AppAssembly, (string?)description?["defaultWorkerPath"]);
    }

    [Fact]
    public void AppIsFrameworkDependentOnDotnet10AndAspNetCore()
    {
        var runtime = package.ReadJson("MedInsure.Functions.runtimeconfig.json")["runtimeOptions"];
        var frameworks = (runtime?["frameworks"] as JsonArray ?? [])
            .ToDictionary(f => (string?)f?["name"] ?? "", f => (string?)f?["version"] ?? "");

        // Flex's dotnet-isolated 10.0 image provides both shared frameworks; a self-contained build would list
        // "includedFrameworks" and carry the runtime itself.
        Assert.StartsWith("10.", frameworks.GetValueOrDefault("Microsoft.NETCore.App", ""), StringComparison.Ordinal);
        Assert.StartsWith("10.", frameworks.GetValueOrDefault("Microsoft.AspNetCore.App", ""), StringComparison.Ordinal);
        Assert.Null(runtime?["includedFrameworks"]);
        Assert.DoesNotContain(package.Entries.Keys, k => Path.GetFileName(k) == "libcoreclr.so");
    }

    [Fact]
    public void HostJsonUsesTheShippedExtensionsOpenTelemetryAndFullRoutes()
    {
        var host = package.ReadJson("host.json");

        Assert.Equal("2.0", (string?)host["version"]);
        // Extensions come from .azurefunctions/; a bundle would load a second copy of them.
        Assert.Null(host["extensionBundle"]);
        Assert.Null(host["customHandler"]);
        Assert.Equal("OpenTelemetry", (string?)host["telemetryMode"]);
        // Routes are spelled in full (api/...), so the root function can answer at "/".
        Assert.Equal("", (string?)host["extensions"]?["http"]?["routePrefix"]);
    }

    [Fact]
    public void EveryFunctionRunsFromTheAppAssemblyWithOneTrigger()
    {
        Assert.NotEmpty(package.Functions);
        Assert.All(package.Functions, f =>
        {
            Assert.Equal(AppAssembly, f.ScriptFile);
            Assert.Equal("dotnet-isolated", f.Language);
            Assert.True(f.Trigger is not null, $"{f.Name} has no trigger, or more than one");
        });
        Assert.Equal(package.Functions.Count, package.Functions.Select(f => f.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains($"==> {package.Functions.Count} functions in functions.metadata", package.ScriptOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryHttpFunctionHasTheAuthLevelTheReadmeRouteTableStates()
    {
        var http = HttpFunctions();
        var problems = new List<string>();

        foreach (var (row, route, function) in DocumentedRoutes(http, problems))
        {
            var documented = ReadmeRouteTable.AuthLevel(row.Auth);
            if (documented is null)
            {
                problems.Add($"README line {row.Line}: auth '{row.Auth}' is not function, admin, none or anonymous");
            }
            else if (!string.Equals(documented, function.AuthLevel, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"README line {row.Line}: {route.Method} {route.Path} is documented as {documented}, but {function.Name} has authLevel {function.AuthLevel}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryHttpFunctionInTheMetadataHasARowInTheReadmeRouteTable()
    {
        var http = HttpFunctions();
        var documented = DocumentedRoutes(http, []).Select(d => d.Function.Name).ToHashSet(StringComparer.Ordinal);

        var missing = http.Where(f => !documented.Contains(f.Name)).Select(f => $"{f.Name} ({string.Join(",", f.Methods ?? ["any"])} /{f.Route}, {f.AuthLevel})").ToList();

        Assert.True(missing.Count == 0, $"README.md '## HTTP API' table lists no route of: {string.Join("; ", missing)}");
    }

    [Fact]
    public void ManageRoutesNeedTheAdminKeyAndOnlyHealthDocsDashboardAndRootAreAnonymous()
    {
        var http = HttpFunctions();

        Assert.Contains(http, f => IsUnder(f.Route, "api/manage"));
        Assert.All(http, f =>
        {
            var expected = IsUnder(f.Route, "api/manage") ? "Admin"
                : IsUnder(f.Route, "api/health") || IsUnder(f.Route, "api/docs") || IsUnder(f.Route, "api/dashboard") || RouteTemplate.Match(f.Route!, "/") >= 0 ? "Anonymous"
                : "Function";
            Assert.True(expected == f.AuthLevel, $"{f.Name} (/{f.Route}) has authLevel {f.AuthLevel}, expected {expected}");
        });
    }

    [Fact]
    public void IngestDumpIsAnEventGridBlobTriggerOnTheDumpsContainerAndHostStorage()
    {
        var ingest = Assert.Single(package.Functions, f => f.Name == "IngestDump");
        var trigger = ingest.Trigger!;

        Assert.Equal("blobTrigger", PackagedFunction.Text(trigger, "type"));
        Assert.Equal("EventGrid", PackagedFunction.Text(trigger, "source"));
        Assert.Equal("dumps/{name}", PackagedFunction.Text(trigger, "path"));
        // The host storage connection, whose identity holds the roles the Event Grid blob trigger needs (rbac.bicep).
        Assert.Equal("AzureWebJobsStorage", PackagedFunction.Text(trigger, "connection"));
        // Flex runs no polling blob trigger: every blob trigger must use Event Grid.
        Assert.All(package.Functions.Where(f => PackagedFunction.Text(f.Trigger!, "type") == "blobTrigger"),
            f => Assert.Equal("EventGrid", PackagedFunction.Text(f.Trigger!, "source")));
    }

    [Fact]
    public void EveryEntryHasMode0644AndEveryHeaderSaysMadeByUnix()
    {
        Assert.NotEmpty(package.Entries);
        Assert.All(package.Entries.Values, e => Assert.True(e.Permissions == Mode0644, $"{e.Name} has mode {Convert.ToString(e.Permissions, 8)}"));
        Assert.All(package.Entries.Values, e => Assert.Equal(0x8000, e.UnixMode & 0xF000)); // regular files only
        Assert.Equal(package.Entries.Count, package.MadeByHosts.Count);
        Assert.All(package.MadeByHosts, host => Assert.Equal(3, host));
    }

    [Fact]
    public void PackageCarriesNoLocalSettingsDebugSymbolsOrStorageKeys()
    {
        Assert.DoesNotContain(package.Entries.Keys, k => Path.GetFileName(k) is "local.settings.json" or "appsettings.Development.json");
        Assert.DoesNotContain(package.Entries.Keys, k => k.EndsWith(".pdb", StringComparison.Ordinal) || k.EndsWith(".dbg", StringComparison.Ordinal));

        // Binaries legitimately contain the words "AccountKey=" (connection-string parsers), so look for an actual key:
        // a long base64 value after it, in UTF-8/ASCII text or in UTF-16 string literals.
        var leaks = package.Entries.Values.Where(e => ContainsAccountKey(e.Content)).Select(e => e.Name).ToList();

        Assert.Empty(leaks);

        // Settings-like text files must not hold a connection string at all: the app uses identity-based settings.
        var textFiles = package.Entries.Values
            .Where(e => Path.GetExtension(e.Name) is ".json" or ".metadata" or ".config" or ".xml" or ".txt" or ".env" or ".yaml" or ".yml" or ".ini")
            .ToList();
        Assert.Contains(textFiles, e => e.Name == "host.json");
        Assert.All(textFiles, e =>
        {
            var text = Encoding.UTF8.GetString(e.Content);
            foreach (var marker in new[] { "AccountKey=", "DefaultEndpointsProtocol=", "SharedAccessSignature=", "InstrumentationKey=", "UseDevelopmentStorage=" })
            {
                Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{e.Name} contains {marker}");
            }
        });
    }

    [Fact]
    public void ModelAndDataFilesKeptInTheRepoShipAtThePackageRoot()
    {
        var modelsFolder = Path.Combine(TestEnvironment.RepoRoot, "ml", "models");
        var models = Directory.Exists(modelsFolder) ? Directory.GetFiles(modelsFolder, "*.zip") : [];

        Assert.All(models, m => Assert.Contains($"models/{Path.GetFileName(m)}", package.Entries.Keys));
        // Reference data the region tagger loads at startup.
        if (File.Exists(Path.Combine(TestEnvironment.RepoRoot, "ml", "data", "regions.json")))
        {
            Assert.Contains("data/regions.json", package.Entries.Keys);
        }

        Assert.Contains("==> models: ", package.ScriptOutput, StringComparison.Ordinal);
    }

    private List<PackagedFunction> HttpFunctions()
    {
        var http = package.Functions.Where(f => f.IsHttp).ToList();
        Assert.NotEmpty(http);
        Assert.All(http, f => Assert.True(f.Route is not null && f.AuthLevel is not null, $"{f.Name}: httpTrigger without route or authLevel"));
        return http;
    }

    /// <summary>
    /// Each route in the README's HTTP API table with the function that serves it. A path that matches no function is
    /// read as a sibling of the row's previous path (`/api/calc/contributions`, `/housing-fund`). Routes that match no
    /// function, or two equally well, and rows without any route go to <paramref name="problems"/>.
    /// </summary>
    private static List<(DocumentedRow Row, DocumentedRoute Route, PackagedFunction Function)> DocumentedRoutes(
        List<PackagedFunction> http, List<string> problems)
    {
        var rows = ReadmeRouteTable.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "README.md")), "## HTTP API");
        Assert.NotEmpty(rows);
        var found = new List<(DocumentedRow, DocumentedRoute, PackagedFunction)>();
        foreach (var row in rows)
        {
            if (row.Routes.Count == 0)
            {
                problems.Add($"README line {row.Line}: no route in code spans: {row.Text}");
            }

            string? previous = null;
            foreach (var route in row.Routes)
            {
                var candidates = Serving(http, route.Method, route.Path);
                var path = route.Path;
                if (candidates.Count == 0 && previous is not null)
                {
                    path = RouteTemplate.Sibling(previous, route.Path);
                    candidates = Serving(http, route.Method, path);
                }

                if (candidates.Count == 1)
                {
                    found.Add((row, route with { Path = path }, candidates[0]));
                }
                else
                {
                    problems.Add(candidates.Count == 0
                        ? $"README line {row.Line}: no function serves {route.Method} {route.Path}"
                        : $"README line {row.Line}: {route.Method} {route.Path} matches {string.Join(" and ", candidates.Select(c => c.Name))} equally");
                }

                previous = path;
            }
        }

        return found;
    }

    // The functions whose route fits the path (and method, when given) with the most literal segments, as routing picks.
    private static List<PackagedFunction> Serving(List<PackagedFunction> http, string? method, string path)
    {
        var fits = http
            .Where(f => method is null || f.Methods is null || f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
            .Select(f => (Function: f, Score: RouteTemplate.Match(f.Route!, path)))
            .Where(m => m.Score >= 0)
            .ToList();
        return fits.Count == 0 ? [] : fits.Where(m => m.Score == fits.Max(x => x.Score)).Select(m => m.Function).ToList();
    }

    private static bool IsUnder(string? route, string prefix) =>
        route is not null && (route.Equals(prefix, StringComparison.OrdinalIgnoreCase) || route.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase));

    internal static bool ContainsAccountKey(byte[] content) =>
        ContainsAccountKey(content, Encoding.ASCII) || ContainsAccountKey(content, Encoding.Unicode);

    // Vectorised byte search for the marker, then a regex only on the few bytes after each hit: fast on the binaries.
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
