using System.Collections.Concurrent;
using System.Diagnostics;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>How an invocation ended.</summary>
public enum InvocationStatus
{
    /// <summary>The worker reported success.</summary>
    Succeeded,

    /// <summary>The worker reported failure, or it went away, or the request could not be forwarded.</summary>
    Failed,

    /// <summary>The worker reported the invocation as cancelled.</summary>
    Cancelled,
}

/// <summary>One finished invocation (for blobs and queue messages: one attempt).</summary>
/// <param name="FunctionName">The function invoked.</param>
/// <param name="InvocationId">The id sent to the worker.</param>
/// <param name="Trigger"><c>http</c>, <c>blob</c> or <c>queue</c>.</param>
/// <param name="StartedAt">When the host sent the invocation.</param>
/// <param name="Duration">Until both the worker's response and, for HTTP, the forwarded response were complete.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Attempt">1 for HTTP; the attempt number (1 to MaxDequeueCount) for blobs; the message's dequeue count for queues.</param>
/// <param name="Error">The failure's message, if any.</param>
/// <param name="HttpStatusCode">The status the client was sent, for HTTP.</param>
/// <param name="BlobName">The blob, for blob triggers.</param>
/// <param name="QueueName">The queue (as resolved), for queue triggers.</param>
/// <param name="MessageId">The queue message's id, for queue triggers.</param>
public sealed record InvocationRecord(
    string FunctionName,
    string InvocationId,
    string Trigger,
    DateTimeOffset StartedAt,
    TimeSpan Duration,
    InvocationStatus Status,
    int Attempt,
    string? Error,
    int? HttpStatusCode,
    string? BlobName,
    string? QueueName = null,
    string? MessageId = null);

/// <summary>Keeps, logs and announces finished invocations.</summary>
internal sealed class InvocationLog(ILogger logger)
{
    private readonly ConcurrentQueue<InvocationRecord> _records = new();

    public event EventHandler<InvocationRecord>? Completed;

    public IReadOnlyList<InvocationRecord> Snapshot() => _records.ToArray();

    public void Add(InvocationRecord record)
    {
        _records.Enqueue(record);
        var ms = record.Duration.TotalMilliseconds;
        if (record.Trigger == "blob")
        {
            if (record.Status == InvocationStatus.Succeeded)
            {
                Log.BlobInvocationSucceeded(logger, record.FunctionName, record.InvocationId, record.BlobName, record.Attempt, ms);
            }
            else
            {
                Log.BlobInvocationFailed(logger, record.FunctionName, record.InvocationId, record.BlobName, record.Attempt, ms, record.Status, record.Error);
            }
        }
        else if (record.Trigger == "queue")
        {
            if (record.Status == InvocationStatus.Succeeded)
            {
                Log.QueueInvocationSucceeded(logger, record.FunctionName, record.InvocationId, record.QueueName, record.MessageId, record.Attempt, ms);
            }
            else
            {
                Log.QueueInvocationFailed(logger, record.FunctionName, record.InvocationId, record.QueueName, record.MessageId, record.Attempt, ms, record.Status, record.Error);
            }
        }
        else if (record.Status == InvocationStatus.Succeeded)
        {
            Log.HttpInvocationSucceeded(logger, record.FunctionName, record.InvocationId, record.HttpStatusCode, ms);
        }
        else
        {
            Log.HttpInvocationFailed(logger, record.FunctionName, record.InvocationId, record.HttpStatusCode, ms, record.Status, record.Error);
        }

        try
        {
            Completed?.Invoke(this, record);
        }
#pragma warning disable CA1031 // A subscriber's bug must not fail the request, blob or message that raised the event.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.InvocationHandlerFailed(logger, ex);
        }
    }

    public static InvocationStatus StatusOf(InvocationResponse response) => response.Result?.Status switch
    {
        StatusResult.Types.Status.Success => InvocationStatus.Succeeded,
        StatusResult.Types.Status.Cancelled => InvocationStatus.Cancelled,
        _ => InvocationStatus.Failed,
    };

    public static string? ErrorOf(InvocationResponse response) =>
        StatusOf(response) == InvocationStatus.Succeeded
            ? null
            : response.Result?.Exception?.Message is { Length: > 0 } message ? message : response.Result?.Result;
}

internal static class TraceContexts
{
    /// <summary>
    /// A W3C trace context for a new invocation: it continues the caller's trace when the caller sent a valid
    /// traceparent, else it starts a new one. The worker needs one on every invocation.
    /// </summary>
    public static RpcTraceContext Create(string? incomingTraceParent = null, string? incomingTraceState = null)
    {
        var traceId = ActivityTraceId.CreateRandom();
        var flags = ActivityTraceFlags.Recorded;
        var state = "";
        if (incomingTraceParent is not null && ActivityContext.TryParse(incomingTraceParent, incomingTraceState, out var parent))
        {
            traceId = parent.TraceId;
            flags = parent.TraceFlags;
            state = parent.TraceState ?? "";
        }

        var flagsHex = (flags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00";
        return new RpcTraceContext
        {
            TraceParent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-{flagsHex}",
            TraceState = state,
        };
    }
}
