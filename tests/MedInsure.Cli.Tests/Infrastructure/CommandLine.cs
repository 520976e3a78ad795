namespace MedInsure.Cli.Tests.Infrastructure;

/// <summary>Runs the command line in-process and captures what it wrote.</summary>
public static class CommandLine
{
    public sealed record Run(int Code, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Task<Run> RunAsync(params string[] args) => InvokeAsync(null, null, args);

    /// <summary>With settings that point storage commands at a test's own store.</summary>
    public static Task<Run> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args) => InvokeAsync(settings, null, args);

    public static Task<Run> RunWithInputAsync(string stdin, params string[] args) => InvokeAsync(null, stdin, args);

    private static async Task<Run> InvokeAsync(IReadOnlyDictionary<string, string?>? settings, string? stdin, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var input = new StringReader(stdin ?? "");
        var code = await CliApp.RunAsync(args, stdout, stderr, settings, input, TestContext.Current.CancellationToken);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }
}
