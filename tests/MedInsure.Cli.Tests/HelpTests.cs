namespace MedInsure.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task RootHelpExitsZeroAndListsEveryCommand(string help)
    {
        var run = await CommandLine.RunAsync(help);

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.StartsWith("usage: MedInsure.Cli <parse|ingest|classify|retag|reindex|recount|stats|calc>", run.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "parse", "ingest", "classify", "retag", "reindex", "recount", "stats", "calc" })
        {
            Assert.Contains(run.Lines, line => line.StartsWith($"  {command}  ", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("serve", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("parse", "--max-bytes N|PATH", "usage: parse [--max-bytes N] PATH...")]
    [InlineData("ingest", "--no-process|--timeout SECONDS|PATH")]
    [InlineData("classify", "FILE|-")]
    [InlineData("retag", "")]
    [InlineData("reindex", "")]
    [InlineData("recount", "")]
    [InlineData("stats", "export|recount")]
    [InlineData("stats export", "--out FILE|--by GROUPS|--level province|city|county|--format csv|json|--from DATE|--to DATE|--topic CODES|--region CODE|--flag CODE|any|--totals")]
    [InlineData("stats recount", "")]
    [InlineData("calc", "contributions|housing-fund|pension|medical-account|outpatient")]
    [InlineData("calc contributions", "--base N|--region CODE|--date yyyy-MM-dd|--rate INSURANCE=EMPLOYEE/EMPLOYER|--average-wage N|--medical-employee-add-on N|--json")]
    [InlineData("calc housing-fund", "--base N|--employee-rate N|--employer-rate N|--region CODE|--date yyyy-MM-dd|--floor N|--ceiling N|--city-average-wage N|--rounding|--json")]
    [InlineData("calc pension", "--years N|--personal-account-balance N|--pension-base N|--region CODE|--year N|--average-index N|--history BASE:AVERAGE|--retirement-age 60|61y7m|--birth-date yyyy-MM-dd|--category|--json")]
    [InlineData("calc medical-account", "--retired|--base N|--region CODE|--date yyyy-MM-dd|--json")]
    [InlineData("calc outpatient", "--eligible-spend N|--deductible N|--ratio N|--annual-cap N|--deductible-used N|--paid-so-far N|--json")]
    public async Task EveryCommandHasHelpThatExitsZeroAndNamesItsOptions(string command, string mentions, string startsWith = "usage: ")
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var run = await CommandLine.RunAsync([.. command.Split(' '), help]);

            Assert.Equal((0, ""), (run.Code, run.Stderr));
            Assert.StartsWith(startsWith, run.Stdout, StringComparison.Ordinal);
            Assert.Contains(run.Lines, line => line.StartsWith($"usage: {command}", StringComparison.Ordinal) || line.StartsWith($"       {command}", StringComparison.Ordinal));
            Assert.Contains(run.Lines, line => line.StartsWith("  -h, --help", StringComparison.Ordinal));
            foreach (var mention in mentions.Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.Contains(mention, run.Stdout, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task HelpWinsOverOtherwiseWrongArguments()
    {
        var run = await CommandLine.RunAsync("calc", "contributions", "--bass", "1", "--help");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Contains("       calc contributions --base N", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpLinesCarryNoTrailingBlanksOrAnsiEscapes()
    {
        var run = await CommandLine.RunAsync("stats", "export", "--help");

        Assert.All(run.Stdout.Split('\n'), line => Assert.Equal(line.TrimEnd(), line));
        Assert.DoesNotContain('\u001b', run.Stdout);
    }
}
