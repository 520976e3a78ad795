using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MedInsure.Infra.Tests;

/// <summary>
/// scripts/preprovision.sh against a fake `azd` that keeps the environment in files: it generates PAGING_SECRET once
/// and never replaces it. PATH holds only the fake azd, od and tr, so the script can need nothing else.
/// </summary>
public sealed partial class PreprovisionHookTests : IDisposable
{
    private const string Variable = "PAGING_SECRET";

    // Answers `env get-value` and `env set` from one file per key, and logs every call. Shell builtins only.
    private const string FakeAzd = """
        #!/bin/sh
        printf '%s\n' "$*" >> "$FAKE_AZD_STATE/calls"
        case "$1 $2" in
          "env get-value")
            case "${FAKE_AZD_GET:-}" in
              empty) exit 0 ;;
              error-on-stdout) echo "ERROR: key '$3' not found in the environment values"; exit 0 ;;
            esac
            if [ -f "$FAKE_AZD_STATE/$3" ]; then
              IFS= read -r value < "$FAKE_AZD_STATE/$3"
              printf '%s\n' "$value"
              exit 0
            fi
            echo "ERROR: key '$3' not found in the environment values" >&2
            exit 1 ;;
          "env set")
            if [ "${FAKE_AZD_SET:-}" = fail ]; then
              echo "ERROR: could not save the environment" >&2
              exit 1
            fi
            printf '%s\n' "$4" > "$FAKE_AZD_STATE/$3" ;;
          *)
            echo "fake azd: unexpected call: $*" >&2
            exit 2 ;;
        esac
        """;

    private static string Script => Path.Combine(TestEnvironment.RepoRoot, "scripts", "preprovision.sh");

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"medinsure-preprovision-{Guid.NewGuid():N}");

    private string Bin => Path.Combine(_root, "bin");

    private string State => Path.Combine(_root, "state");

    public PreprovisionHookTests()
    {
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(State);
        var azd = Path.Combine(Bin, "azd");
        File.WriteAllText(azd, FakeAzd.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var tool in new[] { "od", "tr" })
        {
            File.CreateSymbolicLink(Path.Combine(Bin, tool), FindOnPath(tool));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("error-on-stdout")]
    public async Task GeneratesA64HexDigitSecretWhenTheEnvironmentHasNone(string absence)
    {
        var result = await RunAsync(("FAKE_AZD_GET", absence));

        Assert.True(result.ExitCode == 0, result.ToString());
        var set = Assert.Single(Calls(), c => c.StartsWith("env set", StringComparison.Ordinal));
        var match = SetCall().Match(set);
        Assert.True(match.Success, $"unexpected call: {set}");
        var secret = match.Groups[1].Value;
        Assert.Equal(secret, StoredSecret());
        // The value never reaches the output that azd shows and logs.
        Assert.DoesNotContain(secret, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeepsTheSecretTheEnvironmentAlreadyHas()
    {
        const string existing = "an-existing-value-set-by-a-rotation-0123456789";
        await File.WriteAllTextAsync(Path.Combine(State, Variable), existing + "\n", TestContext.Current.CancellationToken);

        var result = await RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(new[] { $"env get-value {Variable}" }, Calls());
        Assert.Equal(existing, StoredSecret());
        Assert.DoesNotContain(existing, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GeneratesADifferentSecretForEachNewEnvironment()
    {
        var first = await RunAsync();
        var firstSecret = StoredSecret();
        File.Delete(Path.Combine(State, Variable));
        var second = await RunAsync();

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches(HexSecret(), firstSecret);
        Assert.Matches(HexSecret(), StoredSecret());
        Assert.NotEqual(firstSecret, StoredSecret());
    }

    [Fact]
    public async Task FailsWhenAzdCannotStoreTheSecret()
    {
        // azure.yaml sets continueOnError: false, so this stops `azd provision` before Bicep runs without the key.
        var result = await RunAsync(("FAKE_AZD_SET", "fail"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(State, Variable)));
    }

    [Fact]
    public void IsAnExecutablePosixShScript()
    {
        var text = File.ReadAllText(Script);

        Assert.StartsWith("#!/bin/sh\n", text, StringComparison.Ordinal);
        Assert.Contains("set -eu", text, StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(Script).HasFlag(UnixFileMode.UserExecute), "preprovision.sh is not executable (git update-index --chmod=+x)");
    }

    [Fact]
    public void AzureYamlRunsItBeforeProvisioning()
    {
        var hook = ProjectHook(File.ReadAllLines(Path.Combine(TestEnvironment.RepoRoot, "azure.yaml")), "preprovision");

        Assert.Equal("sh", hook.GetValueOrDefault("shell"));
        Assert.Equal("./scripts/preprovision.sh", hook.GetValueOrDefault("run"));
        // A failed hook must stop provisioning: Bicep would otherwise run without the key.
        Assert.Equal("false", hook.GetValueOrDefault("continueOnError"));
    }

    [Fact]
    public void MainParametersPassTheVariableItFillsToTheSecureParameter()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "infra", "main.parameters.json")))!["parameters"]!;

        Assert.Equal($"${{{Variable}}}", (string?)parameters["pagingSecret"]?["value"]);
        Assert.Contains($"name={Variable}\n", File.ReadAllText(Script), StringComparison.Ordinal);
        Assert.Matches(@"@secure\(\)\s*\n@minLength\(32\)\s*\nparam pagingSecret string\n", File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "infra", "main.bicep")));
    }

    private async Task<ProcessResult> RunAsync(params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Bin,
            ["FAKE_AZD_STATE"] = State,
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return await TestEnvironment.RunAsync("/bin/sh", [Script], TimeSpan.FromSeconds(30), environment);
    }

    private string[] Calls()
    {
        var log = Path.Combine(State, "calls");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    private string StoredSecret() => File.ReadAllText(Path.Combine(State, Variable)).TrimEnd('\n');

    // The key/value lines under `hooks:` -> `<name>:` at the top level of azure.yaml (not a service's hooks).
    private static Dictionary<string, string> ProjectHook(string[] lines, string name)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var hooks = Array.IndexOf(lines, "hooks:");
        Assert.True(hooks >= 0, "azure.yaml has no top-level hooks section");
        var start = Array.FindIndex(lines, hooks + 1, l => l == $"  {name}:");
        Assert.True(start > hooks, $"azure.yaml has no top-level {name} hook");
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal) || l.TrimStart().StartsWith('#')))
        {
            var match = YamlPair().Match(line);
            if (match.Success)
            {
                values[match.Groups[1].Value] = match.Groups[2].Value.Trim();
            }
        }

        return values;
    }

    private static string FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"{tool} is not on PATH", tool);

    [GeneratedRegex(@"^env set PAGING_SECRET ([0-9a-f]{64})$")]
    private static partial Regex SetCall();

    [GeneratedRegex(@"^[0-9a-f]{64}$")]
    private static partial Regex HexSecret();

    [GeneratedRegex(@"^    (\w+): (.*)$")]
    private static partial Regex YamlPair();
}
