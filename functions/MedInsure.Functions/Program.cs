using MedInsure.Articles.Calculations;
using MedInsure.Functions.Calculations;
using MedInsure.Functions.Cli;
using MedInsure.Functions.HostProtocol;
using MedInsure.Functions.Http;
using MedInsure.Articles.Ingestion;
using MedInsure.Functions.Ingestions;
using MedInsure.Functions.Manage;
using MedInsure.Articles.Storage;
using MedInsure.Articles.Stats;
using MedInsure.Functions.Stats;
using MedInsure.Functions.Dashboard;
using MedInsure.Articles.Queries;
using MedInsure.Functions.Articles;
using MedInsure.Functions.Catalog;
using MedInsure.Functions.OpenApi;

if (CommandLine.TryGetCommand(args, out var command))
{
    return await command(args[1..]);
}

var builder = WebApplication.CreateBuilder(args.Where(a => a != "serve").ToArray());

// Under the Functions host: listen where the host says. Standalone: like `func start`.
var hostPort = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT");
var standalone = string.IsNullOrEmpty(hostPort);
if (!standalone)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{hostPort}");
}
else if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:7071");
}

// The article domain (storage, ingestion, index, statistics, calculations), the host protocol and HTTP conventions
builder.AddArticleServices();
builder.AddHostProtocol(standalone);
builder.AddHttpConventions();
builder.AddApiDocs();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Host protocol and features (one MapX per feature)
app.MapHostProtocol();
app.MapCalculations();
app.MapArticles();
app.MapCatalog();
app.MapApiDocs();
app.MapIngestions();
app.MapManage();
app.MapStats();
app.MapDashboard();

await app.RunAsync();
return 0;
