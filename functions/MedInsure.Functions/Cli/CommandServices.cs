using MedInsure.Functions.HostProtocol;
using MedInsure.Articles.Queries;
using MedInsure.Functions.Articles;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Stats;
using MedInsure.Functions.Stats;
using MedInsure.Articles.Storage;

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

        // The same services and article observers as the app, so what a command writes keeps the indexes and statistics in step.
        builder.AddArticleServices();
        builder.AddHostProtocol(standalone: emulateTrigger);
        return builder.Services.BuildServiceProvider();
    }
}
