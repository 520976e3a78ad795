using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using MedInsure.Cli.Commands;

namespace MedInsure.Cli;

/// <summary>
/// The content teams' and analysts' command line: <c>parse</c>, <c>ingest</c>, <c>classify</c>, <c>retag</c>,
/// <c>reindex</c>, <c>recount</c>, <c>stats export|recount</c> and <c>calc &lt;calculator&gt;</c>.
/// </summary>
public static class CliApp
{
    /// <summary>The name the usage shows for the program.</summary>
    public const string ProgramName = "MedInsure.Cli";

    /// <summary>Runs one command line and returns its exit code: 0 success, 1 some input rejected or failed, 2 usage error.</summary>
    /// <param name="args">The arguments after the program name, e.g. <c>["parse", "dump.txt"]</c>.</param>
    /// <param name="stdout">Results: JSON Lines, summaries, help.</param>
    /// <param name="stderr">Errors, usage on a usage error, progress and warnings.</param>
    /// <param name="settings">Configuration that overrides environment variables and appsettings.json, e.g.
    /// <c>AzureWebJobsStorage</c> and <c>Storage:NamePrefix</c> to point the commands at other storage.</param>
    /// <param name="stdin">What <c>classify</c> reads without a file; the console's input by default.</param>
    /// <param name="ct">Stops the command.</param>
    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IReadOnlyDictionary<string, string?>? settings = null,
        TextReader? stdin = null,
        CancellationToken ct = default)
    {
        var cli = new CliContext(stdout, stderr, stdin ?? Console.In, settings);
        // Paths are taken literally: no @response-file expansion of a dump named "@...".
        var result = CreateRoot(cli).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var command = result.CommandResult.Command;
        // --help, --version and directives act for themselves; anything else runs the command, if the line is right.
        var runsCommand = result.Action is null or ParseErrorAction || result.Action == command.Action;
        if (runsCommand && Usage.FindError(result) is { } problem)
        {
            return cli.UsageError(command, problem);
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (UsageException e)
        {
            return cli.UsageError(command, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"{Usage.PathOf(command)}: cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"{Usage.PathOf(command)}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static RootCommand CreateRoot(CliContext cli)
    {
        var root = new RootCommand("""
            The content teams' and analysts' commands.
            Storage is the AzureWebJobsStorage setting (default: Azurite, UseDevelopmentStorage=true). Run a command with
            --help for its options.
            Exit codes: 0 success, 1 some input rejected or failed, 2 usage error.
            """)
        {
            ParseCommand.Create(cli),
            IngestCommand.Create(cli),
            ClassifyCommand.Create(cli),
            RetagCommand.Create(cli),
            RebuildCommands.Reindex(cli),
            RebuildCommands.Recount(cli),
            StatsCommand.Create(cli),
            CalcCommand.Create(cli),
        };

        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Description = "show this help";
                help.Action = new ShowUsage(cli);
            }
            else if (option is VersionOption version)
            {
                version.Description = "show the version";
            }
        }

        return root;
    }

    // Replaces System.CommandLine's help, whose layout is fixed, with the usage Usage.Write builds from the command.
    private sealed class ShowUsage(CliContext cli) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            Usage.Write(parseResult.CommandResult.Command, cli.Stdout, cli.Out);
            return ExitCodes.Ok;
        }
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int UsageError = 2;
}

// A problem with the command line found only once the command runs (e.g. an empty directory to ingest): exit 2 with the usage.
internal sealed class UsageException(string message) : Exception(message);
