using System.Diagnostics;

namespace MedInsure.Cli.Tests;

public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("serve")]
    [InlineData("--urls")]
    public async Task UnknownCommandExitsTwoAndPrintsTheCommandList(string command)
    {
        var clock = Stopwatch.StartNew();

        var run = await CommandLine.RunAsync(command, "http://127.0.0.1:7071");

        // Nothing was started: the command line was refused before anything ran.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal((2, ""), (run.Code, run.Stdout));
        var kind = command.StartsWith('-') ? "option" : "command";
        Assert.StartsWith($"MedInsure.Cli: unknown {kind} '{command}'{Environment.NewLine}usage: MedInsure.Cli <parse|ingest|classify|retag|reindex|recount|stats|calc>", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("  calc ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommandExitsTwoAndPrintsTheCommandList()
    {
        var run = await CommandLine.RunAsync();

        Assert.Equal((2, ""), (run.Code, run.Stdout));
        Assert.StartsWith($"MedInsure.Cli: missing command{Environment.NewLine}usage: MedInsure.Cli <", run.Stderr, StringComparison.Ordinal);
    }

    // The usage that follows the problem starts with the command's own synopsis, or its family's for a subcommand.
    private static readonly Dictionary<string, string> FirstUsageLine = new()
    {
        ["parse"] = "usage: parse ",
        ["ingest"] = "usage: ingest ",
        ["classify"] = "usage: classify ",
        ["retag"] = "usage: retag",
        ["reindex"] = "usage: reindex",
        ["recount"] = "usage: recount",
        ["stats"] = "usage: stats <export|recount>",
        ["calc"] = "usage: calc <contributions|housing-fund|pension|medical-account|outpatient>",
    };

    [Theory]
    [InlineData("parse", "parse: no input paths given", "usage: parse [--max-bytes N] PATH...")]
    [InlineData("parse --verbose x", "parse: unknown option '--verbose'", "usage: parse ")]
    [InlineData("parse --max-bytes lots x", "parse: --max-bytes needs a positive whole number of bytes", "usage: parse ")]
    [InlineData("parse --max-bytes", "parse: option '--max-bytes' needs a value", "usage: parse ")]
    [InlineData("parse /nonexistent/medinsure/dump.txt", "parse: path not found: /nonexistent/medinsure/dump.txt", "usage: parse ")]
    [InlineData("ingest", "ingest: no input paths given", "usage: ingest [--no-process] [--timeout SECONDS] PATH...")]
    [InlineData("ingest --bogus", "ingest: unknown option '--bogus'", "usage: ingest ")]
    [InlineData("ingest --timeout 0 /", "ingest: --timeout needs a positive whole number of seconds", "usage: ingest ")]
    [InlineData("classify a.jsonl b.jsonl", "classify: unexpected argument 'b.jsonl'", "usage: classify [FILE|-]")]
    [InlineData("classify /nonexistent/lines.jsonl", "classify: /nonexistent/lines.jsonl: file not found", "usage: classify ")]
    [InlineData("retag --all", "retag: unknown option '--all'", "usage: retag")]
    [InlineData("reindex now", "reindex: unexpected argument 'now'", "usage: reindex")]
    [InlineData("stats", "stats: missing subcommand", "usage: stats <export|recount>")]
    [InlineData("stats bogus", "stats: unknown subcommand 'bogus'", "usage: stats <export|recount>")]
    [InlineData("stats export --by topic", "stats export: --out FILE is required", "       stats export --out FILE ")]
    [InlineData("stats export --out x.csv --format xml", "stats export: --format must be csv or json", "       stats export ")]
    [InlineData("stats recount --fast", "stats recount: unknown option '--fast'", "       stats recount")]
    [InlineData("calc", "calc: missing calculator", "usage: calc <contributions|housing-fund|pension|medical-account|outpatient>")]
    [InlineData("calc salary", "calc: unknown calculator 'salary'", "usage: calc <contributions|housing-fund|pension|medical-account|outpatient>")]
    [InlineData("calc contributions --bass 8400", "calc contributions: unknown option '--bass'", "       calc contributions --base N")]
    [InlineData("calc contributions --base", "calc contributions: option '--base' needs a value", "       calc contributions ")]
    [InlineData("calc contributions --base 8400 --rate housing=8/8", "calc contributions: --rate takes INSURANCE=EMPLOYEE/EMPLOYER with INSURANCE one of pension, medical, unemployment, injury, maternity; got 'housing=8/8'", "       calc contributions ")]
    [InlineData("calc pension --history 1:2:3", "calc pension: --history takes BASE:AVERAGE_WAGE, got '1:2:3'", "       calc pension ")]
    public async Task UsageErrorExitsTwoWithTheProblemAndThatCommandsUsageOnStderr(string commandLine, string problem, string usage)
    {
        var run = await CommandLine.RunAsync(commandLine.Split(' '));

        Assert.Equal((2, ""), (run.Code, run.Stdout));
        var lines = run.Stderr.Split(Environment.NewLine);
        Assert.Equal(problem, lines[0]);
        Assert.StartsWith(FirstUsageLine[commandLine.Split(' ')[0]], lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith(usage, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("  -h, --help", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IngestingAFolderWithoutFilesIsAUsageError()
    {
        var empty = Directory.CreateTempSubdirectory("cli-empty-");
        try
        {
            var run = await CommandLine.RunAsync("ingest", empty.FullName);

            Assert.Equal((2, ""), (run.Code, run.Stdout));
            Assert.StartsWith($"ingest: no files to ingest{Environment.NewLine}usage: ingest", run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete();
        }
    }
}
