using MedInsure.Functions.Articles;
using MedInsure.Functions.Ingestion;
using MedInsure.Functions.Stats;
using MedInsure.Functions.Storage;

namespace MedInsure.Functions.Cli;

/// <summary>The app's services for commands: same configuration sources and registrations as the HTTP app, no web server.</summary>
internal static class CommandServices
{
    /// <param name="settings">Configuration that overrides the usual sources (tests point commands at their own storage).</param>
    public static ServiceProvider Build(bool emulateTrigger, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddStorage();
        builder.AddIngestion(standalone: emulateTrigger);

        // The same article observers as the app, so what a command writes keeps the indexes and statistics in step.
        builder.AddArticles();
        builder.AddStats();
        return builder.Services.BuildServiceProvider();
    }
}
