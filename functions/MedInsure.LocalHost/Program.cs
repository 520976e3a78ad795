using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

internal static partial class Program
{
    private const int ExitStartFailed = 1;
    private const int ExitUsage = 2;
    private const int ExitWorkerDied = 3;

    private const string Usage = """
        MedInsure.LocalHost: runs an Azure Functions .NET isolated-worker app without Core Tools.

        Usage: dotnet MedInsure.LocalHost.dll [--app <dir>] [--urls <url>[;<url>]] [--<setting>=<value> ...]

          --app <dir>     The app's build or publish output, holding functions.metadata and worker.config.json
                          (default: the current directory).
          --urls <urls>   Where HTTP functions are served (default http://127.0.0.1:7071; ASPNETCORE_URLS also works).
          --help          Prints this text.

        Settings come from local.settings.json (Values) in the app directory, then the environment, then the command line
        (ASP.NET Core style: --Name=value or Name=value; "__" in variable names stands for ":"). All of them reach the
        worker as environment variables. The host itself reads:
          AzureWebJobsStorage (or a trigger's connection)   storage connection string, UseDevelopmentStorage=true for Azurite
          FunctionKeys:<name>                               function keys; the one named "admin" also opens admin-level routes
          AzureFunctionsWebHost:hostId                      host id used in blob receipt names
          LocalHost:PollBlobs (true)                        poll blob-trigger containers
          LocalHost:BlobPollInterval (1s)                   pause between polls
          LocalHost:BlobConcurrency (24)                    blob invocations in flight at most
          LocalHost:PollQueues (true)                       poll queue-trigger queues
          LocalHost:QueuePollInterval (100ms), LocalHost:QueueMaxPollInterval (1s)
                                                            pause between polls of a queue: the first while messages
                                                            come, growing up to the second while it is empty
          LocalHost:QueueBatchSize (16), LocalHost:QueueNewBatchThreshold (8)
                                                            messages received at once, and in flight below which the
                                                            next batch is fetched (at most 24 in flight per queue)
          LocalHost:QueueVisibilityTimeout (1m)             a received message stays invisible this long, renewed at
                                                            half-time while its invocation runs
          LocalHost:MaxDequeueCount (5)                     attempts per blob or queue message before the poison queue
          LocalHost:RetryDelay (1s), LocalHost:MaxRetryDelay (1m)   first retry delay (doubling), and its cap
          LocalHost:StartupTimeout (60s), LocalHost:ShutdownGracePeriod (10s)
          Logging:LogLevel:<category>                       log levels, as in ASP.NET Core
        Durations are written 500ms, 2s, 1m or 00:00:02.

        SIGTERM or Ctrl-C stops it: requests, blob and queue invocations are drained, the worker is told to terminate
        (and killed if it does not), exit code 0.
        Exit codes: 1 start-up failed, 2 bad arguments or app directory, 3 the worker exited on its own.

        """;

    private static readonly string[] HostOnlyPrefixes = ["LocalHost:", "Logging:"];
    private static readonly string[] HostOnlyKeys = ["app", "urls", "help"];

    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?" or "/?"))
        {
            Console.Out.Write(Usage);
            return 0;
        }

        IConfigurationRoot commandLine;
        try
        {
            commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message} (see --help)").ConfigureAwait(false);
            return ExitUsage;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddConfiguration(commandLine).Build();
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var logger = loggerFactory.CreateLogger("MedInsure.LocalHost");

        var options = new LocalHostOptions
        {
            AppDirectory = configuration["app"] ?? Directory.GetCurrentDirectory(),
            LoggerFactory = loggerFactory,
        };
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"];
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.Urls.Add(url);
        }

        foreach (var (key, value) in commandLine.AsEnumerable())
        {
            if (value is not null
                && !HostOnlyKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
                && !HostOnlyPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                options.Settings[key] = value;
            }
        }

        try
        {
            options.ReadFrom(configuration);
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                throw new LocalHostStartException(string.Join(Environment.NewLine, problems));
            }

            AppDirectory.EnsureLooksLikeWorkerOutput(Path.GetFullPath(options.AppDirectory));
        }
        catch (LocalHostStartException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitUsage;
        }

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // The first signal stops gracefully; a second one gets the runtime's default (immediate exit).
            if (!stop.IsCancellationRequested)
            {
                context.Cancel = true;
                stop.Cancel();
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        LocalFunctionsHost host;
        try
        {
            host = await LocalFunctionsHost.StartAsync(options, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (LocalHostStartException ex)
        {
            StartFailed(logger, ex.Message, ex.InnerException);
            return ExitStartFailed;
        }

        var stopped = Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var first = await Task.WhenAny(stopped, host.WorkerExited).ConfigureAwait(false);
        await host.DisposeAsync().ConfigureAwait(false);
        return first == stopped ? 0 : ExitWorkerDied;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Start-up failed: {Reason}")]
    private static partial void StartFailed(ILogger logger, string reason, Exception? cause);
}
