using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Cli;

/// <summary>
/// <c>classify [file]</c>: reads JSON Lines with <c>title</c> and <c>body</c> (a file or stdin) and writes each line back
/// with <c>topic</c>, <c>topicScore</c>, <c>lowConfidence</c>, <c>region</c> and <c>modelVersion</c> added; other fields pass through.
/// </summary>
internal static class ClassifyCommand
{
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 1 || args is ["-h" or "--help"] || args is [var option] && option.StartsWith('-') && option != "-")
        {
            var help = args is ["-h" or "--help"];
            await (help ? stdout : stderr).WriteLineAsync("usage: classify [file|-]\n  JSON Lines in (fields title, body), the same lines out with topic, topicScore, lowConfidence, region, modelVersion.");
            return help ? CommandLine.Ok : CommandLine.UsageError;
        }

        if (args is [var path] && path != "-" && !File.Exists(path))
        {
            await stderr.WriteLineAsync($"classify: {path}: file not found");
            return CommandLine.UsageError;
        }

        using var input = args is [var file] && file != "-" ? new StreamReader(file) : stdin;
        var topics = TopicClassifier.LoadDefault();
        var regions = new RegionTagger(RegionGazetteer.LoadDefault());
        var failed = 0;
        var lineNumber = 0;
        while (await input.ReadLineAsync() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonObject? item;
            try
            {
                item = JsonNode.Parse(line) as JsonObject;
            }
            catch (JsonException ex)
            {
                await stderr.WriteLineAsync($"classify: line {lineNumber}: not JSON ({ex.Message})");
                failed++;
                continue;
            }

            if (item?["title"] is not JsonValue titleValue || !titleValue.TryGetValue<string>(out var title) || string.IsNullOrWhiteSpace(title))
            {
                await stderr.WriteLineAsync($"classify: line {lineNumber}: field 'title' is missing or not a non-empty string");
                failed++;
                continue;
            }

            var body = item["body"] is JsonValue bodyValue && bodyValue.TryGetValue<string>(out var b) ? b : null;
            var topic = topics.Predict(title, body);
            var region = regions.Tag(title, body).Primary;
            item["topic"] = topic.Topic;
            item["topicScore"] = Math.Round(topic.Score, 4);
            item["lowConfidence"] = topic.LowConfidence;
            item["region"] = new JsonObject
            {
                ["code"] = region.Code,
                ["name"] = region.Name,
                ["provinceCode"] = region.ProvinceCode,
                ["cityCode"] = region.CityCode,
                ["countyCode"] = region.CountyCode,
            };
            item["modelVersion"] = topics.ModelVersion;
            await stdout.WriteLineAsync(item.ToJsonString(Output));
        }

        return failed == 0 ? CommandLine.Ok : CommandLine.InputRejected;
    }
}
