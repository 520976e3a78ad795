using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Stats;
using MedInsure.Tagging.Regions;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Commands;

internal static class StatsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        WriteIndented = true,
    };

    public static Command Create(CliContext cli) => new CliCommand("stats", """
        Exports the statistics aggregates, or rebuilds them from the articles.
        Works on the configured storage (AzureWebJobsStorage).
        Exit codes: 0 done, 1 recount found drift (now repaired), 2 usage error.
        """)
    {
        Noun = "subcommand",
        Subcommands = { Export(cli), Recount(cli) },
    };

    private static Command Export(CliContext cli)
    {
        var output = new Option<string>("--out") { HelpName = "FILE", Required = true, Description = "the file to write (its folder is created)" };
        var by = new Option<string?>("--by") { HelpName = "GROUPS", Description = "comma-separated groups: topic, region, and one of day, month, year (default: one total row)" };
        var level = new Option<string?>("--level") { HelpName = "province|city|county", Description = "region level when grouping by region (default province)" };
        var format = new Option<string?>("--format") { HelpName = "csv|json", Description = "csv (UTF-8 with BOM, see docs/storage.md) or json; default json when --out ends in .json, else csv" };
        format.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is not (null or "csv" or "json"))
            {
                result.AddError("--format must be csv or json");
            }
        });
        var from = new Option<string?>("--from") { HelpName = "DATE", Description = "first date, yyyy-MM-dd or yyyy-MM (inclusive)" };
        var to = new Option<string?>("--to") { HelpName = "DATE", Description = "last date, yyyy-MM-dd or yyyy-MM (inclusive)" };
        var topic = new Option<string?>("--topic") { HelpName = "CODES", Description = "topic code(s), comma-separated" };
        var region = new Option<string?>("--region") { HelpName = "CODE", Description = "GB/T 2260 region code: that division and everything inside it" };
        var flag = new Option<string?>("--flag") { HelpName = "CODE|any", Description = "count only articles with this quality flag code, or any flag" };
        var totals = new Option<bool>("--totals") { Description = "CSV: add a totals row" };
        var command = new Command("export", """
            Writes article counts per group to a file: the same bytes as GET /api/stats.
            Read from the stats aggregates, so the cost follows the number of groups, not of articles.
            """)
        {
            output, by, level, format, from, to, topic, region, flag, totals,
        };
        command.SetAction(async (result, ct) =>
        {
            var file = result.GetRequiredValue(output);
            var csv = (result.GetValue(format) ?? (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "csv")) == "csv";
            await using var services = cli.BuildServices();
            var gazetteer = services.GetRequiredService<Lazy<RegionGazetteer>>();
            if (!StatsQuery.TryParse(result.GetValue(by), result.GetValue(level), result.GetValue(from), result.GetValue(to), result.GetValue(topic),
                    result.GetValue(region), result.GetValue(flag), gazetteer.Value, out var query, out var error))
            {
                throw new UsageException($"--{error.Parameter}: {error.Detail}");
            }

            var stats = services.GetRequiredService<StatsService>();
            var found = await stats.QueryAsync(query, ct);
            var bytes = csv ? StatsService.ToCsv(query, found, result.GetValue(totals)) : JsonSerializer.SerializeToUtf8Bytes(found, Json);
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }

            await File.WriteAllBytesAsync(file, bytes, ct);
            await cli.Stdout.WriteLineAsync(
                $"stats: {found.Rows.Count} groups, {found.Totals.Articles} articles ({found.Totals.Flagged} flagged) from {found.CellsRead} aggregate cells → {file}");
            return ExitCodes.Ok;
        });
        return command;
    }

    // The same rebuild as the top-level recount, where analysts look for it.
    private static Command Recount(CliContext cli) => RebuildCommands.Recount(cli, """
        Rebuilds the aggregates from a scan of the articles and prints the cells that had drifted.
        The same as the recount command and POST /api/manage/recount.
        Exit codes: 0 no drift, 1 drift found (now repaired), 2 usage error.
        """);
}
