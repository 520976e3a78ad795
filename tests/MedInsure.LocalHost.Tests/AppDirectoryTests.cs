using Microsoft.Extensions.Configuration;

namespace MedInsure.LocalHost.Tests;

public sealed class AppDirectoryTests
{
    [Fact]
    public void WorkerConfigGivesTheExecutableAndTheWorkerPathInTheAppDirectory()
    {
        var config = AppDirectory.ParseWorkerConfig("""
            {
              "description": {
                "language": "dotnet-isolated",
                "extensions": [ ".dll" ],
                "defaultExecutablePath": "dotnet",
                "defaultWorkerPath": "App.dll",
                "workerIndexing": "true",
                "canUsePlaceholder": true
              }
            }
            """, "/srv/app");

        Assert.Equal("dotnet", config.ExecutablePath);
        Assert.Equal("/srv/app/App.dll", config.WorkerPath);
        Assert.Equal("/srv/app", config.WorkerDirectory);
        Assert.Empty(config.ExecutableArguments);
        Assert.Empty(config.WorkerArguments);
    }

    [Fact]
    public void WorkerConfigArgumentsAndRelativeExecutablesAreHonoured()
    {
        var config = AppDirectory.ParseWorkerConfig("""
            { "description": { "defaultExecutablePath": "./bin/App", "arguments": ["--a", "1"], "workerArguments": "--w" } }
            """, "/srv/app");

        Assert.Equal("/srv/app/bin/App", config.ExecutablePath);
        Assert.Null(config.WorkerPath);
        Assert.Equal(["--a", "1"], config.ExecutableArguments);
        Assert.Equal(["--w"], config.WorkerArguments);
    }

    [Fact]
    public void AWorkerConfigWithoutAnExecutableIsRefused()
    {
        Assert.Throws<LocalHostStartException>(() => AppDirectory.ParseWorkerConfig("""{ "description": { } }""", "/srv/app"));
        Assert.Throws<LocalHostStartException>(() => AppDirectory.ParseWorkerConfig("{}", "/srv/app"));
    }

    [Theory]
    [InlineData("""{ "version": "2.0" }""", "api")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "" } } }""", "")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "/v1/" } } }""", "v1")]
    [InlineData("""{ "Extensions": { "Http": { "RoutePrefix": "x" } } }""", "x")]
    [InlineData("""{ /* comment */ "extensions": { "http": { "routePrefix": "c", }, }, }""", "c")]
    public void HostJsonGivesTheRoutePrefix(string hostJson, string expected) =>
        Assert.Equal(expected, AppDirectory.ParseRoutePrefix(hostJson));

    [Fact]
    public void LocalSettingsValuesAreReadAsStrings()
    {
        var values = AppDirectory.ParseLocalSettings("""
            { "IsEncrypted": false, "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Flag": true, "Count": 3 }, "Host": { "LocalHttpPort": 7071 } }
            """);

        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("true", values["Flag"]);
        Assert.Equal("3", values["Count"]);
        Assert.Equal(3, values.Count);
    }

    [Fact]
    public void AnAppDirectoryWithoutTheWorkersFilesIsRefusedNamingThem()
    {
        var directory = Directory.CreateTempSubdirectory("localhost-tests-");
        try
        {
            var ex = Assert.Throws<LocalHostStartException>(() => AppDirectory.EnsureLooksLikeWorkerOutput(directory.FullName));
            Assert.Contains("functions.metadata and worker.config.json", ex.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(directory.FullName, "functions.metadata"), "[]");
            ex = Assert.Throws<LocalHostStartException>(() => AppDirectory.EnsureLooksLikeWorkerOutput(directory.FullName));
            Assert.Contains("lacks worker.config.json", ex.Message, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(directory.FullName, "worker.config.json"), "{}");
            AppDirectory.EnsureLooksLikeWorkerOutput(directory.FullName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }

        Assert.Throws<LocalHostStartException>(() => AppDirectory.EnsureLooksLikeWorkerOutput(directory.FullName));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m", 60000)]
    [InlineData("00:00:03", 3000)]
    public void DurationsReadInTheirShortForms(string text, double milliseconds) =>
        Assert.Equal(milliseconds, LocalHostOptions.ParseDuration(text)!.Value.TotalMilliseconds);

    [Theory]
    [InlineData("5")]
    [InlineData("soon")]
    public void BareNumbersAreNotDurations(string text) => Assert.Null(LocalHostOptions.ParseDuration(text));

    [Fact]
    public void OptionsReadTheLocalHostSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalHost:PollBlobs"] = "false",
            ["LocalHost:BlobPollInterval"] = "250ms",
            ["LocalHost:BlobConcurrency"] = "4",
            ["LocalHost:MaxDequeueCount"] = "3",
            ["LocalHost:RetryDelay"] = "0s",
            ["LocalHost:HostId"] = "fixed",
        }).Build();
        var options = new LocalHostOptions();

        options.ReadFrom(configuration);

        Assert.False(options.PollBlobs);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.BlobPollInterval);
        Assert.Equal(4, options.BlobConcurrency);
        Assert.Equal(3, options.MaxDequeueCount);
        Assert.Equal(TimeSpan.Zero, options.RetryDelay);
        Assert.Equal("fixed", options.HostId);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void InvalidOptionsAreAllReported()
    {
        var options = new LocalHostOptions { BlobConcurrency = 0, MaxDequeueCount = 0, BlobPollInterval = TimeSpan.Zero };
        options.Urls.Add("https://127.0.0.1:7071");

        Assert.Equal(4, options.Validate().Count);
        Assert.Throws<LocalHostStartException>(() => new LocalHostOptions().ReadFrom(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LocalHost:BlobConcurrency"] = "many" }).Build()));
    }
}
