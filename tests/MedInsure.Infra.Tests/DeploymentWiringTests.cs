using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>The pieces that must agree across files: azure.yaml, the scripts, host.json and the blob trigger.</summary>
public sealed class DeploymentWiringTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([TestEnvironment.RepoRoot, .. path]));

    [Fact]
    public void AzureYamlDeploysThePackageFolderAndRunsBothHooks()
    {
        var yaml = Read("azure.yaml");

        Assert.Contains("name: medinsure", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.Contains("remoteBuild: false", yaml, StringComparison.Ordinal);
        Assert.Contains("dist: out/package", yaml, StringComparison.Ordinal);
        Assert.Contains("run: ./scripts/package.sh --staging out/package", yaml, StringComparison.Ordinal);
        Assert.Contains("run: ./scripts/postdeploy.sh", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("package.sh")]
    [InlineData("postdeploy.sh")]
    public void HookScriptsAreExecutableBashScripts(string script)
    {
        var path = Path.Combine(TestEnvironment.RepoRoot, "scripts", script);

        Assert.StartsWith("#!/usr/bin/env bash", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable (git update-index --chmod=+x)");
    }

    [Fact]
    public void PostDeployHookSubscribesTheBlobTriggerFunctionToItsContainer()
    {
        var script = Read("scripts", "postdeploy.sh");
        var blobFunctions = Directory.EnumerateDirectories(Path.Combine(TestEnvironment.RepoRoot, "functions"))
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(d => (Name: Path.GetFileName(d), Bindings: JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!["bindings"]!.AsArray()))
            .Select(f => (f.Name, Trigger: f.Bindings.FirstOrDefault(b => (string?)b!["type"] == "blobTrigger")))
            .Where(f => f.Trigger is not null)
            .ToList();

        var (name, trigger) = Assert.Single(blobFunctions);
        var container = ((string?)trigger!["path"])!.Split('/')[0];

        Assert.Contains($"function_name=\"{name}\"", script, StringComparison.Ordinal);
        Assert.Contains($"STORAGE_DUMPS_CONTAINER:-{container}", script, StringComparison.Ordinal);
        Assert.Contains("functionName=Host.Functions.$function_name&code=$key", script, StringComparison.Ordinal);
        Assert.Contains("/blobServices/default/containers/$container/", script, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage.BlobCreated", script, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", script, StringComparison.Ordinal);
        // The trigger must use the host storage connection whose identity holds the Event Grid blob-trigger roles.
        Assert.Equal("AzureWebJobsStorage", (string?)trigger["connection"]);
    }

    [Fact]
    public void MainParametersMapTheAzdEnvironment()
    {
        var parameters = JsonNode.Parse(Read("infra", "main.parameters.json"))!["parameters"]!;

        Assert.Equal("${AZURE_ENV_NAME}", (string?)parameters["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)parameters["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)parameters["principalId"]!["value"]);
    }
}
