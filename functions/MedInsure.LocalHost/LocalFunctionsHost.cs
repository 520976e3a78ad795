using System.Diagnostics;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using MedInsure.LocalHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedInsure.LocalHost;

/// <summary>Start-up of the local host failed; the message says which step and why.</summary>
public sealed class LocalHostStartException : Exception
{
    /// <summary>Creates one with a message.</summary>
    public LocalHostStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates one with a message and its cause.</summary>
    public LocalHostStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates one without a message.</summary>
    public LocalHostStartException()
    {
    }
}

/// <summary>
/// A local stand-in for the Azure Functions host that runs the real .NET isolated worker of an app: it starts the
/// worker, drives the host side of the gRPC protocol, serves the app's HTTP functions and fires its blob and queue triggers.
/// </summary>
public sealed class LocalFunctionsHost : IAsyncDisposable
{
    private const string HostVersion = "4.0.0-medinsure-localhost";
    private const string EnvironmentNameSetting = "AZURE_FUNCTIONS_ENVIRONMENT";
    private const int GrpcMaxMessageLength = int.MaxValue;

    private readonly LocalHostOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly WorkerChannel _channel;
    private readonly InvocationLog _invocations;
    private readonly string _appDirectory;
    private WebApplication? _rpcServer;
    private WebApplication? _httpServer;
    private WorkerProcess? _worker;
    private HttpForwarder? _forwarder;
    private BlobTriggerPoller? _poller;
    private QueueTriggerPoller? _queuePoller;
    private int _disposed;

    private LocalFunctionsHost(LocalHostOptions options, string appDirectory, ILoggerFactory loggerFactory)
    {
        _options = options;
        _appDirectory = appDirectory;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MedInsure.LocalHost");
        _channel = new WorkerChannel(Guid.NewGuid().ToString(), loggerFactory);
        _invocations = new InvocationLog(loggerFactory.CreateLogger("MedInsure.LocalHost.Invocations"));
    }

    /// <summary>Raised after every finished invocation (for blobs and queue messages, every attempt).</summary>
    public event EventHandler<InvocationRecord>? InvocationCompleted
    {
        add => _invocations.Completed += value;
        remove => _invocations.Completed -= value;
    }

    /// <summary>Every invocation finished so far, oldest first.</summary>
    public IReadOnlyList<InvocationRecord> Invocations => _invocations.Snapshot();

    /// <summary>The functions the worker loaded.</summary>
    public IReadOnlyList<FunctionInfo> Functions { get; private set; } = [];

    /// <summary>The first address the public HTTP endpoint is bound to (the real port when 0 was asked for).</summary>
    public Uri BaseAddress => Addresses[0];

    /// <summary>Every address the public HTTP endpoint is bound to.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>The worker's process id.</summary>
    public int WorkerProcessId => _worker?.Id ?? 0;

    /// <summary>The worker's own HTTP address (its HttpUri capability), where requests are forwarded.</summary>
    public Uri? WorkerHttpUri { get; private set; }

    /// <summary>Completes with the worker's exit code when the worker process exits, for whatever reason.</summary>
    public Task<int> WorkerExited => _worker?.Exited ?? Task.FromResult(0);

    /// <summary>From starting the worker until every function was loaded.</summary>
    public TimeSpan StartupDuration { get; private set; }

    /// <summary>Starts the worker, loads its functions and opens the HTTP endpoint; on failure nothing is left running.</summary>
    public static async Task<LocalFunctionsHost> StartAsync(LocalHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new LocalHostStartException("Invalid local host options: " + string.Join(" ", errors));
        }

        var appDirectory = Path.GetFullPath(options.AppDirectory);
        AppDirectory.EnsureLooksLikeWorkerOutput(appDirectory);
        var host = new LocalFunctionsHost(options, appDirectory, options.LoggerFactory ?? NullLoggerFactory.Instance);
        try
        {
            await host.StartCoreAsync(cancellationToken).ConfigureAwait(false);
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One pass over every blob-trigger container: invokes every blob version that is due and returns how many blobs
    /// were invoked (each counted once however many attempts it took) after all of them, retries included, finished.
    /// </summary>
    public Task<int> TriggerBlobsAsync(CancellationToken cancellationToken = default) =>
        _poller?.TriggerAsync(cancellationToken) ?? Task.FromResult(0);

    /// <summary>
    /// Processes everything in the queue-trigger queues, with or without background polling: waits until every
    /// trigger queue is empty (retries that are due later and messages the functions enqueue meanwhile included) and
    /// nothing is in flight. Returns the invocations (attempts) that finished meanwhile.
    /// </summary>
    public Task<int> DrainQueuesAsync(CancellationToken cancellationToken = default) =>
        _queuePoller?.DrainAsync(cancellationToken) ?? Task.FromResult(0);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var description = AppDirectory.ReadWorkerConfig(_appDirectory);
        var routePrefix = AppDirectory.ReadRoutePrefix(_appDirectory);
        var localSettings = _options.UseLocalSettingsFile ? AppDirectory.ReadLocalSettings(_appDirectory) : new Dictionary<string, string>();
        var settings = BuildSettings(localSettings);

        _rpcServer = BuildRpcServer();
        await _rpcServer.StartAsync(cancellationToken).ConfigureAwait(false);
        var rpcUri = new Uri(_rpcServer.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());

        var clock = Stopwatch.StartNew();
        string[] hostArguments =
        [
            "--functions-uri", rpcUri.AbsoluteUri,
            "--functions-worker-id", _channel.WorkerId,
            "--functions-request-id", Guid.NewGuid().ToString(),
            "--functions-grpc-max-message-length", GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        _worker = WorkerProcess.Start(description, _appDirectory, hostArguments, BuildWorkerEnvironment(localSettings, description), _options.InheritEnvironment, _loggerFactory);

        await StepAsync("waiting for the worker to open its stream (startStream)", _channel.Connected, cancellationToken).ConfigureAwait(false);

        var initRequest = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            WorkerDirectory = description.WorkerDirectory,
            FunctionAppDirectory = _appDirectory,
        };
        var init = (await StepAsync("initialising the worker (workerInitRequest)",
            _channel.RequestAsync(new StreamingMessage { WorkerInitRequest = initRequest }, cancellationToken), cancellationToken).ConfigureAwait(false)).WorkerInitResponse;
        EnsureSuccess(init.Result, "The worker failed to initialise");
        if (init.Capabilities.TryGetValue("HttpUri", out var httpUri) && Uri.TryCreate(httpUri, UriKind.Absolute, out var workerUri))
        {
            WorkerHttpUri = workerUri;
        }

        Log.WorkerInitialised(_logger, init.WorkerMetadata?.RuntimeName, init.WorkerMetadata?.WorkerVersion, WorkerHttpUri?.ToString());

        var metadata = (await StepAsync("indexing the functions (functionsMetadataRequest)",
            _channel.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _appDirectory } }, cancellationToken),
            cancellationToken).ConfigureAwait(false)).FunctionMetadataResponse;
        EnsureSuccess(metadata.Result, "The worker failed to index its functions");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new LocalHostStartException("The worker asked the host to index functions itself, which this local host does not do: is this an isolated-worker app with worker indexing?");
        }

        foreach (var function in metadata.FunctionMetadataResults.Where(f => f.Status is not null))
        {
            EnsureSuccess(function.Status, $"The worker failed to index function '{function.Name}'");
        }

        var loads = metadata.FunctionMetadataResults
            .Select(f => _channel.RequestAsync(new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = f.FunctionId, Metadata = f } }, cancellationToken))
            .ToList();
        var loaded = await StepAsync("loading the functions (functionLoadRequest)", Task.WhenAll(loads), cancellationToken).ConfigureAwait(false);
        foreach (var (reply, function) in loaded.Zip(metadata.FunctionMetadataResults))
        {
            EnsureSuccess(reply.FunctionLoadResponse.Result, $"The worker failed to load function '{function.Name}'");
        }

        Functions = metadata.FunctionMetadataResults
            .Select(f => FunctionMetadataParser.Parse(f.Name, f.FunctionId, f.RawBindings, routePrefix))
            .ToList();
        StartupDuration = clock.Elapsed;
        foreach (var function in Functions)
        {
            Log.FunctionLoaded(_logger, function.Name, Describe(function));
            var ignored = function.Bindings
                .Where(b => !b.Direction.Equals("In", StringComparison.OrdinalIgnoreCase) && !b.Type.Equals("http", StringComparison.OrdinalIgnoreCase))
                .Select(b => $"{b.Type} ({b.Name})")
                .ToList();
            if (ignored.Count > 0)
            {
                Log.OutputBindingsIgnored(_logger, function.Name, string.Join(", ", ignored));
            }
        }

        Log.FunctionsLoaded(_logger, Functions.Count, StartupDuration.TotalMilliseconds, _worker.Id);

        var httpFunctions = Functions.Where(f => f.HttpTrigger is not null).ToList();
        if (httpFunctions.Count > 0 && WorkerHttpUri is null)
        {
            throw new LocalHostStartException(
                "The app has HTTP functions but the worker reported no HttpUri capability: the local host needs ASP.NET Core integration (ConfigureFunctionsWebApplication).");
        }

        if (httpFunctions.Count > 0)
        {
            // The worker announces HttpUri before its Kestrel is bound; a request forwarded before then is refused.
            await StepAsync("waiting for the worker's HTTP endpoint", WaitUntilAcceptingAsync(WorkerHttpUri!, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        var keys = KeyChecks.FromConfiguration(settings);
        if (keys.Count == 0 && httpFunctions.Any(f => f.HttpTrigger!.AuthLevel != AuthLevel.Anonymous))
        {
            Log.NoFunctionKeys(_logger, KeyChecks.SectionName);
        }

        var hostId = _options.HostId
            ?? (settings[BlobTriggerProtocol.HostIdSetting] is { Length: > 0 } configured ? configured : null)
            ?? BlobTriggerProtocol.DefaultHostId(Environment.MachineName, _appDirectory);
        _poller = BlobTriggerPoller.Create(Functions, settings, _channel, _invocations, _options, hostId,
            _loggerFactory.CreateLogger("MedInsure.LocalHost.Blobs"));
        _queuePoller = QueueTriggerPoller.Create(Functions, settings, AppDirectory.ReadQueueMessagesAreBase64(_appDirectory), _channel, _invocations, _options,
            _loggerFactory.CreateLogger("MedInsure.LocalHost.Queues"));

        _forwarder = new HttpForwarder(new RouteTable(Functions), keys, _channel, WorkerHttpUri ?? new Uri("http://127.0.0.1/"), _invocations,
            () => _worker is { HasExited: false } && !_channel.Closed.IsCompleted, _loggerFactory.CreateLogger("MedInsure.LocalHost.Http"));
        _httpServer = BuildHttpServer(_forwarder);
        await _httpServer.StartAsync(cancellationToken).ConfigureAwait(false);
        Addresses = _httpServer.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a)).ToList();
        foreach (var address in Addresses)
        {
            Log.Listening(_logger, address.ToString());
        }

        _ = WatchWorkerAsync(_worker);
        if (_options.PollBlobs && _poller.FunctionCount > 0)
        {
            _poller.Start();
            Log.BlobPollingStarted(_logger, _poller.FunctionCount, _options.BlobPollInterval.TotalMilliseconds, hostId);
        }

        if (_options.PollQueues && _queuePoller.FunctionCount > 0)
        {
            _queuePoller.Start();
            Log.QueuePollingStarted(_logger, _queuePoller.FunctionCount, _options.QueuePollInterval.TotalMilliseconds, _options.QueueMaxPollInterval.TotalMilliseconds);
        }
    }

    /// <summary>Stops taking requests, lets running invocations finish (within the grace period), then stops the worker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Log.ShuttingDown(_logger, _options.ShutdownGracePeriod.TotalSeconds);
        using (var grace = new CancellationTokenSource(_options.ShutdownGracePeriod))
        {
            var draining = new List<Task>();
            if (_httpServer is not null)
            {
                draining.Add(_httpServer.StopAsync(grace.Token));
            }

            if (_poller is not null)
            {
                draining.Add(_poller.StopAsync(_options.ShutdownGracePeriod));
            }

            if (_queuePoller is not null)
            {
                draining.Add(_queuePoller.StopAsync(_options.ShutdownGracePeriod));
            }

            await Task.WhenAll(draining).ConfigureAwait(false);
        }

        if (_worker is not null)
        {
            if (!_worker.HasExited && _channel.Connected.IsCompletedSuccessfully && !_channel.Closed.IsCompleted)
            {
                try
                {
                    _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownGracePeriod) } });
                    _channel.Complete();
                }
                catch (WorkerException)
                {
                    // The stream is already gone; the wait below ends with a kill.
                }

                await _worker.StopAsync(_options.ShutdownGracePeriod).ConfigureAwait(false);
            }
            else
            {
                await _worker.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            }

            Log.WorkerStopped(_logger, _worker.Id, _worker.Exited.IsCompletedSuccessfully ? _worker.Exited.Result : -1);
        }

        _channel.Fail(new WorkerException("The local host has stopped."));
        if (_poller is not null)
        {
            await _poller.DisposeAsync().ConfigureAwait(false);
        }

        if (_queuePoller is not null)
        {
            await _queuePoller.DisposeAsync().ConfigureAwait(false);
        }

        if (_httpServer is not null)
        {
            await _httpServer.DisposeAsync().ConfigureAwait(false);
        }

        if (_rpcServer is not null)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _rpcServer.StopAsync(quick.Token).ConfigureAwait(false);
            await _rpcServer.DisposeAsync().ConfigureAwait(false);
        }

        _forwarder?.Dispose();
        _worker?.Dispose();
    }

    private async Task WatchWorkerAsync(WorkerProcess worker)
    {
        var exitCode = await worker.Exited.ConfigureAwait(false);
        if (Volatile.Read(ref _disposed) == 0)
        {
            Log.WorkerDied(_logger, worker.Id, exitCode);
            _channel.Fail(new WorkerException($"The worker (pid {worker.Id}) exited with code {exitCode}."));
        }
    }

    private static async Task<bool> WaitUntilAcceptingAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for one start-up step, failing fast and clearly if the worker dies or the step times out.</summary>
    private async Task<T> StepAsync<T>(string step, Task<T> task, CancellationToken cancellationToken)
    {
        var exited = _worker!.Exited;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timeout = Task.Delay(_options.StartupTimeout, timer.Token);
        var first = await Task.WhenAny(task, exited, timeout).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        if (first == task && task.IsCompletedSuccessfully)
        {
            return task.Result;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (first == task)
        {
            // The stream failing usually means the worker is on its way out; prefer reporting its exit code.
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        }

        if (exited.IsCompleted)
        {
            throw new LocalHostStartException($"The worker exited with code {exited.Result} while {step}; see its output above.");
        }

        if (first == timeout)
        {
            throw new LocalHostStartException($"Timed out after {_options.StartupTimeout.TotalSeconds:0} s while {step}.");
        }

        var cause = task.Exception?.GetBaseException() ?? new OperationCanceledException();
        throw new LocalHostStartException($"Failed while {step}: {cause.Message}", cause);
    }

    private static void EnsureSuccess(StatusResult? result, string what)
    {
        if (result is null || result.Status == StatusResult.Types.Status.Success)
        {
            return;
        }

        var exception = WorkerException.From(result.Exception, result.Result);
        throw new LocalHostStartException($"{what}: {exception.Message}", exception);
    }

    private static string Describe(FunctionInfo function) =>
        function.HttpTrigger is { } http
            ? $"HTTP {(http.Methods.Count == 0 ? "*" : string.Join(",", http.Methods))} /{http.RouteTemplate} ({http.AuthLevel})"
            : function.BlobTrigger is { } blob
                ? $"blob {blob.Path} ({blob.Connection})"
                : function.QueueTrigger is { } queue
                    ? $"queue {queue.QueueName} ({queue.Connection})"
                    : string.Join(",", function.Bindings.Select(b => b.Type));

    /// <summary>local.settings.json Values, then the environment, then the caller's settings; "__" reads as ":".</summary>
    private IConfiguration BuildSettings(IReadOnlyDictionary<string, string> localSettings)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(Normalise(localSettings!));
        if (_options.InheritEnvironment)
        {
            builder.AddEnvironmentVariables();
        }

        return builder.AddInMemoryCollection(Normalise(_options.Settings)).Build();

        static IEnumerable<KeyValuePair<string, string?>> Normalise(IEnumerable<KeyValuePair<string, string?>> pairs) =>
            pairs.Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value));
    }

    /// <summary>What the worker's environment gets on top of the host's own (which the process inherits).</summary>
    private Dictionary<string, string?> BuildWorkerEnvironment(IReadOnlyDictionary<string, string> localSettings, WorkerDescription description)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in localSettings)
        {
            // As func start: a variable already in the environment wins over local.settings.json.
            if (!_options.InheritEnvironment || Environment.GetEnvironmentVariable(name) is null)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in _options.Settings)
        {
            environment[name] = value;
        }

        // Addresses meant for this host must not move the worker's own Kestrel (its HttpUri is its own choice).
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS" })
        {
            environment[name] = null;
        }

        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = _appDirectory;
        environment["FUNCTIONS_WORKER_DIRECTORY"] = description.WorkerDirectory;
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        // Like func start: a local run is local development unless the settings say otherwise.
        if (!environment.ContainsKey(EnvironmentNameSetting) && (!_options.InheritEnvironment || Environment.GetEnvironmentVariable(EnvironmentNameSetting) is null))
        {
            environment[EnvironmentNameSetting] = "Development";
        }

        foreach (var (name, value) in _options.EnvironmentOverrides)
        {
            environment[name] = value;
        }

        return environment;
    }

    private WebApplication BuildRpcServer()
    {
        var builder = CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(_channel);
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        return app;
    }

    private WebApplication BuildHttpServer(HttpForwarder forwarder)
    {
        var builder = CreateBuilder();
        var urls = _options.Urls.Count > 0 ? _options.Urls : [LocalHostOptions.DefaultUrl];
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        app.Run(forwarder.HandleAsync);
        return app;
    }

    // An empty builder: no appsettings.json or ASPNETCORE_* variables from wherever the host happens to run may
    // reconfigure these servers, and no console lifetime may stop them behind the host's back on SIGTERM.
    private WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(LocalFunctionsHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, ManualLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = _options.ShutdownGracePeriod);
        return builder;
    }

    private sealed class ManualLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
