using Azure.Data.Tables;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MedInsure.Cli;

// The article services for a command: the function app's configuration sources and registrations, no host.
internal static class CommandServices
{
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // stdout carries the commands' results (JSON Lines, summaries): every log line goes to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // The same services and article observers as the app, so what a command writes keeps the indexes and statistics in step.
        builder.AddArticleServices();
        return builder.Services.BuildServiceProvider();
    }

    // The number of stored articles, for a progress bar's length (a key-only scan).
    public static async Task<int> CountArticlesAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<StorageProvisioner>().EnsureAsync(ct);
        var count = 0;
        await foreach (var _ in services.GetRequiredService<ArticleStore>().Table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: ct))
        {
            count++;
        }

        return count;
    }
}
