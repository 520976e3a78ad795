using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using MedInsure.Articles.Storage;
using MedInsure.Articles.Tagging;
using MedInsure.Parsing;

namespace MedInsure.Articles.Ingestion;

/// <summary>
/// The ingestion pipeline: parse, analyse, merge into the articles table, record the outcome, quarantine what was
/// rejected. Idempotent per blob version: the ingestion id derives from the blob's name and content.
/// </summary>
public sealed class IngestionService(
    StorageProvisioner storage,
    DumpReader reader,
    IArticleAnalyzer analyzer,
    ArticleStore articles,
    IngestionRecords records,
    TimeProvider time,
    ILogger<IngestionService> logger)
{
    public static string IngestionIdFor(string name, string contentHash)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{name}\n{contentHash}"));
        return Convert.ToHexStringLower(bytes.AsSpan(0, 8));
    }

    /// <summary>Small dumps are read into memory; larger ones (zip bundles) stream to a temporary file, so no dump of any
    /// size is held in memory whole.</summary>
    public const long InMemoryLimit = 4 * 1024 * 1024;

    /// <summary>Ingests one dump: the blob the trigger names, in the dumps container.</summary>
    public async Task<IngestionRecord> IngestAsync(BlobClient dump, CancellationToken cancellationToken)
    {
        using var activity = IngestionTelemetry.Source.StartActivity("ingest dump");
        activity?.SetTag("medinsure.dump", dump.Name);
        var started = time.GetTimestamp();
        await storage.EnsureAsync(cancellationToken);
        await using var content = await ReadAsync(dump, cancellationToken);
        var name = dump.Name;
        var contentHash = await HashAsync(content, cancellationToken);
        var id = IngestionIdFor(name, contentHash);
        activity?.SetTag("medinsure.ingestion", id);

        var record = new IngestionRecord
        {
            Id = id,
            Dump = name,
            Status = IngestionStatus.Running,
            ContentHash = contentHash,
            Size = content.Length,
            Attempts = 1,
            StartedAt = time.GetUtcNow(),
        };

        // Idempotency: the "running" record is added first, and only a blob version that has a record already (a
        // redelivery or a retry) pays for reading it. A final one means this version was ingested: nothing to do.
        if (!await records.TryStartAsync(record, cancellationToken))
        {
            var previous = await records.FindAsync(id, cancellationToken);
            if (previous is not null && IngestionStatus.IsFinal(previous.Status))
            {
                logger.DumpAlreadyIngested(name, id, previous.Status);
                return previous;
            }

            record = record with { Attempts = (previous?.Attempts ?? 0) + 1, StartedAt = previous?.StartedAt ?? record.StartedAt };
        }

        // A plain dump takes well under a second: only a bundle is listed as "running" while it works.
        if (IsBundle(content))
        {
            await records.SaveAsync(record, cancellationToken);
        }

        try
        {
            var result = await ProcessAsync(dump, content, record, cancellationToken);
            await records.SaveAsync(result, cancellationToken);
            Log(result);
            activity?.SetTag("medinsure.status", result.Status);
            IngestionTelemetry.Record(result, time.GetElapsedTime(started));
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.IngestionFailed(ex, name, record.Attempts);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            var failed = await TrySaveFailureAsync(record, ex);
            IngestionTelemetry.Record(failed, time.GetElapsedTime(started));
            throw;
        }
    }

    private async Task<IngestionRecord> ProcessAsync(BlobClient dump, Stream content, IngestionRecord record, CancellationToken cancellationToken)
    {
        var name = dump.Name;
        var members = new List<IngestionRecord>();
        var isBundle = false;
        var index = 0;
        foreach (var outcome in reader.Read(name, content))
        {
            isBundle |= !string.Equals(outcome.Name, name, StringComparison.Ordinal);
            var memberId = isBundle ? $"{record.Id}-{index:D4}" : record.Id;
            var member = await ProcessOutcomeAsync(outcome, memberId, isBundle ? record.Id : null, record, cancellationToken);
            members.Add(member);
            index++;
        }

        if (!isBundle && members.Count == 1)
        {
            var single = members.Single();
            if (single.Status == IngestionStatus.Rejected)
            {
                return single with { QuarantineBlob = await QuarantineAsync(dump, content, single.Reason!, record.Id, deleteOriginal: true, cancellationToken) };
            }

            return single;
        }

        await Task.WhenAll(members.Select(member => records.SaveAsync(member, cancellationToken)));

        var rejected = members.Where(m => m.Status == IngestionStatus.Rejected).ToList();
        var status = members.Count == 0 || rejected.Count == members.Count ? IngestionStatus.Rejected
            : rejected.Count > 0 ? IngestionStatus.Partial
            : IngestionStatus.Succeeded;
        var reason = members.Count == 0
            ? "the zip holds no dumps"
            : rejected.Count == 0 ? null
            : $"{rejected.Count} of {members.Count} members rejected; first: {rejected[0].Dump}: {rejected[0].Reason}";
        var bundle = record with
        {
            Status = status,
            Articles = members.Sum(m => m.Articles),
            New = members.Sum(m => m.New),
            Updated = members.Sum(m => m.Updated),
            Unchanged = members.Sum(m => m.Unchanged),
            Warnings = [.. members.SelectMany(m => m.Warnings.Select(w => $"{m.Dump}: {w}"))],
            Reason = reason,
            CompletedAt = time.GetUtcNow(),
        };

        if (rejected.Count > 0)
        {
            // The zip itself is what was uploaded: keep all of it in quarantine, leave it in place for its good members.
            bundle = bundle with { QuarantineBlob = await QuarantineAsync(dump, content, reason!, record.Id, deleteOriginal: status == IngestionStatus.Rejected, cancellationToken) };
        }

        return bundle;
    }

    private async Task<IngestionRecord> ProcessOutcomeAsync(DumpOutcome outcome, string id, string? parent, IngestionRecord attempt, CancellationToken cancellationToken)
    {
        var record = attempt with { Id = id, Dump = outcome.Name, Parent = parent, ContentHash = outcome.ContentHash };
        if (outcome.Dump is not { } dump)
        {
            logger.DumpRejected(outcome.Name, outcome.RejectionReason!);
            return record with { Status = IngestionStatus.Rejected, Reason = outcome.RejectionReason, CompletedAt = time.GetUtcNow() };
        }

        var now = time.GetUtcNow();
        // A dump may name an article more than once: its sightings merge into one write, and each is recorded.
        var candidates = new Dictionary<string, (StoredArticle Article, List<ArticleSource> Sightings)>(StringComparer.Ordinal);
        foreach (var article in dump.Articles)
        {
            var candidate = ToStored(article, attempt.Id, now);
            var sighting = new ArticleSource(dump.Name, article.Position, attempt.Id, now);
            candidates[candidate.Id] = candidates.TryGetValue(candidate.Id, out var seen)
                ? (ArticleMerger.Merge(seen.Article, candidate).Merged, [.. seen.Sightings, sighting])
                : (candidate, [sighting]);
        }

        var changes = await Task.WhenAll(candidates.Values.Select(c => articles.SaveAsync(c.Article, c.Sightings, cancellationToken)));
        var warnings = dump.Warnings.Concat(dump.Articles.SelectMany(a => a.Warnings.Select(w => $"#{a.Position.ToString(CultureInfo.InvariantCulture)} {a.Title}: {w}"))).ToList();
        return record with
        {
            Status = IngestionStatus.Succeeded,
            Encoding = dump.Encoding,
            Articles = dump.Articles.Count,
            New = changes.Count(c => c == ArticleChange.New),
            Updated = changes.Count(c => c == ArticleChange.Updated),
            Unchanged = changes.Count(c => c == ArticleChange.Unchanged),
            Warnings = warnings,
            CompletedAt = time.GetUtcNow(),
        };
    }

    private StoredArticle ToStored(ParsedArticle article, string ingestionId, DateTimeOffset now) =>
        ToStored(article, ingestionId, analyzer.Analyze(article.Title, article.Body), now);

    /// <summary>One sighting of an article as the store keeps it: its own text and tags.</summary>
    internal static StoredArticle ToStored(ParsedArticle article, string ingestionId, (ArticleTags Tags, IReadOnlyList<ArticleFlag> Flags) analysis, DateTimeOffset now) => new()
    {
        Id = ArticleIdentity.IdFor(article.Title),
        Title = article.Title,
        ShortAnswer = article.ShortAnswer,
        Body = article.Body,
        IsFullText = article.IsMain,
        Category = article.Category,
        Date = article.Date,
        Tags = analysis.Tags,
        Flags = analysis.Flags,
        FirstSeenAt = now,
        UpdatedAt = now,
        CreatedBy = ingestionId,
        UpdatedBy = ingestionId,
    };

    private async Task<string> QuarantineAsync(BlobClient dump, Stream content, string reason, string ingestionId, bool deleteOriginal, CancellationToken cancellationToken)
    {
        var name = dump.Name;
        content.Position = 0;
        var target = storage.Container(storage.Options.QuarantineContainer).GetBlobClient(name);
        // Blob metadata must be ASCII: the reason (often naming Chinese file names) is percent-encoded.
        var metadata = new Dictionary<string, string>
        {
            ["reason"] = Uri.EscapeDataString(reason.Length > 2000 ? reason[..2000] : reason),
            ["ingestion"] = ingestionId,
            ["source"] = Uri.EscapeDataString($"{dump.BlobContainerName}/{name}"),
        };
        await target.UploadAsync(content, new BlobUploadOptions { Metadata = metadata }, cancellationToken);
        logger.DumpQuarantined(name, target.Name);
        if (deleteOriginal)
        {
            await dump.DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }

        return $"{storage.Options.Container(storage.Options.QuarantineContainer)}/{name}";
    }

    // One download: the response says how long the dump is before its body is read. The pipeline reads the content
    // more than once (hash, parse, quarantine copy), so it lands in a seekable local stream.
    private static async Task<Stream> ReadAsync(BlobClient dump, CancellationToken cancellationToken)
    {
        var download = (await dump.DownloadStreamingAsync(cancellationToken: cancellationToken)).Value;
        await using var body = download.Content;
        var length = download.Details.ContentLength;
        Stream local = length <= InMemoryLimit
            ? new MemoryStream(checked((int)Math.Max(length, 0)))
            : new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await body.CopyToAsync(local, cancellationToken);
            local.Position = 0;
            return local;
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    private static bool IsBundle(Stream content)
    {
        Span<byte> magic = stackalloc byte[4];
        var read = content.Read(magic);
        content.Position = 0;
        return read == 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] == 3 && magic[3] == 4;
    }

    private static async Task<string> HashAsync(Stream content, CancellationToken cancellationToken)
    {
        var hash = await SHA256.HashDataAsync(content, cancellationToken);
        content.Position = 0;
        return Convert.ToHexStringLower(hash);
    }

    private async Task<IngestionRecord> TrySaveFailureAsync(IngestionRecord record, Exception ex)
    {
        var reason = ex.IsTransient() ? $"transient storage error, will retry: {ex.GetType().Name}" : $"unexpected error: {ex.Message}";
        var failed = record with { Status = IngestionStatus.Failed, Reason = reason, CompletedAt = time.GetUtcNow() };
        try
        {
            await records.SaveAsync(failed, CancellationToken.None);
        }
        catch (Exception saveError) when (saveError.IsTransient())
        {
            // Storage is down: the retry will write the record.
        }

        return failed;
    }

    private void Log(IngestionRecord result)
    {
        if (result.Status == IngestionStatus.Rejected)
        {
            return;
        }

        logger.DumpIngested(result.Dump, result.Status, result.Articles, result.New, result.Updated, result.Unchanged);
    }
}
