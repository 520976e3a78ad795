using System.CommandLine;
using MedInsure.Articles.Tagging;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Commands;

internal static class RetagCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("retag", """
            Re-tags every stored article after a topic model or gazetteer change.
            Works on the configured storage (AzureWebJobsStorage) and prints a summary. Idempotent: an article whose tags
            already match is not written.
            """);
        command.SetAction(async (_, ct) =>
        {
            await using var services = cli.BuildServices();
            var total = await CommandServices.CountArticlesAsync(services, ct);
            var retag = services.GetRequiredService<RetagService>();
            var summary = await ProgressDisplay.RunAsync(cli.Err, progress =>
                retag.RetagAllAsync(progress.AddTask("Re-tagging", maxValue: total).Reporter(), ct));
            await cli.Stdout.WriteLineAsync($"re-tagged with {summary.ModelVersion}: {summary.Scanned} articles scanned, {summary.Changed} changed");
            return ExitCodes.Ok;
        });
        return command;
    }
}
