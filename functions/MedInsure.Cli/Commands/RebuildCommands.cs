using System.CommandLine;
using MedInsure.Articles.Rebuild;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace MedInsure.Cli.Commands;

/// <summary><c>reindex</c> and <c>recount</c>: rebuild what ingestion derives from the articles, and print the drift found.</summary>
internal static class RebuildCommands
{
    public static Command Reindex(CliContext cli)
    {
        var command = new Command("reindex", """
            Rebuilds the query index from the articles and prints the rows that had drifted.
            Scans the articles of the configured storage (AzureWebJobsStorage), then repairs each index partition: rows
            missing, stale (other content) or extra. Safe while dumps are ingested. The same as POST /api/manage/reindex.
            Exit codes: 0 no drift, 1 drift found (now repaired), 2 usage error.
            """);
        command.SetAction(async (_, ct) =>
        {
            await using var services = cli.BuildServices();
            var report = await RunAsync(cli, services, (rebuild, progress) => rebuild.ReindexAsync(progress, ct), ct);
            await cli.Stdout.WriteLineAsync($"reindex: {report.Articles} articles, {report.Rows} rows, {report.Missing} missing, {report.Stale} stale, {report.Extra} extra");
            foreach (var d in report.Drift)
            {
                await cli.Stdout.WriteLineAsync($"  {d.Table}/{d.RowKey}: {d.Kind}");
            }

            return report.Missing + report.Stale + report.Extra == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    public static Command Recount(CliContext cli, string description = """
        Rebuilds the statistics and the topic and region counts from the articles and prints the cells that had drifted.
        Scans the articles of the configured storage (AzureWebJobsStorage), then repairs each statistics partition: the
        member rows that say which article counts where, then the cells. Safe while dumps are ingested. The same as
        POST /api/manage/recount.
        Exit codes: 0 no drift, 1 drift found (now repaired), 2 usage error.
        """)
    {
        var command = new Command("recount", description);
        command.SetAction(async (_, ct) =>
        {
            await using var services = cli.BuildServices();
            var report = await RunAsync(cli, services, (rebuild, progress) => rebuild.RecountAsync(progress, ct), ct);
            await cli.Stdout.WriteLineAsync($"recount: {report.Articles} articles, {report.Cells} cells, {report.DriftCells} drifted, {report.MembersFixed} member rows repaired");
            foreach (var d in report.Drift)
            {
                await cli.Stdout.WriteLineAsync($"  {d.PartitionKey}/{d.RowKey}: articles {d.StoredArticles} → {d.ExpectedArticles}, flagged {d.StoredFlagged} → {d.ExpectedFlagged}");
            }

            return report.DriftCells == 0 && report.MembersFixed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Task<T> RunAsync<T>(CliContext cli, ServiceProvider services, Func<DerivedRebuild, IProgress<RebuildProgress>, Task<T>> run, CancellationToken ct) =>
        ProgressDisplay.RunAsync(cli.Err, async progress =>
        {
            var total = await CommandServices.CountArticlesAsync(services, ct);
            var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal)
            {
                ["articles"] = progress.AddTask("Scanning articles", maxValue: total),
                ["partitions"] = progress.AddTask("Repairing partitions", autoStart: false, maxValue: 0),
            };
            return await run(services.GetRequiredService<DerivedRebuild>(), new PhaseProgress(bars));
        });

    private sealed class PhaseProgress(Dictionary<string, ProgressTask> bars) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value)
        {
            if (bars.TryGetValue(value.Phase, out var bar))
            {
                bar.MaxValue = value.Total ?? Math.Max(bar.MaxValue, value.Done);
                bar.Value = value.Done;
                bar.StartTask();
            }
        }
    }
}
