using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>The pieces that must agree across files: azure.yaml, the scripts and the packaged blob trigger.</summary>
[Collection(PackageCollection.Name)]
public sealed class DeploymentWiringTests(PackageFixture package)
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([TestEnvironment.RepoRoot, .. path]));

    [Fact]
    public void AzureYamlDeploysThePackageFolderAndRunsBothHooks()
    {
        var yaml = Read("azure.yaml");

        Assert.Contains("name: medinsure", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        // `custom` deploys the folder the hook fills; `dotnet` would publish and deploy a different build of its own.
        Assert.Contains("language: custom", yaml, StringComparison.Ordinal);
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
        var blobFunction = Assert.Single(package.Functions, f => f.Trigger is { } t && PackagedFunction.Text(t, "type") == "blobTrigger");
        var container = PackagedFunction.Text(blobFunction.Trigger!, "path")!.Split('/')[0];

        Assert.Contains($"function_name=\"{blobFunction.Name}\"", script, StringComparison.Ordinal);
        Assert.Contains($"STORAGE_DUMPS_CONTAINER:-{container}", script, StringComparison.Ordinal);
        Assert.Contains("functionName=Host.Functions.$function_name&code=$key", script, StringComparison.Ordinal);
        Assert.Contains("/blobServices/default/containers/$container/", script, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Storage.BlobCreated", script, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension", script, StringComparison.Ordinal);
        // The hook wakes the app on a route that needs no key; it must still exist and stay anonymous.
        Assert.Contains("/api/health", script, StringComparison.Ordinal);
        Assert.Contains(package.Functions, f => f.IsHttp && f.Route == "api/health" && f.AuthLevel == "Anonymous");
    }

    [Fact]
    public void MainBicepNamesTheSameDumpsContainerAsTheBlobTrigger()
    {
        var blobFunction = Assert.Single(package.Functions, f => f.Trigger is { } t && PackagedFunction.Text(t, "type") == "blobTrigger");
        var container = PackagedFunction.Text(blobFunction.Trigger!, "path")!.Split('/')[0];

        Assert.Contains($"Dumps: '{container}'", Read("infra", "main.bicep"), StringComparison.Ordinal);
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
