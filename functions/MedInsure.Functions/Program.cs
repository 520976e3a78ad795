using MedInsure.Functions.Cli;

if (CommandLine.TryGetCommand(args, out var command))
{
    return await command(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "MedInsure");
await app.RunAsync();
return 0;
