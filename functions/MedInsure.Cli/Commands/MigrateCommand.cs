using System.CommandLine;
using MedInsure.Articles.Ingestion;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Commands;

internal static class MigrateCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("migrate", """
            Moves articles stored by builds before 2026-12-02 to the current partition layout.
            From the 16-partition layout to the current one (4 partitions), in the configured storage (AzureWebJobsStorage).
            Until then ingestion and article reads refuse to run against it. Stop ingestion first; safe to run again after
            an interruption, and a no-op on a migrated store.
            """);
        command.SetAction(async (_, ct) =>
        {
            await using var services = cli.BuildServices();
            var total = await CommandServices.CountArticlesAsync(services, ct);
            var articles = services.GetRequiredService<ArticleStore>();
            var result = await ProgressDisplay.RunAsync(cli.Err, progress =>
                articles.MigrateLayoutAsync(progress.AddTask("Migrating", maxValue: total).Reporter(), ct));
            await cli.Stdout.WriteLineAsync($"articles: {result.Scanned} scanned, {result.Moved} moved to the current partition layout");
            return ExitCodes.Ok;
        });
        return command;
    }
}
