using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost.Tests;

public sealed class WorkerChannelTests : IAsyncDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly WorkerChannel _channel;
    private readonly Channel<StreamingMessage> _fromWorker = Channel.CreateUnbounded<StreamingMessage>();
    private readonly Channel<StreamingMessage> _toWorker = Channel.CreateUnbounded<StreamingMessage>();
    private Task? _stream;

    public WorkerChannelTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(_logs));
        _channel = new WorkerChannel("worker-1", _loggerFactory);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _fromWorker.Writer.TryComplete();
        if (_stream is not null)
        {
            await _stream.WaitAsync(TimeSpan.FromSeconds(5), Token);
        }

        _loggerFactory.Dispose();
    }

    private async Task ConnectAsync(string workerId = "worker-1")
    {
        _stream = _channel.RunStreamAsync(new Reader(_fromWorker.Reader), new Writer(_toWorker.Writer), new FakeCallContext());
        await _fromWorker.Writer.WriteAsync(new StreamingMessage { StartStream = new StartStream { WorkerId = workerId } }, Token);
    }

    [Fact]
    public async Task TheStreamIsOpenOnceTheWorkerSendsStartStreamWithItsId()
    {
        await ConnectAsync();

        var start = await _channel.Connected.WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal("worker-1", start.WorkerId);
    }

    [Fact]
    public async Task AStreamFromAnUnknownWorkerIsRefused()
    {
        await ConnectAsync("someone-else");

        var ex = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => _stream!);
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        _stream = null;
    }

    [Fact]
    public async Task RepliesArePairedWithTheirRequestsByRequestId()
    {
        await ConnectAsync();
        var reply = _channel.RequestAsync(new StreamingMessage { WorkerInitRequest = new WorkerInitRequest { HostVersion = "4" } }, Token);

        var sent = await _toWorker.Reader.ReadAsync(Token);
        Assert.Equal(StreamingMessage.ContentOneofCase.WorkerInitRequest, sent.ContentCase);
        Assert.False(string.IsNullOrEmpty(sent.RequestId));
        await _fromWorker.Writer.WriteAsync(new StreamingMessage { RequestId = "unrelated", WorkerInitResponse = new WorkerInitResponse { WorkerVersion = "wrong" } }, Token);
        await _fromWorker.Writer.WriteAsync(new StreamingMessage { RequestId = sent.RequestId, WorkerInitResponse = new WorkerInitResponse { WorkerVersion = "right" } }, Token);

        Assert.Equal("right", (await reply.WaitAsync(TimeSpan.FromSeconds(5), Token)).WorkerInitResponse.WorkerVersion);
    }

    [Fact]
    public async Task InvocationResponsesArePairedByInvocationId()
    {
        await ConnectAsync();
        var first = _channel.InvokeAsync(new InvocationRequest { InvocationId = "a", TraceContext = new RpcTraceContext() }, Token);
        var second = _channel.InvokeAsync(new InvocationRequest { InvocationId = "b", TraceContext = new RpcTraceContext() }, Token);

        await _fromWorker.Writer.WriteAsync(Response("b", StatusResult.Types.Status.Failure), Token);
        await _fromWorker.Writer.WriteAsync(Response("a", StatusResult.Types.Status.Success), Token);

        Assert.Equal(StatusResult.Types.Status.Success, (await first.WaitAsync(TimeSpan.FromSeconds(5), Token)).Result.Status);
        Assert.Equal(StatusResult.Types.Status.Failure, (await second.WaitAsync(TimeSpan.FromSeconds(5), Token)).Result.Status);
        Assert.Equal(0, _channel.InvocationsInFlight);
    }

    [Fact]
    public async Task WorkerLogsReachTheHostLogWithLevelCategoryAndInvocation()
    {
        await ConnectAsync();
        await _fromWorker.Writer.WriteAsync(new StreamingMessage
        {
            RpcLog = new RpcLog { Category = "App.Functions", Level = RpcLog.Types.Level.Warning, Message = "careful", InvocationId = "inv-9" },
        }, Token);
        await _fromWorker.Writer.WriteAsync(new StreamingMessage { RpcLog = new RpcLog { Category = "App", Level = RpcLog.Types.Level.Error, Message = "plain" } }, Token);
        await _fromWorker.Writer.WriteAsync(new StreamingMessage(), Token);
        var probe = _channel.InvokeAsync(new InvocationRequest { InvocationId = "probe", TraceContext = new RpcTraceContext() }, Token);
        await _fromWorker.Writer.WriteAsync(Response("probe", StatusResult.Types.Status.Success), Token);
        await probe.WaitAsync(TimeSpan.FromSeconds(5), Token);

        var careful = Assert.Single(_logs.Entries, e => e.Message.StartsWith("careful", StringComparison.Ordinal));
        Assert.Equal("Worker.App.Functions", careful.Category);
        Assert.Equal(LogLevel.Warning, careful.Level);
        Assert.Contains("inv-9", careful.Message, StringComparison.Ordinal);
        Assert.Contains(_logs.Entries, e => e is { Message: "plain", Level: LogLevel.Error, Category: "Worker.App" });
    }

    [Fact]
    public async Task WhenTheStreamEndsEverythingWaitingFailsAndSendsAreRefused()
    {
        await ConnectAsync();
        await _channel.Connected.WaitAsync(TimeSpan.FromSeconds(5), Token);
        var pending = _channel.InvokeAsync(new InvocationRequest { InvocationId = "x", TraceContext = new RpcTraceContext() }, Token);

        _fromWorker.Writer.TryComplete();
        await _stream!.WaitAsync(TimeSpan.FromSeconds(5), Token);

        await Assert.ThrowsAsync<WorkerException>(() => pending);
        Assert.True(_channel.Closed.IsCompleted);
        Assert.Throws<WorkerException>(() => _channel.Send(new StreamingMessage()));
    }

    [Theory]
    [InlineData(0, LogLevel.Trace)]
    [InlineData(2, LogLevel.Information)]
    [InlineData(5, LogLevel.Critical)]
    [InlineData(6, LogLevel.None)]
    public void WorkerLevelsMapOntoHostLevels(int workerLevel, LogLevel expected) =>
        Assert.Equal(expected, WorkerChannel.ToLogLevel((RpcLog.Types.Level)workerLevel));

    private static StreamingMessage Response(string invocationId, StatusResult.Types.Status status) =>
        new() { RequestId = Guid.NewGuid().ToString(), InvocationResponse = new InvocationResponse { InvocationId = invocationId, Result = new StatusResult { Status = status } } };

    private sealed class Reader(ChannelReader<StreamingMessage> reader) : IAsyncStreamReader<StreamingMessage>
    {
        public StreamingMessage Current { get; private set; } = new();

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            if (!await reader.WaitToReadAsync(cancellationToken))
            {
                return false;
            }

            Current = await reader.ReadAsync(cancellationToken);
            return true;
        }
    }

    private sealed class Writer(ChannelWriter<StreamingMessage> writer) : IServerStreamWriter<StreamingMessage>
    {
        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(StreamingMessage message) => writer.WriteAsync(message).AsTask();
    }

    private sealed class FakeCallContext : ServerCallContext
    {
        protected override string MethodCore => "/AzureFunctionsRpcMessages.FunctionRpc/EventStream";

        protected override string HostCore => "127.0.0.1";

        protected override string PeerCore => "ipv4:127.0.0.1:1";

        protected override DateTime DeadlineCore => DateTime.MaxValue;

        protected override Metadata RequestHeadersCore { get; } = [];

        protected override CancellationToken CancellationTokenCore => CancellationToken.None;

        protected override Metadata ResponseTrailersCore { get; } = [];

        protected override Status StatusCore { get; set; }

        protected override WriteOptions? WriteOptionsCore { get; set; }

        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => _entries.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
