namespace MedInsure.Cli.Tests;

public sealed class StoreCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RetagOnAnEmptyStoreScansNothingAndExitsZero()
    {
        var run = await CommandLine.RunAsync(azurite.NewStore(), "retag");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Matches(@"^re-tagged with topic-\S+: 0 articles scanned, 0 changed$", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task MigrateOnAnEmptyStoreMovesNothingAndExitsZero()
    {
        var run = await CommandLine.RunAsync(azurite.NewStore(), "migrate");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Equal("articles: 0 scanned, 0 moved to the current partition layout", run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task RetagAndMigrateAfterAnIngestionScanItsArticlesAndChangeNothing()
    {
        var store = azurite.NewStore();
        var file = Path.Combine(Path.GetTempPath(), $"cli-retag-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, TestDumps.Simple("R1"), TestContext.Current.CancellationToken);
        try
        {
            Assert.Equal(0, (await CommandLine.RunAsync(store, "ingest", file)).Code);

            var retag = await CommandLine.RunAsync(store, "retag");
            var migrate = await CommandLine.RunAsync(store, "migrate");

            Assert.Equal((0, 0), (retag.Code, migrate.Code));
            Assert.Matches(@"^re-tagged with topic-\S+: 3 articles scanned, 0 changed$", retag.Stdout.TrimEnd());
            Assert.Equal("articles: 3 scanned, 0 moved to the current partition layout", migrate.Stdout.TrimEnd());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
