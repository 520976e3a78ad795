using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Stats;
using MedInsure.Functions.Stats;
using MedInsure.Articles.Storage;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Cli;

/// <summary>
/// <c>stats export</c>: the numbers behind GET /api/stats, written to a file (same query code, same CSV);
/// <c>stats recount</c>: rebuilds the aggregates from the articles and reports drift, like POST /api/manage/recount.
/// </summary>
internal static class StatsCommand
{
    private const string Usage = """
        usage: stats export --out FILE [--by topic,region,month] [--level province|city|county] [--format csv|json]
                            [--from DATE] [--to DATE] [--topic CODES] [--region CODE] [--flag CODE|any] [--totals]
               stats recount
          export   writes article counts per group from the stats aggregates (cost follows the number of groups)
                   --by      groups: topic, region, and one of day, month, year (default: one total row)
                   --format  csv (default when --out ends in .csv) or json; CSV is UTF-8 with BOM, see docs/storage.md
                   --totals  CSV: add a totals row
          recount  rebuilds every aggregate from a scan of the articles; prints the cells that had drifted
        exit codes: 0 done, 1 recount found drift (now repaired), 2 usage error
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        WriteIndented = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(Usage);
            return args.Length == 0 ? CommandLine.UsageError : CommandLine.Ok;
        }

        return args[0] switch
        {
            "export" => await ExportAsync(args[1..], stdout, stderr, settings),
            "recount" when args.Length == 1 => await RecountAsync(stdout, stderr, settings),
            _ => await UsageErrorAsync(stderr, $"unknown subcommand or argument '{string.Join(' ', args)}'"),
        };
    }

    private static async Task<int> ExportAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var totals = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage);
                    return CommandLine.Ok;
                case "--totals":
                    totals = true;
                    break;
                case "--by" or "--level" or "--format" or "--out" or "--from" or "--to" or "--topic" or "--region" or "--flag" when i + 1 < args.Length:
                    values[args[i][2..]] = args[++i];
                    break;
                default:
                    return await UsageErrorAsync(stderr, $"unknown or incomplete option '{args[i]}'");
            }
        }

        if (!values.TryGetValue("out", out var output))
        {
            return await UsageErrorAsync(stderr, "--out FILE is required");
        }

        var format = values.GetValueOrDefault("format") ?? (output.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "csv");
        if (format is not ("csv" or "json"))
        {
            return await UsageErrorAsync(stderr, "--format must be csv or json");
        }

        await using var services = CommandServices.Build(emulateTrigger: false, settings);
        var gazetteer = services.GetRequiredService<Lazy<RegionGazetteer>>();
        if (!StatsQuery.TryParse(values.GetValueOrDefault("by"), values.GetValueOrDefault("level"), values.GetValueOrDefault("from"),
                values.GetValueOrDefault("to"), values.GetValueOrDefault("topic"), values.GetValueOrDefault("region"), values.GetValueOrDefault("flag"),
                gazetteer.Value, out var query, out var error))
        {
            return await UsageErrorAsync(stderr, $"--{error.Parameter}: {error.Detail}");
        }

        var stats = new StatsService(new StatsStore(services.GetRequiredService<StorageProvisioner>(), gazetteer));
        var progress = new ProgressBar(stderr, "Exporting", 2);
        progress.Report(0);
        var result = await stats.QueryAsync(query, CancellationToken.None);
        progress.Report(1);
        var bytes = format == "csv" ? StatsService.ToCsv(query, result, totals) : JsonSerializer.SerializeToUtf8Bytes(result, Json);
        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await File.WriteAllBytesAsync(output, bytes);
        progress.Report(2);
        await stdout.WriteLineAsync($"stats: {result.Rows.Count} groups, {result.Totals.Articles} articles ({result.Totals.Flagged} flagged) from {result.CellsRead} aggregate cells → {output}");
        return CommandLine.Ok;
    }

    private static async Task<int> RecountAsync(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings)
    {
        await using var services = CommandServices.Build(emulateTrigger: false, settings);
        var storage = services.GetRequiredService<StorageProvisioner>();
        var store = new StatsStore(storage, services.GetRequiredService<Lazy<RegionGazetteer>>());
        var articles = services.GetRequiredService<ArticleStore>();
        var scanned = 0;
        var report = await store.RecountAsync(articles, n =>
        {
            scanned = n;
            if (n % 1000 == 0 && !Console.IsErrorRedirected)
            {
                stderr.Write($"\rRecounting: {n} articles scanned");
            }
        }, CancellationToken.None);
        if (scanned >= 1000 && !Console.IsErrorRedirected)
        {
            await stderr.WriteLineAsync();
        }

        await stdout.WriteLineAsync($"recount: {report.Articles} articles, {report.Cells} cells, {report.DriftCells} drifted");
        foreach (var d in report.Drift)
        {
            await stdout.WriteLineAsync($"  {d.PartitionKey}/{d.RowKey}: articles {d.StoredArticles} → {d.ExpectedArticles}, flagged {d.StoredFlagged} → {d.ExpectedFlagged}");
        }

        return report.DriftCells == 0 ? CommandLine.Ok : CommandLine.InputRejected;
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"stats: {message}\n{Usage}");
        return CommandLine.UsageError;
    }
}
