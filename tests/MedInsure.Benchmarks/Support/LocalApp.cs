using System.Reflection;
using MedInsure.Cli;
using MedInsure.LocalHost;
using MedInsure.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// The function app as the Functions host runs it: the worker's build output in a process of its own, started and
/// driven over the host protocol by the local host embedded in this process, on one storage account. The blob trigger
/// fires only when <see cref="TriggerAsync"/> is called. <see cref="Services"/> are the article library's services on
/// the same account, for arranging and reading storage.
/// </summary>
internal sealed class LocalApp : IAsyncDisposable
{
    public const string FunctionKey = "bench-key";

    private readonly ServiceProvider services;
    private readonly ILoggerFactory logging;
    private readonly DirectoryInfo home;

    private LocalApp(LocalFunctionsHost host, ServiceProvider services, ILoggerFactory logging, DirectoryInfo home)
    {
        Host = host;
        this.services = services;
        this.logging = logging;
        this.home = home;
    }

    /// <summary>The build configuration of this benchmark, and so of the worker and the local host it built.</summary>
    public static string Configuration { get; } = typeof(LocalApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    /// <summary>The worker's build output (functions.metadata, worker.config.json, host.json).</summary>
    public static string WorkerDirectory { get; } = Path.Combine(RepoPaths.Root, "functions", "MedInsure.Functions", "bin", Configuration, "net10.0");

    public LocalFunctionsHost Host { get; }

    public IServiceProvider Services => services;

    public StorageProvisioner Storage => services.GetRequiredService<StorageProvisioner>();

    /// <summary>What every benchmark app runs with: its storage account, a function key, and only warnings in the worker's logs.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["FunctionKeys:default"] = FunctionKey,
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public static async Task<LocalApp> StartAsync(IReadOnlyDictionary<string, string?> settings, Action<LocalHostOptions>? configure = null)
    {
        // Failed invocations and the worker's own warnings and errors reach stderr; the rest would drown the figures.
        var logging = LoggerFactory.Create(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true);
            // Each worker's throw-away key ring in its temporary HOME is unencrypted, as intended.
            builder.AddFilter("Worker.Microsoft.AspNetCore.DataProtection", LogLevel.Error);
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        });
        var home = Directory.CreateTempSubdirectory("medinsure-bench-worker-");
        var options = new LocalHostOptions
        {
            AppDirectory = WorkerDirectory,
            PollBlobs = false,
            UseLocalSettingsFile = false,
            LoggerFactory = logging,
        };
        options.Urls.Add("http://127.0.0.1:0");
        foreach (var (key, value) in settings)
        {
            options.Settings[key] = value;
        }

        // The worker's ASP.NET Core keeps DataProtection keys under HOME: one folder per app, removed afterwards.
        options.EnvironmentOverrides["HOME"] = home.FullName;
        configure?.Invoke(options);

        var services = CommandServices.Build(settings);
        try
        {
            return new LocalApp(await LocalFunctionsHost.StartAsync(options), services, logging, home);
        }
        catch
        {
            await services.DisposeAsync();
            logging.Dispose();
            home.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>One pass of the blob trigger, as Event Grid would fire it: every new blob version in <c>dumps</c> is
    /// invoked, and this returns when they and their retries have finished, with the number of blobs invoked.</summary>
    public async Task<int> TriggerAsync(CancellationToken cancellationToken)
    {
        await Storage.EnsureAsync(cancellationToken);
        return await Host.TriggerBlobsAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await services.DisposeAsync();
        logging.Dispose();
        try
        {
            home.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file the worker still held at exit; the temp folder is cleaned by the OS.
        }
    }
}
