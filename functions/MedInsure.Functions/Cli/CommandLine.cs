namespace MedInsure.Functions.Cli;

/// <summary>
/// The app doubles as the content team's command-line tool: the first argument picks a command,
/// anything else (or "serve") starts the HTTP app.
/// </summary>
internal static class CommandLine
{
    public const int Ok = 0;
    public const int InputRejected = 1;
    public const int UsageError = 2;

    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["parse"] = a => ParseCommand.RunAsync(a, Console.Out, Console.Error),
        ["ingest"] = a => IngestCommand.RunAsync(a, Console.Out, Console.Error),
        ["calc"] = a => CalcCommand.RunAsync(a, Console.Out, Console.Error),
        ["stats"] = a => StatsCommand.RunAsync(a, Console.Out, Console.Error),
        ["classify"] = a => ClassifyCommand.RunAsync(a, Console.In, Console.Out, Console.Error),
        ["retag"] = a => RetagCommand.RunAsync(a, Console.Out, Console.Error),
        ["migrate"] = a => MigrateCommand.RunAsync(a, Console.Out, Console.Error),
    };

    public static bool TryGetCommand(string[] args, out Func<string[], Task<int>> command)
    {
        command = null!;
        return args.Length > 0 && Commands.TryGetValue(args[0], out command!);
    }

    public static IEnumerable<string> Names => Commands.Keys;
}
