using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MedInsure.Parsing;

namespace MedInsure.Cli.Commands;

internal static class ParseCommand
{
    // Chinese text stays readable in the output instead of becoming \uXXXX escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext cli)
    {
        var maxBytes = new Option<long?>("--max-bytes")
        {
            HelpName = "N",
            Description = $"largest accepted input in bytes (default {new DumpParserOptions().MaxInputBytes})",
            CustomParser = result =>
            {
                if (long.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0)
                {
                    return max;
                }

                result.AddError("--max-bytes needs a positive whole number of bytes");
                return null;
            },
        };
        var paths = InputFiles.Argument("a dump file, a zip bundle, or a directory (its files, recursively, in ordinal order)");
        var command = new Command("parse", """
            Checks dumps before upload: their articles as JSON Lines on stdout, rejected inputs on stderr.
            One JSON object per article (title, shortAnswer, body, category, date, isMain, source {dump, position},
            warnings); one line "<name>: <reason>" per rejected input. No storage.
            Exit codes: 0 every input parsed, 1 some input rejected, 2 usage error.
            """)
        {
            maxBytes,
            paths,
        };
        command.SetAction(result =>
        {
            var options = new DumpParserOptions();
            if (result.GetValue(maxBytes) is { } max)
            {
                options.MaxInputBytes = max;
            }

            return Run(cli, new DumpReader(options), InputFiles.ExpandAll(result.GetRequiredValue(paths)));
        });
        return command;
    }

    private static int Run(CliContext cli, DumpReader reader, IEnumerable<string> files)
    {
        var rejected = 0;
        foreach (var file in files)
        {
            foreach (var outcome in Read(reader, file))
            {
                if (outcome.Dump is not { } dump)
                {
                    rejected++;
                    cli.Stderr.WriteLine($"{outcome.Name}: {outcome.RejectionReason}");
                    continue;
                }

                foreach (var warning in dump.Warnings)
                {
                    cli.Stderr.WriteLine($"{dump.Name}: warning: {warning}");
                }

                foreach (var article in dump.Articles)
                {
                    cli.Stdout.WriteLine(ToJsonLine(dump.Name, article));
                }
            }
        }

        return rejected == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static IEnumerable<DumpOutcome> Read(DumpReader reader, string path)
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

    private static string ToJsonLine(string dumpName, ParsedArticle article)
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
}
