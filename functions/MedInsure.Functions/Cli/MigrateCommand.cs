using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Cli;

/// <summary><c>migrate</c>: moves articles stored by builds before 2026-12-02 to the current partition layout.</summary>
internal static class MigrateCommand
{
    private const string Usage = """
        usage: migrate
          Moves articles stored in the 16-partition layout of builds before 2026-12-02 to the current one (4 partitions)
          in the configured storage (AzureWebJobsStorage). Until then ingestion and article reads refuse to run against
          it. Stop ingestion first; safe to run again after an interruption, and a no-op on a migrated store.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings = null)
    {
        if (args.Length > 0)
        {
            await (args[0] is "-h" or "--help" ? stdout : stderr).WriteLineAsync(Usage);
            return args[0] is "-h" or "--help" ? CommandLine.Ok : CommandLine.UsageError;
        }

        await using var services = CommandServices.Build(emulateTrigger: false, settings);
        await services.GetRequiredService<StorageProvisioner>().EnsureAsync(CancellationToken.None);
        var articles = services.GetRequiredService<ArticleStore>();
        var total = 0;
        await foreach (var _ in articles.Table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["RowKey"]))
        {
            total++;
        }

        var bar = new ProgressBar(stderr, "Migrating", total);
        var result = await articles.MigrateLayoutAsync(new Progress<int>(bar.Report), CancellationToken.None);
        await stdout.WriteLineAsync($"articles: {result.Scanned} scanned, {result.Moved} moved to the current partition layout");
        return CommandLine.Ok;
    }
}
