using MedInsure.Cli;

namespace MedInsure.Functions.Tests.Cli;

public sealed class IngestCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("ingest-cli-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task IngestUploadsEveryDumpWaitsForItAndPrintsASummary()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "one.txt"), TestDumps.Simple("C1"));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "two.txt"), TestDumps.Simple("C2"));
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "zero.bin"), [0, 1, 2, 0, 0]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["ingest", folder.FullName, "--timeout", "120"], stdout, stderr, app.Settings);

        Assert.Equal(1, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("dump", lines[0]);
        Assert.Matches(@"^one\.txt\s+succeeded\s+3\s+3\s+0\s+0", lines.Single(l => l.StartsWith("one.txt", StringComparison.Ordinal)));
        Assert.Contains("rejected", lines.Single(l => l.StartsWith("zero.bin", StringComparison.Ordinal)));
        Assert.Matches(@"^total\s+2/3 ok\s+6\s+6\s+0\s+0", lines[^1]);
        Assert.Equal(6, (await app.AllArticlesAsync()).Count);

        // What the command wrote is queryable and counted, like what the app's own trigger writes.
        var client = app.CreateKeyedClient();
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/articles?limit=100");
        Assert.Equal(6, listed.GetProperty("items").GetArrayLength());
        var stats = await client.GetFromJsonAsync<JsonElement>("/api/stats?by=topic");
        Assert.Equal(6, stats.GetProperty("rows").EnumerateArray().Sum(r => r.GetProperty("articles").GetInt32()));
    }

    [Fact]
    public async Task IngestingTheSameFilesTwiceReportsTheFirstIngestionAndExitsZero()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var file = Path.Combine(folder.FullName, "again.txt");
        await File.WriteAllTextAsync(file, TestDumps.Simple("C3"));

        Assert.Equal(0, await CliApp.RunAsync(["ingest", file], new StringWriter(), new StringWriter(), app.Settings));
        var second = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["ingest", file], second, new StringWriter(), app.Settings));

        Assert.Equal(3, (await app.AllArticlesAsync()).Count);
        Assert.Matches(@"again\.txt\s+succeeded\s+3\s+3", second.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--bogus")]
    [InlineData("/no/such/dump.txt")]
    public async Task UsageErrorsExitTwoWithHelp(string arg)
    {
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(arg.Length == 0 ? ["ingest"] : ["ingest", arg], new StringWriter(), stderr);

        Assert.Equal(2, exit);
        Assert.Contains("usage: ingest", stderr.ToString());
    }
}
