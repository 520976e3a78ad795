using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MedInsure.Functions.Telemetry;

internal static class TelemetryExtensions
{
    private const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// OpenTelemetry through the worker (its defaults add the invocation id and function name to every span and log):
    /// the ingestion spans and metrics, storage write metrics, and logs. With an Application Insights connection string
    /// (set by infra/) they go to Azure Monitor, authenticated as the app's managed identity; without one, to the console.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var connectionString = builder.Configuration[ConnectionStringSetting];
        var clientId = builder.Configuration["AZURE_CLIENT_ID"];
        var toAzure = !string.IsNullOrWhiteSpace(connectionString);
        void Azure(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = connectionString;
            // Application Insights has local auth off: telemetry is sent with Entra ID.
            o.Credential = clientId is { Length: > 0 } ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)) : new DefaultAzureCredential();
        }

        var telemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(IngestionTelemetry.SourceName);
            // The console gets only this app's own spans: the local host already logs one line per invocation.
            _ = toAzure ? tracing.AddAzureMonitorTraceExporter(Azure)
                : tracing.AddProcessor(new OwnSpansOnly(new SimpleActivityExportProcessor(new ConsoleActivityExporter(new ConsoleExporterOptions()))));
        });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(IngestionTelemetry.SourceName, StorageMetrics.MeterName);
            _ = toAzure ? metrics.AddAzureMonitorMetricExporter(Azure) : metrics.AddConsoleExporter();
        });
        if (toAzure)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.AddAzureMonitorLogExporter(Azure);
            });
        }

        return builder;
    }

    private sealed class OwnSpansOnly(BaseProcessor<Activity> inner) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (data.Source.Name.StartsWith("MedInsure.", StringComparison.Ordinal))
            {
                inner.OnEnd(data);
            }
        }

        protected override bool OnForceFlush(int timeoutMilliseconds) => inner.ForceFlush(timeoutMilliseconds);

        protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
