using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedInsure.Parsing;

namespace MedInsure.Functions.Cli;

/// <summary>`parse PATH...`: prints every article of every dump as JSON Lines; rejected inputs go to stderr.</summary>
internal static class ParseCommand
{
    private const string Usage = """
        usage: parse [--max-bytes N] PATH...
          PATH          a dump file, a zip bundle, or a directory (its files, recursively, in ordinal order)
          --max-bytes N largest accepted input in bytes (default 20971520)
          -h, --help    show this help
        Prints one JSON object per article on stdout; rejected inputs are listed on stderr as "<name>: <reason>".
        Exit codes: 0 every input parsed, 1 some input rejected, 2 usage error.
        """;

    // Chinese text stays readable in the output instead of becoming \uXXXX escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var options = new DumpParserOptions();
        var paths = new List<string>();
        var onlyPaths = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (onlyPaths || !arg.StartsWith('-') || arg == "-")
            {
                paths.Add(arg);
            }
            else if (arg is "-h" or "--help")
            {
                await stdout.WriteLineAsync(Usage);
                return CommandLine.Ok;
            }
            else if (arg == "--")
            {
                onlyPaths = true;
            }
            else if (arg == "--max-bytes")
            {
                if (i + 1 >= args.Length || !long.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max <= 0)
                {
                    return await UsageErrorAsync(stderr, "--max-bytes needs a positive whole number of bytes");
                }

                options.MaxInputBytes = max;
                i++;
            }
            else
            {
                return await UsageErrorAsync(stderr, $"unknown option '{arg}'");
            }
        }

        if (paths.Count == 0)
        {
            return await UsageErrorAsync(stderr, "no input paths given");
        }

        foreach (var path in paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                return await UsageErrorAsync(stderr, $"path not found: {path}");
            }
        }

        var reader = new DumpReader(options);
        var rejected = 0;
        foreach (var file in paths.SelectMany(ExpandPath))
        {
            foreach (var outcome in ReadFile(reader, file))
            {
                if (outcome.Dump is not { } dump)
                {
                    rejected++;
                    await stderr.WriteLineAsync($"{outcome.Name}: {outcome.RejectionReason}");
                    continue;
                }

                foreach (var warning in dump.Warnings)
                {
                    await stderr.WriteLineAsync($"{dump.Name}: warning: {warning}");
                }

                foreach (var article in dump.Articles)
                {
                    await stdout.WriteLineAsync(ToJsonLine(dump.Name, article));
                }
            }
        }

        return rejected == 0 ? CommandLine.Ok : CommandLine.InputRejected;
    }

    private static IEnumerable<string> ExpandPath(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [path];

    private static IEnumerable<DumpOutcome> ReadFile(DumpReader reader, string path)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [DumpOutcome.Rejected(path, $"cannot be read: {e.Message}", "")];
        }

        return ReadAndDispose(reader, path, stream);
    }

    private static IEnumerable<DumpOutcome> ReadAndDispose(DumpReader reader, string path, FileStream stream)
    {
        using (stream)
        {
            foreach (var outcome in reader.Read(path, stream))
            {
                yield return outcome;
            }
        }
    }

    internal static string ToJsonLine(string dumpName, ParsedArticle article)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("title", article.Title);
            json.WriteString("shortAnswer", article.ShortAnswer);
            json.WriteString("body", article.Body);
            json.WriteString("category", article.Category);
            if (article.Date is { } date)
            {
                json.WriteString("date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            else
            {
                json.WriteNull("date");
            }

            json.WriteBoolean("isMain", article.IsMain);
            json.WriteStartObject("source");
            json.WriteString("dump", dumpName);
            json.WriteNumber("position", article.Position);
            json.WriteEndObject();
            json.WriteStartArray("warnings");
            foreach (var warning in article.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<int> UsageErrorAsync(TextWriter stderr, string problem)
    {
        await stderr.WriteLineAsync($"parse: {problem}");
        await stderr.WriteLineAsync(Usage);
        return CommandLine.UsageError;
    }
}
