using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Tests;

// Dump names are unique across the assembly: the dumps container is shared by every test of this Azurite.
public sealed class IngestCommandTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cli-ingest-");
    private readonly IReadOnlyDictionary<string, string?> store = azurite.NewStore();

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task IngestUploadsEveryDumpIngestsItAndPrintsASummary()
    {
        Write("one.txt", TestDumps.Simple("I1"));
        Write("two.txt", TestDumps.Simple("I2"));
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "zero.bin"), [0, 1, 2, 0, 0], TestContext.Current.CancellationToken);

        var run = await CommandLine.RunAsync(store, "ingest", folder.FullName, "--timeout", "120");

        Assert.Equal(1, run.Code);
        var lines = run.Lines;
        Assert.Equal(["dump", "status", "articles", "new", "updated", "unchanged", "reason"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^one\.txt\s+succeeded\s+3\s+3\s+0\s+0$", lines.Single(l => l.StartsWith("one.txt", StringComparison.Ordinal)));
        Assert.Matches(@"^two\.txt\s+succeeded\s+3\s+3\s+0\s+0$", lines.Single(l => l.StartsWith("two.txt", StringComparison.Ordinal)));
        Assert.Matches(@"^zero\.bin\s+rejected\s+0\s+0\s+0\s+0\s+byte 0x00 at offset 0: binary content is not a dump$", lines.Single(l => l.StartsWith("zero.bin", StringComparison.Ordinal)));
        Assert.Matches(@"^total\s+2/3 ok\s+6\s+6\s+0\s+0$", lines[^1]);
        Assert.Equal(5, lines.Length);
        // Numbers are right-aligned under their headers; no line carries trailing blanks or terminal escapes.
        foreach (var header in new[] { "articles", "unchanged" })
        {
            var end = lines[0].IndexOf(header, StringComparison.Ordinal) + header.Length;
            Assert.All(lines[1..], line => Assert.True(line[end - 1] is >= '0' and <= '9' && (end == line.Length || line[end] == ' '), $"'{line}' is not aligned under {header}"));
        }

        Assert.All(lines, line => Assert.Equal(line.TrimEnd(), line));
        Assert.DoesNotContain('\u001b', run.Stdout + run.Stderr);
        Assert.Equal(6, await CountArticlesAsync());
    }

    [Fact]
    public async Task IngestingTheSameFileTwiceReportsTheFirstIngestionAndExitsZero()
    {
        var file = Write("again.txt", TestDumps.Simple("I3"));

        var first = await CommandLine.RunAsync(store, "ingest", file);
        var second = await CommandLine.RunAsync(store, "ingest", file);

        Assert.Equal((0, 0), (first.Code, second.Code));
        Assert.Matches(@"(?m)^again\.txt\s+succeeded\s+3\s+3\s+0\s+0$", first.Stdout);
        Assert.Matches(@"(?m)^again\.txt\s+succeeded\s+3\s+3\s+0\s+0$", second.Stdout);
        Assert.Matches(@"(?m)^total\s+1/1 ok\s+3\s+3\s+0\s+0$", second.Stdout);
        Assert.Equal(3, await CountArticlesAsync());
    }

    [Fact]
    public async Task AChangedFileIsIngestedAgainAndCountsWhatChanged()
    {
        var file = Write("changed.txt", TestDumps.Simple("I4"));
        Assert.Equal(0, (await CommandLine.RunAsync(store, "ingest", file)).Code);
        Write("changed.txt", TestDumps.Simple("I4") + "\n");

        var again = await CommandLine.RunAsync(store, "ingest", file);

        Assert.Equal(0, again.Code);
        Assert.Matches(@"(?m)^changed\.txt\s+succeeded\s+3\s+0\s+\d+\s+\d+$", again.Stdout);
        Assert.Equal(3, await CountArticlesAsync());
    }

    [Fact]
    public async Task WithNoProcessAndNothingIngestingItTimesOutWithAClearMessage()
    {
        var file = Write("unattended.txt", TestDumps.Simple("I5"));

        var run = await CommandLine.RunAsync(store, "ingest", "--no-process", "--timeout", "2", file);

        Assert.Equal(1, run.Code);
        Assert.Contains("ingest: timed out after 2 s with 1 dumps not ingested", run.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^unattended\.txt\s+pending\s+0\s+0\s+0\s+0\s+not ingested before the timeout$", run.Stdout);
        Assert.Matches(@"(?m)^total\s+0/1 ok", run.Stdout);
        Assert.Equal(0, await CountArticlesAsync());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(folder.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private async Task<int> CountArticlesAsync()
    {
        await using var services = CommandServices.Build(store);
        var count = 0;
        await foreach (var _ in services.GetRequiredService<ArticleStore>().ScanAsync(TestContext.Current.CancellationToken))
        {
            count++;
        }

        return count;
    }
}
