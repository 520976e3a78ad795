using MedInsure.Functions.HostProtocol;
using System.Globalization;
using System.Security.Cryptography;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Cli;

/// <summary>
/// <c>ingest [--no-process] [--timeout SECONDS] &lt;file|dir|zip&gt;...</c>: uploads dumps to the dumps container and waits
/// until each is ingested. By default this process fires the blob trigger for its own uploads (no server needed);
/// with --no-process it only waits, for a running app (or Azure) to do the work.
/// </summary>
internal static class IngestCommand
{
    private const string Usage = """
        usage: ingest [--no-process] [--timeout SECONDS] <file|dir|zip>...
          Uploads each dump (a directory: all its files) to the configured storage (Azurite by default,
          setting AzureWebJobsStorage), waits until each is ingested and prints a summary.
          --no-process   only upload and wait: a running app or the Azure host ingests
          --timeout      seconds to wait for all ingestions (default 600)
        exit codes: 0 all ingested, 1 a dump was rejected or failed, 2 usage error
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var paths = new List<string>();
        var process = true;
        var timeout = TimeSpan.FromSeconds(600);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage);
                    return CommandLine.Ok;
                case "--no-process":
                    process = false;
                    break;
                case "--timeout" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    timeout = TimeSpan.FromSeconds(seconds);
                    i++;
                    break;
                case var option when option.StartsWith('-'):
                    await stderr.WriteLineAsync($"ingest: unknown or incomplete option '{option}'\n{Usage}");
                    return CommandLine.UsageError;
                default:
                    paths.Add(args[i]);
                    break;
            }
        }

        var files = InputFiles.Expand(paths, out var missing);
        if (paths.Count == 0 || missing.Count > 0 || files.Count == 0)
        {
            await stderr.WriteLineAsync((missing.Count > 0 ? $"ingest: not found: {string.Join(", ", missing)}\n" : files.Count == 0 && paths.Count > 0 ? "ingest: no files to ingest\n" : "") + Usage);
            return CommandLine.UsageError;
        }

        await using var services = CommandServices.Build(emulateTrigger: false, settings);
        var storage = services.GetRequiredService<StorageProvisioner>();
        var records = services.GetRequiredService<IngestionRecords>();
        using var cancel = new CancellationTokenSource(timeout);
        await storage.EnsureAsync(cancel.Token);

        var dumps = storage.Container(storage.Options.DumpsContainer);
        var expected = new List<(string Name, string Id)>();
        var upload = new ProgressBar(stderr, "Uploading", files.Count);
        foreach (var (path, name) in files)
        {
            await using (var stream = File.OpenRead(path))
            {
                await dumps.GetBlobClient(name).UploadAsync(stream, overwrite: true, cancel.Token);
            }

            await using (var stream = File.OpenRead(path))
            {
                var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancel.Token));
                expected.Add((name, IngestionService.IngestionIdFor(name, hash)));
            }

            upload.Report(expected.Count);
        }

        Task? processing = null;
        if (process)
        {
            var emulator = services.GetRequiredService<BlobTriggerEmulator>();
            var names = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            processing = Task.Run(async () =>
            {
                // Keep firing until every upload is done: failed invocations come back after their backoff.
                while (!cancel.IsCancellationRequested && await emulator.PollOnceAsync(cancel.Token, names) > 0)
                {
                    await Task.Delay(500, cancel.Token);
                }
            }, cancel.Token);
        }

        var results = new Dictionary<string, IngestionRecord>(StringComparer.Ordinal);
        var progress = new ProgressBar(stderr, "Ingesting", expected.Count);
        try
        {
            while (results.Count < expected.Count)
            {
                foreach (var (name, id) in expected.Where(e => !results.ContainsKey(e.Name)))
                {
                    if (await records.FindAsync(id, cancel.Token) is { } record && IngestionStatus.IsFinal(record.Status))
                    {
                        results[name] = record;
                    }
                }

                progress.Report(results.Count);
                if (results.Count < expected.Count)
                {
                    await Task.Delay(250, cancel.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync($"\ningest: timed out after {timeout.TotalSeconds:0} s with {expected.Count - results.Count} dumps not ingested");
        }

        if (processing is not null)
        {
            await processing.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var rows = new List<IngestionRecord>();
        foreach (var (name, id) in expected)
        {
            rows.Add(results.TryGetValue(name, out var r) ? r : await records.FindAsync(id, CancellationToken.None) ?? new IngestionRecord
            {
                Id = id, Dump = name, Status = "pending", StartedAt = DateTimeOffset.UtcNow, Reason = "not ingested before the timeout",
            });
        }

        await stdout.WriteAsync(SummaryTable.Render(rows));
        return rows.All(r => r.Status == IngestionStatus.Succeeded) ? CommandLine.Ok : CommandLine.InputRejected;
    }
}

internal static class SummaryTable
{
    public static string Render(IReadOnlyList<IngestionRecord> rows)
    {
        var table = new List<string[]> { new[] { "dump", "status", "articles", "new", "updated", "unchanged", "reason" } };
        table.AddRange(rows.Select(r => new[]
        {
            r.Dump, r.Status, Num(r.Articles), Num(r.New), Num(r.Updated), Num(r.Unchanged), r.Reason ?? "",
        }));
        table.Add(["total", $"{rows.Count(r => r.Status == IngestionStatus.Succeeded)}/{rows.Count} ok", Num(rows.Sum(r => r.Articles)),
            Num(rows.Sum(r => r.New)), Num(rows.Sum(r => r.Updated)), Num(rows.Sum(r => r.Unchanged)), ""]);

        var widths = Enumerable.Range(0, 6).Select(c => table.Max(row => DisplayWidth(row[c]))).ToArray();
        var output = new System.Text.StringBuilder();
        foreach (var row in table)
        {
            for (var c = 0; c < 6; c++)
            {
                output.Append(Pad(row[c], widths[c], rightAlign: c >= 2)).Append("  ");
            }

            output.Append(row[6]).Append('\n');
        }

        return output.ToString();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    // CJK characters take two terminal columns.
    private static int DisplayWidth(string s) => s.Sum(ch => ch >= 0x1100 && (ch <= 0x115F || (ch >= 0x2E80 && ch <= 0xA4CF) || (ch >= 0xAC00 && ch <= 0xD7A3) || (ch >= 0xF900 && ch <= 0xFAFF) || (ch >= 0xFF00 && ch <= 0xFF60)) ? 2 : 1);

    private static string Pad(string s, int width, bool rightAlign)
    {
        var pad = new string(' ', Math.Max(0, width - DisplayWidth(s)));
        return rightAlign ? pad + s : s + pad;
    }
}
