using MedInsure.Functions.Ingestion;
using MedInsure.Functions.Storage;

namespace MedInsure.Functions.Cli;

/// <summary>The app's services for commands: same configuration sources and registrations as the HTTP app, no web server.</summary>
internal static class CommandServices
{
    public static ServiceProvider Build(bool emulateTrigger)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddStorage();
        builder.AddIngestion(standalone: emulateTrigger);
        return builder.Services.BuildServiceProvider();
    }
}
