using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using MedInsure.Articles.Ingestion;
using MedInsure.Articles.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Cli.Commands;

// ingest [--no-process] [--timeout SECONDS] PATH...: uploads dumps to the dumps container and waits until each is
// ingested. By default this process ingests its own uploads through the library's pipeline, as the blob trigger would;
// with --no-process it only waits, for a running Functions host (local or in Azure) to do the work.
internal static class IngestCommand
{
    // The host's blob-trigger tries before a blob goes to the poison queue, and its invocations in flight per instance.
    private const int MaxAttempts = 5;
    private const int Concurrency = 24;

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(600);

    private sealed record Upload(string Path, string Name, string Id);

    public static Command Create(CliContext cli)
    {
        var noProcess = new Option<bool>("--no-process") { Description = "only upload and wait: a running Functions host (local or in Azure) ingests" };
        var timeout = new Option<int?>("--timeout")
        {
            HelpName = "SECONDS",
            Description = $"seconds to wait for all ingestions (default {DefaultTimeout.TotalSeconds})",
            CustomParser = result =>
            {
                if (int.TryParse(result.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    return seconds;
                }

                result.AddError("--timeout needs a positive whole number of seconds");
                return null;
            },
        };
        var paths = InputFiles.Argument("a dump, a zip bundle, or a directory (its files, recursively, named by their paths in it)");
        var command = new Command("ingest", """
            Uploads dumps to the dumps container and prints a summary once each is ingested.
            Storage is the AzureWebJobsStorage setting (Azurite by default). Unless --no-process, this process ingests
            its uploads itself, as the blob trigger would. The summary: dump, status, articles, new, updated, unchanged,
            reason, and a total.
            Exit codes: 0 all ingested, 1 a dump was rejected or failed, 2 usage error.
            """)
        {
            noProcess,
            timeout,
            paths,
        };
        command.SetAction((result, ct) => RunAsync(
            cli,
            result.GetRequiredValue(paths),
            process: !result.GetValue(noProcess),
            result.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultTimeout,
            ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string[] paths, bool process, TimeSpan timeout, CancellationToken ct)
    {
        var files = InputFiles.Expand(paths);
        if (files.Count == 0)
        {
            throw new UsageException("no files to ingest");
        }

        // The ingestion id derives from the name and content, so each upload's record is known before it exists.
        var uploads = new List<Upload>();
        foreach (var (path, name) in files)
        {
            await using var stream = File.OpenRead(path);
            uploads.Add(new Upload(path, name, IngestionService.IngestionIdFor(name, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)))));
        }

        await using var services = cli.BuildServices();
        var storage = services.GetRequiredService<StorageProvisioner>();
        var dumps = storage.Container(storage.Options.DumpsContainer);
        var records = services.GetRequiredService<IngestionRecords>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var results = new Dictionary<string, IngestionRecord>(StringComparer.Ordinal);
        var gaveUp = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        Task? processing = null;
        try
        {
            await ProgressDisplay.RunAsync(cli.Err, async progress =>
            {
                var uploading = progress.AddTask("Uploading", maxValue: uploads.Count);
                var ingesting = progress.AddTask("Ingesting", maxValue: uploads.Count);
                await storage.EnsureAsync(deadline.Token);
                foreach (var upload in uploads)
                {
                    await using var stream = File.OpenRead(upload.Path);
                    await dumps.GetBlobClient(upload.Name).UploadAsync(stream, overwrite: true, deadline.Token);
                    uploading.Increment(1);
                }

                if (process)
                {
                    processing = IngestAsync(services.GetRequiredService<IngestionService>(), dumps, uploads, gaveUp, deadline.Token);
                }

                await WaitAsync(records, uploads, results, processing, ingesting, deadline.Token);
            });
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            await cli.Stderr.WriteLineAsync($"ingest: timed out after {timeout.TotalSeconds:0} s with {uploads.Count - results.Count} dumps not ingested");
        }
        finally
        {
            if (processing is not null)
            {
                await processing;
            }
        }

        var rows = new List<IngestionRecord>();
        foreach (var upload in uploads)
        {
            rows.Add(results.TryGetValue(upload.Name, out var done) ? done : await RowForAsync(records, upload, gaveUp.GetValueOrDefault(upload.Name), ct));
        }

        cli.Out.WriteTrimmed(IngestSummary.Create(rows));
        return rows.All(r => r.Status == IngestionStatus.Succeeded) ? ExitCodes.Ok : ExitCodes.Failed;
    }

    // What the blob trigger does for each upload, in this process: the pipeline reads the blob from the dumps
    // container. A failed try is repeated after 1, 2, 4 and 8 s, like the host's; after the fifth the dump is given up.
    // Never throws: what is left undone shows in the summary.
    private static async Task IngestAsync(
        IngestionService ingestion, BlobContainerClient dumps, IEnumerable<Upload> uploads, ConcurrentDictionary<string, string> gaveUp, CancellationToken ct)
    {
        try
        {
            await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (upload, token) =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await ingestion.IngestAsync(dumps.GetBlobClient(upload.Name), token);
                        return;
                    }
                    catch (RequestFailedException e) when (e.Status == 404)
                    {
                        gaveUp[upload.Name] = "the blob is no longer in the dumps container";
                        return;
                    }
                    catch (Exception e) when (e is not OperationCanceledException && attempt < MaxAttempts)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        gaveUp[upload.Name] = $"failed {MaxAttempts} times, last: {e.Message}";
                        return;
                    }
                }
            });
        }
        catch (OperationCanceledException)
        {
            // The deadline passed: the wait reports it.
        }
    }

    // Polls the ingestion records until every upload's is final, or (ingesting here) until the ingestion is over.
    private static async Task WaitAsync(
        IngestionRecords records,
        IReadOnlyList<Upload> uploads,
        Dictionary<string, IngestionRecord> results,
        Task? processing,
        Spectre.Console.ProgressTask progress,
        CancellationToken ct)
    {
        while (results.Count < uploads.Count)
        {
            // Read before the pass: whatever this process ingested has its record by then, so one more pass sees it.
            var processed = processing is { IsCompleted: true };
            foreach (var upload in uploads.Where(u => !results.ContainsKey(u.Name)))
            {
                if (await records.FindAsync(upload.Id, ct) is { } record && IngestionStatus.IsFinal(record.Status))
                {
                    results[upload.Name] = record;
                }
            }

            progress.Value = results.Count;
            if (processed || results.Count == uploads.Count)
            {
                return;
            }

            await Task.Delay(250, ct);
        }
    }

    // A dump without a final record: what its record says so far, and why it ended there.
    private static async Task<IngestionRecord> RowForAsync(IngestionRecords records, Upload upload, string? gaveUp, CancellationToken ct)
    {
        var record = await records.FindAsync(upload.Id, ct) ?? new IngestionRecord
        {
            Id = upload.Id,
            Dump = upload.Name,
            Status = "pending",
            StartedAt = DateTimeOffset.UtcNow,
            Reason = "not ingested before the timeout",
        };
        return gaveUp is null ? record : record with { Status = IngestionStatus.Failed, Reason = gaveUp };
    }
}
