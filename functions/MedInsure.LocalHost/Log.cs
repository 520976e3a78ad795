using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

internal static partial class Log
{
    // Host

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker initialised: {Runtime}, worker {WorkerVersion}, HttpUri {HttpUri}")]
    public static partial void WorkerInitialised(ILogger logger, string? runtime, string? workerVersion, string? httpUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "Function {FunctionName}: {Trigger}")]
    public static partial void FunctionLoaded(ILogger logger, string functionName, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Functions loaded: {Count} in {ElapsedMs:0} ms (worker pid {WorkerPid})")]
    public static partial void FunctionsLoaded(ILogger logger, int count, double elapsedMs, int workerPid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No function keys are configured (section {Section}): every function- or admin-level route answers 401")]
    public static partial void NoFunctionKeys(ILogger logger, string section);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Address}")]
    public static partial void Listening(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {Count} blob trigger(s) every {IntervalMs} ms (host id {HostId})")]
    public static partial void BlobPollingStarted(ILogger logger, int count, double intervalMs, string hostId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: in-flight invocations get {GraceSeconds} s")]
    public static partial void ShuttingDown(ILogger logger, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker (pid {WorkerPid}) stopped with exit code {ExitCode}")]
    public static partial void WorkerStopped(ILogger logger, int workerPid, int exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker (pid {WorkerPid}) exited unexpectedly with code {ExitCode}; in-flight invocations fail and new ones answer 503")]
    public static partial void WorkerDied(ILogger logger, int workerPid, int exitCode);

    // Worker process

    [LoggerMessage(Level = LogLevel.Information, Message = "Started worker pid {WorkerPid}: {Executable} {Arguments}")]
    public static partial void WorkerStarted(ILogger logger, int workerPid, string executable, string arguments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker pid {WorkerPid} did not exit within {WaitSeconds} s; killing its process tree")]
    public static partial void WorkerKilled(ILogger logger, int workerPid, double waitSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    public static partial void WorkerStdout(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Line}")]
    public static partial void WorkerStderr(ILogger logger, string line);

    // Stream

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker stream ended: {Reason}")]
    public static partial void StreamBroken(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The worker sent a {Kind} for {Id}, which nothing is waiting for")]
    public static partial void UnmatchedReply(ILogger logger, string kind, string id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored worker message {Kind} (request {RequestId})")]
    public static partial void IgnoredMessage(ILogger logger, string kind, string requestId);

    [LoggerMessage(Message = "{Message}")]
    public static partial void WorkerLog(ILogger logger, LogLevel level, string message, Exception? exception);

    [LoggerMessage(Message = "{Message} [invocation {InvocationId}]")]
    public static partial void WorkerInvocationLog(ILogger logger, LogLevel level, string message, string invocationId, Exception? exception);

    // Invocations

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed {FunctionName} (invocation {InvocationId}, HTTP {HttpStatus}) in {DurationMs:0.0} ms: Succeeded")]
    public static partial void HttpInvocationSucceeded(ILogger logger, string functionName, string invocationId, int? httpStatus, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executed {FunctionName} (invocation {InvocationId}, HTTP {HttpStatus}) in {DurationMs:0.0} ms: {Status}: {Error}")]
    public static partial void HttpInvocationFailed(ILogger logger, string functionName, string invocationId, int? httpStatus, double durationMs, InvocationStatus status, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed {FunctionName} (invocation {InvocationId}, blob {BlobName}, attempt {Attempt}) in {DurationMs:0.0} ms: Succeeded")]
    public static partial void BlobInvocationSucceeded(ILogger logger, string functionName, string invocationId, string? blobName, int attempt, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executed {FunctionName} (invocation {InvocationId}, blob {BlobName}, attempt {Attempt}) in {DurationMs:0.0} ms: {Status}: {Error}")]
    public static partial void BlobInvocationFailed(ILogger logger, string functionName, string invocationId, string? blobName, int attempt, double durationMs, InvocationStatus status, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Executed {FunctionName} (invocation {InvocationId}, queue {QueueName}, message {MessageId}, dequeue count {DequeueCount}) in {DurationMs:0.0} ms: Succeeded")]
    public static partial void QueueInvocationSucceeded(ILogger logger, string functionName, string invocationId, string? queueName, string? messageId, int dequeueCount, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Executed {FunctionName} (invocation {InvocationId}, queue {QueueName}, message {MessageId}, dequeue count {DequeueCount}) in {DurationMs:0.0} ms: {Status}: {Error}")]
    public static partial void QueueInvocationFailed(ILogger logger, string functionName, string invocationId, string? queueName, string? messageId, int dequeueCount, double durationMs, InvocationStatus status, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An InvocationCompleted handler threw")]
    public static partial void InvocationHandlerFailed(ILogger logger, Exception exception);

    // HTTP

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to the worker failed for {FunctionName} (invocation {InvocationId}): {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string functionName, string invocationId, string reason);

    // Storage triggers

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the {Trigger} triggers failed: {Reason}")]
    public static partial void PollFailed(ILogger logger, string trigger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} {Trigger} invocation(s) still running after {GraceSeconds} s; stopping anyway")]
    public static partial void DrainTimedOut(ILogger logger, int count, string trigger, double graceSeconds);

    // Blobs

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing blob {BlobName} for {FunctionName} failed: {Reason}")]
    public static partial void BlobProcessingFailed(ILogger logger, string functionName, string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob {BlobName} for {FunctionName} no longer exists; not invoking")]
    public static partial void BlobGone(ILogger logger, string functionName, string blobName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob {BlobName} for {FunctionName} changed since ETag {ETag}; the newer version is due instead")]
    public static partial void BlobSuperseded(ILogger logger, string functionName, string blobName, string eTag);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob {BlobName} for {FunctionName} failed {Attempts} times; poison message written to queue {Queue}. Last error: {Error}")]
    public static partial void BlobPoisoned(ILogger logger, string functionName, string blobName, int attempts, string queue, string? error);

    // Queues

    [LoggerMessage(Level = LogLevel.Information, Message = "Polling {Count} queue trigger(s): every {MinimumMs} ms while messages come, backing off to {MaximumMs} ms when empty")]
    public static partial void QueuePollingStarted(ILogger logger, int count, double minimumMs, double maximumMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing message {MessageId} of queue {QueueName} for {FunctionName} failed: {Reason}")]
    public static partial void QueueProcessingFailed(ILogger logger, string functionName, string queueName, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of queue {QueueName} for {FunctionName} reached dequeue count {DequeueCount} (max {MaxDequeueCount}); moved to queue {PoisonQueue}. Last error: {Error}")]
    public static partial void QueueMessagePoisoned(ILogger logger, string functionName, string queueName, string messageId, long dequeueCount, int maxDequeueCount, string poisonQueue, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of queue {QueueName} for {FunctionName} is not valid base64 (the host's messageEncoding); moved to queue {PoisonQueue} as it was")]
    public static partial void QueueMessageUndecodable(ILogger logger, string functionName, string queueName, string messageId, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} of queue {QueueName} for {FunctionName} failed and the queue has no poison queue (its name ends in -poison or is too long): it stays invisible until its visibility timeout")]
    public static partial void QueueMessageKeptInvisible(ILogger logger, string functionName, string queueName, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep message {MessageId} of queue {QueueName} invisible: {Reason}")]
    public static partial void QueueRenewalFailed(ILogger logger, string queueName, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Function {FunctionName}: output binding(s) {Bindings} are not written by the local host (it writes HTTP responses only)")]
    public static partial void OutputBindingsIgnored(ILogger logger, string functionName, string bindings);
}
