using MedInsure.Functions.Http;
using MedInsure.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;

var builder = FunctionsApplication.CreateBuilder(args);

// The ASP.NET Core integration: functions take HttpRequest and return typed results, as minimal APIs do.
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<InvocationLogScope>();
builder.UseMiddleware<ProblemDetailsMiddleware>();

// The article domain (storage, ingestion, index, statistics, calculations), HTTP conventions and telemetry
builder.AddArticleServices();
builder.AddHttpConventions();
builder.AddTelemetry();

await builder.Build().RunAsync();
