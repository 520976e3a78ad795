using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>Compiles and lints infra/main.bicep once with the Bicep CLI from the NuGet package.</summary>
public sealed class BicepFixture : IAsyncLifetime
{
    public static string MainBicep => Path.Combine(TestEnvironment.RepoRoot, "infra", "main.bicep");

    public ProcessResult Build { get; private set; } = new(-1, "", "");

    public ProcessResult Lint { get; private set; } = new(-1, "", "");

    public string TemplateText => Build.StandardOutput;

    public JsonObject Template { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var bicep = TestEnvironment.BicepPath;
        if (!File.Exists(bicep))
        {
            throw new FileNotFoundException("Bicep CLI not found; restore Azure.Bicep.CommandLine.linux-x64", bicep);
        }

        // NuGet extracts the binary without guaranteeing the execute bit for every user.
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(bicep);
        if ((mode & execute) != execute)
        {
            File.SetUnixFileMode(bicep, mode | execute);
        }

        var timeout = TimeSpan.FromMinutes(2);
        Build = await TestEnvironment.RunAsync(bicep, ["build", MainBicep, "--stdout"], timeout);
        Lint = await TestEnvironment.RunAsync(bicep, ["lint", MainBicep], timeout);
        if (Build.ExitCode == 0)
        {
            Template = JsonNode.Parse(Build.StandardOutput)?.AsObject() ?? throw new InvalidDataException("empty ARM template");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Every resource in the template and in nested deployments (modules), with its own template.</summary>
    public IEnumerable<(JsonObject Resource, JsonObject Template)> AllResources() => Walk(Template);

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        AllResources().Where(r => string.Equals(r.Resource["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Resource);

    private static IEnumerable<(JsonObject, JsonObject)> Walk(JsonObject template)
    {
        // languageVersion 2.0 templates keep resources in an object keyed by symbolic name; 1.x uses an array.
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return (resource, template);
            if (resource["properties"] is JsonObject properties && properties["template"] is JsonObject nested)
            {
                foreach (var inner in Walk(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}
