namespace MedInsure.Functions.Cli;

// Placeholder until the parser lands (issue #2).
internal static class ParseCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        _ = args;
        _ = stdout;
        stderr.WriteLine("parse: not implemented yet");
        return Task.FromResult(CommandLine.UsageError);
    }
}
