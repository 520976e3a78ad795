using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace MedInsure.Functions.Telemetry;

/// <summary>
/// Every log written during an invocation carries its invocation id: as <c>InvocationId</c> for OpenTelemetry log
/// records (scopes become attributes), and under the key the worker reads when it forwards a log line to the host
/// (<c>AzureFunctions_InvocationId</c>), which the OpenTelemetry schema the worker now uses no longer puts in scope.
/// </summary>
internal sealed class InvocationLogScope(ILogger<InvocationLogScope> logger) : IFunctionsWorkerMiddleware
{
    private const string HostLogKey = "AzureFunctions_InvocationId";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        using (logger.BeginScope(new Dictionary<string, object>
        {
            ["InvocationId"] = context.InvocationId,
            [HostLogKey] = context.InvocationId,
            ["Function"] = context.FunctionDefinition.Name,
        }))
        {
            await next(context);
        }
    }
}
