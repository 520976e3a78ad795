using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace MedInsure.Functions.Http;

/// <summary>
/// An HTTP function that throws answers an RFC 9457 problem instead of an empty error: 503 with Retry-After when storage
/// is unreachable or throttled (the client should come back), 500 otherwise, never exception details. The problem
/// details service adds the request's W3C trace (<c>traceId</c>), under which the failure is logged. Other triggers
/// rethrow, so the host retries them.
/// </summary>
internal sealed partial class ProblemDetailsMiddleware(ILogger<ProblemDetailsMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public const int RetryAfterSeconds = 5;

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http && !http.RequestAborted.IsCancellationRequested)
        {
            if (ex.IsTransient())
            {
                StorageUnavailable(ex, context.FunctionDefinition.Name, context.InvocationId);
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.GetInvocationResult().Value = TypedResults.Problem(
                    title: "Service Unavailable",
                    detail: "Storage is unreachable or busy. Try again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
                return;
            }

            Failed(ex, context.FunctionDefinition.Name, context.InvocationId);
            context.GetInvocationResult().Value = TypedResults.Problem(
                title: "Internal Server Error",
                detail: "The request could not be completed.",
                statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "{Function} failed (invocation {InvocationId})")]
    private partial void Failed(Exception exception, string function, string invocationId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "{Function}: storage unavailable, answered 503 (invocation {InvocationId})")]
    private partial void StorageUnavailable(Exception exception, string function, string invocationId);
}
