using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>An exception the worker reported (invocation failure, load failure, or a logged exception).</summary>
public sealed class WorkerException : Exception
{
    /// <summary>Creates one from the worker's description of an exception.</summary>
    public WorkerException(string message, string? exceptionType = null, string? workerStackTrace = null)
        : base(message)
    {
        ExceptionType = exceptionType;
        WorkerStackTrace = workerStackTrace;
    }

    /// <summary>Creates one with a plain message.</summary>
    public WorkerException()
    {
    }

    /// <summary>Creates one wrapping another exception.</summary>
    public WorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The exception's type name in the worker, when it said.</summary>
    public string? ExceptionType { get; }

    /// <summary>The stack trace in the worker, when it said.</summary>
    public string? WorkerStackTrace { get; }

    /// <inheritdoc />
    public override string? StackTrace => WorkerStackTrace ?? base.StackTrace;

    internal static WorkerException From(Rpc.RpcException? exception, string fallback) =>
        exception is null
            ? new WorkerException(fallback)
            : new WorkerException(
                string.IsNullOrEmpty(exception.Message) ? fallback : exception.Message,
                string.IsNullOrEmpty(exception.Type) ? exception.Source : exception.Type,
                string.IsNullOrEmpty(exception.StackTrace) ? null : exception.StackTrace);
}

/// <summary>
/// The host's end of the worker's event stream: queues what the host sends, pairs the worker's replies with the
/// requests they answer (by request id, and invocations by invocation id), and writes the worker's logs.
/// </summary>
internal sealed class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _requests = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();
    private readonly ConcurrentDictionary<string, ILogger> _workerLoggers = new();
    private readonly TaskCompletionSource<StartStream> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private int _streamOpened;
    private volatile Exception? _failure;

    public WorkerChannel(string workerId, ILoggerFactory loggerFactory)
    {
        WorkerId = workerId;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("MedInsure.LocalHost.Rpc");
    }

    public string WorkerId { get; }

    /// <summary>Completes when the worker has opened its stream and sent startStream.</summary>
    public Task<StartStream> Connected => _connected.Task;

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Closed => _closed.Task;

    public int InvocationsInFlight => _invocations.Count;

    /// <summary>Sends a request and waits for the worker's reply carrying the same request id.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RequestId))
        {
            request.RequestId = Guid.NewGuid().ToString();
        }

        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[request.RequestId] = reply;
        try
        {
            Send(request);
            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _requests.TryRemove(request.RequestId, out _);
        }
    }

    /// <summary>Sends an invocation and waits for its response; fails if the worker goes away first.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        var response = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = response;
        try
        {
            Send(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
            return await response.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    public void Send(StreamingMessage message)
    {
        if (_failure is { } failure)
        {
            throw new WorkerException("The worker is not connected.", failure);
        }

        if (!_outbound.Writer.TryWrite(message))
        {
            throw new WorkerException("The worker's stream is closed.");
        }
    }

    /// <summary>Fails everything waiting on the worker and refuses further sends.</summary>
    public void Fail(Exception reason)
    {
        _failure ??= reason;
        _outbound.Writer.TryComplete();
        _connected.TrySetException(reason);
        foreach (var pending in _requests.Values)
        {
            pending.TrySetException(reason);
        }

        foreach (var pending in _invocations.Values)
        {
            pending.TrySetException(reason);
        }
    }

    /// <summary>Ends the stream from the host's side once everything queued has been written.</summary>
    public void Complete() => _outbound.Writer.TryComplete();

    public async Task RunStreamAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, ServerCallContext context)
    {
        if (Interlocked.Exchange(ref _streamOpened, 1) == 1)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "This host serves one worker stream only."));
        }

        if (!await requests.MoveNext(context.CancellationToken).ConfigureAwait(false)
            || requests.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message must be startStream."));
        }

        var start = requests.Current.StartStream;
        if (!string.Equals(start.WorkerId, WorkerId, StringComparison.Ordinal))
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.PermissionDenied, $"Unknown worker id '{start.WorkerId}'."));
        }

        _connected.TrySetResult(start);
        var writing = WriteAllAsync(responses, context.CancellationToken);
        try
        {
            while (await requests.MoveNext(context.CancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Grpc.Core.RpcException)
        {
            Log.StreamBroken(_logger, ex.Message);
        }
        finally
        {
            Fail(new WorkerException("The worker's stream ended."));
            _closed.TrySetResult();
        }

        await writing.ConfigureAwait(false);
    }

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            Log.StreamBroken(_logger, ex.Message);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                WriteWorkerLog(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var invocation))
                {
                    invocation.TrySetResult(message.InvocationResponse);
                }
                else
                {
                    Log.UnmatchedReply(_logger, "invocationResponse", message.InvocationResponse.InvocationId);
                }

                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                if (_requests.TryGetValue(message.RequestId, out var request))
                {
                    request.TrySetResult(message);
                }
                else
                {
                    Log.UnmatchedReply(_logger, message.ContentCase.ToString(), message.RequestId);
                }

                break;
            default:
                // Messages this host does not use (or knows nothing of) are expected and harmless.
                Log.IgnoredMessage(_logger, message.ContentCase.ToString(), message.RequestId);
                break;
        }
    }

    private void WriteWorkerLog(RpcLog log)
    {
        // Prefixed so the worker's logs can be filtered apart from the host's own (both use e.g. Microsoft.Hosting.Lifetime).
        var category = string.IsNullOrEmpty(log.Category) ? "Worker" : "Worker." + log.Category;
        var logger = _workerLoggers.GetOrAdd(category, _loggerFactory.CreateLogger);
        var level = log.LogCategory == RpcLog.Types.RpcLogCategory.CustomMetric ? LogLevel.Debug : ToLogLevel(log.Level);
        var exception = log.Exception is null ? null : WorkerException.From(log.Exception, "The worker logged an exception.");
        if (string.IsNullOrEmpty(log.InvocationId))
        {
            Log.WorkerLog(logger, level, log.Message, exception);
        }
        else
        {
            Log.WorkerInvocationLog(logger, level, log.Message, log.InvocationId, exception);
        }
    }

    internal static LogLevel ToLogLevel(RpcLog.Types.Level level) => level switch
    {
        RpcLog.Types.Level.Trace => LogLevel.Trace,
        RpcLog.Types.Level.Debug => LogLevel.Debug,
        RpcLog.Types.Level.Information => LogLevel.Information,
        RpcLog.Types.Level.Warning => LogLevel.Warning,
        RpcLog.Types.Level.Error => LogLevel.Error,
        RpcLog.Types.Level.Critical => LogLevel.Critical,
        _ => LogLevel.None,
    };
}

/// <summary>The gRPC service the worker connects to.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.RunStreamAsync(requestStream, responseStream, context);
}
