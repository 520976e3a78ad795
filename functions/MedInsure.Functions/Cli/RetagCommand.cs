using MedInsure.Articles.Tagging;

namespace MedInsure.Functions.Cli;

/// <summary><c>retag</c>: re-classifies every stored article after a model or gazetteer change (idempotent).</summary>
internal static class RetagCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings = null)
    {
        if (args.Length > 0)
        {
            await (args[0] is "-h" or "--help" ? stdout : stderr).WriteLineAsync("usage: retag\n  Re-tags every stored article in the configured storage (AzureWebJobsStorage) and prints a summary.");
            return args[0] is "-h" or "--help" ? CommandLine.Ok : CommandLine.UsageError;
        }

        await using var services = CommandServices.Build(emulateTrigger: false, settings);
        var retag = services.GetRequiredService<RetagService>();
        var total = await retag.CountAsync(CancellationToken.None);
        var bar = new ProgressBar(stderr, "Re-tagging", total);
        var summary = await retag.RetagAllAsync(new Progress<int>(bar.Report), CancellationToken.None);
        await stdout.WriteLineAsync($"re-tagged with {summary.ModelVersion}: {summary.Scanned} articles scanned, {summary.Changed} changed");
        return CommandLine.Ok;
    }
}
