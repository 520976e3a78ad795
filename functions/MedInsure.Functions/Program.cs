using MedInsure.Functions.Cli;
using MedInsure.Functions.HostProtocol;
using MedInsure.Functions.Http;
using MedInsure.Functions.Ingestion;
using MedInsure.Functions.Ingestions;
using MedInsure.Functions.Manage;
using MedInsure.Functions.Storage;

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

// Storage, ingestion and HTTP conventions
builder.AddStorage();
builder.AddIngestion(standalone);
builder.AddHttpConventions();

// Feature services (one AddX per feature)

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

// Host protocol and features (one MapX per feature)
app.MapHostProtocol();
app.MapIngestions();
app.MapManage();

await app.RunAsync();
return 0;
