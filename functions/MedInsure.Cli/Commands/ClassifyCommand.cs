using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Cli.Commands;

internal static class ClassifyCommand
{
    private static readonly JsonSerializerOptions Output = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static Command Create(CliContext cli)
    {
        var file = new Argument<string?>("file")
        {
            HelpName = "FILE|-",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "JSON Lines to classify; without one, or with -, stdin",
        };
        file.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var path }] && path != "-" && !File.Exists(path))
            {
                result.AddError($"{path}: file not found");
            }
        });
        var command = new Command("classify", """
            Adds topic, region and model version to JSON Lines of articles.
            JSON Lines in (fields title, body), the same lines out with topic, topicScore, lowConfidence, region and
            modelVersion added; lines that cannot be classified are reported on stderr with their number. No storage.
            Exit codes: 0 every line classified, 1 some line rejected, 2 usage error.
            """)
        {
            file,
        };
        command.SetAction(async (result, ct) =>
        {
            var path = result.GetValue(file);
            using var opened = path is null or "-" ? null : new StreamReader(path);
            return await RunAsync(cli, opened ?? cli.Stdin, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, TextReader input, CancellationToken ct)
    {
        var topics = TopicClassifier.LoadDefault();
        var regions = new RegionTagger(RegionGazetteer.LoadDefault());
        var failed = 0;
        var lineNumber = 0;
        while (await input.ReadLineAsync(ct) is { } line)
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
                await cli.Stderr.WriteLineAsync($"classify: line {lineNumber}: not JSON ({ex.Message})");
                failed++;
                continue;
            }

            if (item?["title"] is not JsonValue titleValue || !titleValue.TryGetValue<string>(out var title) || string.IsNullOrWhiteSpace(title))
            {
                await cli.Stderr.WriteLineAsync($"classify: line {lineNumber}: field 'title' is missing or not a non-empty string");
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
            await cli.Stdout.WriteLineAsync(item.ToJsonString(Output));
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
