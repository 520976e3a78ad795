using Microsoft.AspNetCore.Routing.Patterns;

namespace MedInsure.Functions.Tests.Hosting;

/// <summary>The worker's build output as the Functions host reads it: functions.metadata, one entry per function.</summary>
public static class FunctionMetadata
{
    public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel)
    {
        /// <summary>The path clients call (route prefix is empty): parameters kept, the always-empty root parameter dropped.</summary>
        public string Path => "/" + string.Join('/', RoutePatternFactory.Parse(Route).PathSegments
            .Where(s => s.Parts is not [RoutePatternParameterPart { IsOptional: true }])
            .Select(s => string.Concat(s.Parts.Select(p => p is RoutePatternParameterPart parameter ? $"{{{parameter.Name}}}" : ((RoutePatternLiteralPart)p).Content))));
    }

    public static JsonElement Read() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(MedInsureApplication.AppDirectory, "functions.metadata"))).RootElement;

    public static IReadOnlyList<HttpFunction> HttpFunctions() =>
        [.. Read().EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First()))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => new HttpFunction(f.Name, f.Trigger.GetProperty("route").GetString()!,
                [.. f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant())],
                f.Trigger.GetProperty("authLevel").GetString()!))];
}
