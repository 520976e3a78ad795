using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using MedInsure.LocalHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MedInsure.Functions.Tests.Infrastructure;

/// <summary>
/// The function app as it runs in Azure, below the host: the real worker process, built from
/// functions/MedInsure.Functions, driven by the local Functions host over the host protocol, against a storage account
/// of its own in the test Azurite. The host does not poll: tests fire the blob trigger with <see cref="TriggerAsync"/>,
/// so each one decides when ingestion happens. <see cref="Services"/> are the article library's services on the same
/// account, for tests that arrange or inspect storage directly.
/// </summary>
public sealed class MedInsureApplication : IAsyncDisposable
{
    public const string FunctionKey = "test-function-key";
    public const string AdminKey = "test-admin-key";

    private readonly DirectoryInfo home;
    private readonly LocalFunctionsHost host;
    private readonly ServiceProvider services;
    private readonly ConcurrentQueue<string> logs;

    private MedInsureApplication(LocalFunctionsHost host, ServiceProvider services, IReadOnlyDictionary<string, string?> settings, DirectoryInfo home, ConcurrentQueue<string> logs)
    {
        this.host = host;
        this.services = services;
        this.home = home;
        this.logs = logs;
        Settings = settings;
    }

    /// <summary>The worker's build output the tests run (same configuration as the tests).</summary>
    public static string AppDirectory { get; } = Path.Combine(RepoPaths.Root, "functions", "MedInsure.Functions", "bin", BuildConfiguration, "net10.0");

    public static string BuildConfiguration =>
        typeof(MedInsureApplication).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyConfigurationAttribute), false)
            .Cast<System.Reflection.AssemblyConfigurationAttribute>().Single().Configuration;

    /// <param name="settings">App settings on top of the defaults (storage account, keys), as the Functions host passes them.</param>
    /// <param name="configureHost">Host tuning, e.g. blob-trigger concurrency or retry delays.</param>
    public static async Task<MedInsureApplication> StartAsync(Azurite azurite, IDictionary<string, string?>? settings = null, Action<LocalHostOptions>? configureHost = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = azurite.NewAccount(),
            ["FunctionKeys:default"] = FunctionKey,
            ["FunctionKeys:admin"] = AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var logs = new ConcurrentQueue<string>();
        var home = Directory.CreateTempSubdirectory("medinsure-worker-home-");
        var options = new LocalHostOptions
        {
            AppDirectory = AppDirectory,
            PollBlobs = false,
            UseLocalSettingsFile = false,
            // Retries come quickly in tests; the host's own backoff is the production default.
            RetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new QueueLoggerProvider(logs))),
        };
        options.Urls.Add("http://127.0.0.1:0");
        foreach (var (key, value) in values)
        {
            options.Settings[key] = value;
        }

        // The worker's ASP.NET Core keeps DataProtection keys under HOME: one folder per app, removed afterwards.
        options.EnvironmentOverrides["HOME"] = home.FullName;
        configureHost?.Invoke(options);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(values);
        builder.AddArticleServices();
        var services = builder.Services.BuildServiceProvider();

        try
        {
            var started = await LocalFunctionsHost.StartAsync(options, TestContext.Current.CancellationToken);
            return new MedInsureApplication(started, services, values, home, logs);
        }
        catch (Exception ex)
        {
            await services.DisposeAsync();
            home.Delete(recursive: true);
            throw new AppStartException(ex.Message, [.. logs], ex);
        }
    }

    /// <summary>The settings this app runs with; commands under test get the same, so they see the same storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The article library's services on this app's storage account.</summary>
    public IServiceProvider Services => services;

    /// <summary>The local host: loaded functions, finished invocations, the worker's process id.</summary>
    public LocalFunctionsHost Host => host;

    /// <summary>What the host and the worker logged so far.</summary>
    public IReadOnlyCollection<string> Logs => logs;

    public Uri BaseAddress => host.BaseAddress;

    /// <summary>This app's storage account in the test Azurite (fault rules match on it).</summary>
    public string Account => Settings["AzureWebJobsStorage"]!.Split(';').Single(p => p.StartsWith("AccountName=", StringComparison.Ordinal))["AccountName=".Length..];

    /// <summary>A client with no key, as an anonymous caller.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = host.BaseAddress };

    /// <summary>A client that sends the function key, as client apps do.</summary>
    public HttpClient CreateKeyedClient(string key = FunctionKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    public StorageProvisioner Storage => services.GetRequiredService<StorageProvisioner>();

    public BlobContainerClient Dumps => Storage.Container(Storage.Options.DumpsContainer);

    public BlobContainerClient Quarantine => Storage.Container(Storage.Options.QuarantineContainer);

    public TableClient Articles => Storage.Table(Storage.Options.ArticlesTable);

    public async Task UploadAsync(string name, byte[] content)
    {
        await Storage.EnsureAsync(CancellationToken.None);
        await Dumps.GetBlobClient(name).UploadAsync(new BinaryData(content), overwrite: true);
    }

    public Task UploadAsync(string name, string content) => UploadAsync(name, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Fires the blob trigger for every new or changed dump, as Event Grid would, and waits until those
    /// invocations (and their retries) are done; returns how many dumps were invoked.</summary>
    public async Task<int> TriggerAsync()
    {
        await Storage.EnsureAsync(CancellationToken.None);
        return await host.TriggerBlobsAsync(TestContext.Current.CancellationToken);
    }

    public async Task<List<TableEntity>> AllArticlesAsync()
    {
        var list = new List<TableEntity>();
        await foreach (var entity in Articles.QueryAsync<TableEntity>())
        {
            list.Add(entity);
        }

        return list;
    }

    /// <summary>
    /// Starts a background admin operation (<c>POST /api/manage/{name}</c>) as a client would, lets the queue trigger run
    /// it, and returns its final status from the URL the 202 gave.
    /// </summary>
    public async Task<JsonElement> RunOperationAsync(string name)
    {
        var admin = CreateKeyedClient(AdminKey);
        var started = await admin.PostAsync($"/api/manage/{name}", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        var location = started.Headers.Location ?? throw new InvalidOperationException("202 without Location");
        var queued = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((name, "queued"), (queued.GetProperty("kind").GetString(), queued.GetProperty("status").GetString()));

        await host.DrainQueuesAsync(TestContext.Current.CancellationToken);

        var status = await admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(queued.GetProperty("id").GetString(), status.GetProperty("id").GetString());
        return status;
    }

    /// <summary>Every recorded sighting of the article with this title (the sources table), read through the app's store.</summary>
    public Task<List<ArticleSource>> SightingsAsync(string title) =>
        services.GetRequiredService<SightingStore>().AllAsync(ArticleIdentity.IdFor(title), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await services.DisposeAsync();
        try
        {
            home.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file the worker still held at exit; the temp folder is cleaned by the OS.
        }
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name)}");
    }
}

/// <summary>The app did not start; <see cref="Logs"/> holds what the host and the worker said.</summary>
public sealed class AppStartException(string message, IReadOnlyList<string> logs, Exception inner) : Exception(message, inner)
{
    public IReadOnlyList<string> Logs { get; } = logs;
}
