using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using MedInsure.Benchmarks.Support;
using MedInsure.Cli;
using MedInsure.LocalHost;
using MedInsure.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Benchmarks;

/// <summary>
/// Ingestion figures that hold on Azure Table Storage, through the real blob-trigger path (the local Functions host
/// firing the worker process's IngestDump): storage requests, bytes sent and entities written per ingested article,
/// next to the minimum the same rows need (deterministic counts, read at the Azure-limits proxy); upload-to-queryable
/// p50/p95 for a bulk upload of 50 dumps; and the worker's peak resident memory while it ingests one ~100 MB zip
/// (target: under 300 MB). Throughput on Azurite is printed for context only.
/// </summary>
internal static class IngestBenchmark
{
    private const long TargetPeakBytes = 300L * 1024 * 1024;
    private const int RelatedPerDump = 19;
    private const string ZipName = "bundle.zip";
    private const int MaxBatchOperations = 100;
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> Run(string[] args)
    {
        var articles = 2_000;
        var latencyDumps = 50;
        var zipMb = 100;
        var zipRelated = 39;
        var skipCounts = false;
        var skipLatency = false;
        var skipZip = false;
        string[] zipConfigs = ["default", "server"];
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var n) && n >= 100:
                    articles = n;
                    i++;
                    break;
                case "--latency-dumps" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var d) && d >= 2:
                    latencyDumps = d;
                    i++;
                    break;
                case "--zip-mb" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var mb) && mb >= 1:
                    zipMb = mb;
                    i++;
                    break;
                case "--zip-related" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var r) && r >= 0:
                    zipRelated = r;
                    i++;
                    break;
                case "--zip-configs" when i + 1 < args.Length:
                    zipConfigs = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    i++;
                    break;
                case "--skip-counts":
                    skipCounts = true;
                    break;
                case "--skip-latency":
                    skipLatency = true;
                    break;
                case "--skip-zip":
                    skipZip = true;
                    break;
                default:
                    Console.Error.WriteLine("""
                        usage: ingest [--articles 2000] [--latency-dumps 50] [--zip-mb 100] [--zip-related 39]
                                      [--zip-configs default,server] [--skip-counts] [--skip-latency] [--skip-zip]
                          --articles       distinct articles of the request-count corpus (dumps of 1 main + 19 related)
                          --latency-dumps  dumps of the bulk upload whose upload-to-queryable times are measured
                          --zip-configs    which zip runs: default, raised (Parser:MaxInputBytes), server (GC)
                        """);
                    return 2;
            }
        }

        if (!File.Exists(Path.Combine(LocalApp.WorkerDirectory, "functions.metadata")))
        {
            Console.Error.WriteLine($"the worker's build output is missing at {LocalApp.WorkerDirectory}: build with -c {LocalApp.Configuration}");
            return 2;
        }

        Console.WriteLine($"ingest benchmark: in-memory Azurite behind the Azure-limits proxy, {Environment.ProcessorCount} CPUs; the worker at {LocalApp.WorkerDirectory}");
        var ok = true;
        if (!skipCounts)
        {
            ok &= await CountsAsync(articles);
        }

        if (!skipLatency)
        {
            ok &= await LatencyAsync(latencyDumps);
        }

        if (!skipZip)
        {
            ok &= await ZipMemoryAsync(zipMb, zipRelated, zipConfigs);
        }

        return ok ? 0 : 1;
    }

    // ---------------------------------------------------------------- request counts

    /// <summary>
    /// Storage traffic of one bulk ingestion, read at the proxy between the app and Azurite, set against the minimum:
    /// the rows the ingestion left added, changed or removed, each written once, in as few entity-group transactions as
    /// Azure allows (one partition, 100 operations and 4 MiB each), and their JSON bodies as the only bytes sent.
    /// </summary>
    private static async Task<bool> CountsAsync(int targetArticles)
    {
        var generator = new DumpGenerator(seed: 3);
        var warm = BuildCorpus(generator, 400, "warm", seed: 99);
        var corpus = BuildCorpus(generator, targetArticles, "bench", seed: 3);
        Console.WriteLine();
        Console.WriteLine($"request counts: {corpus.Dumps.Count:N0} dumps, {corpus.Sightings:N0} sightings of {corpus.Distinct:N0} distinct articles " +
            $"({corpus.SharedPool} related titles shared across {corpus.SharedSightings:N0} sightings); a warm-up of {warm.Distinct:N0} other articles first, " +
            "so shared tables and statistics cells already exist, as in a running system");

        await using var azurite = await BenchAzurite.StartAsync();
        await using var app = await LocalApp.StartAsync(LocalApp.Settings(azurite.ConnectionString));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));
        await UploadAsync(app.Storage, warm.Dumps);
        await app.TriggerAsync(timeout.Token);
        await app.Storage.EnsureAsync(timeout.Token);
        var before = await ReadStoreAsync(app.Storage);
        var bodiesBefore = await CountBlobsAsync(app.Storage);
        await UploadAsync(app.Storage, corpus.Dumps);

        var tables = azurite.TableProxy.Traffic;
        var blobs = azurite.BlobProxy.Traffic;
        tables.Reset();
        blobs.Reset();
        var watch = Stopwatch.StartNew();
        await app.TriggerAsync(timeout.Token);
        watch.Stop();
        var tableTraffic = tables.ByResource;
        var blobTraffic = blobs.ByResource;
        var (tableRequests, tableBytes, tableWrites, refused) = (tables.Requests, tables.RequestBytes, tables.EntityWrites, tables.Refusals.Values.Sum());
        var (blobRequests, blobBytes) = (blobs.Requests, blobs.RequestBytes);

        var after = await ReadStoreAsync(app.Storage);
        var bodiesWritten = await CountBlobsAsync(app.Storage) - bodiesBefore;
        var minimum = Minimum(before, after);
        var records = after.Rows(app.Storage.Options.IngestionsTable)
            .Where(e => e.RowKey.StartsWith("id|", StringComparison.Ordinal) && (e.GetString("Dump") ?? "").StartsWith(corpus.Folder + "/", StringComparison.Ordinal))
            .ToList();
        var succeeded = records.Count(e => e.GetString("Status") == IngestionStatus.Succeeded);
        var added = after.Rows(app.Storage.Options.ArticlesTable).Count - before.Rows(app.Storage.Options.ArticlesTable).Count;
        var valid = succeeded == corpus.Dumps.Count && added == corpus.Distinct && refused == 0;

        double Per(long value) => (double)value / corpus.Distinct;
        Console.WriteLine($"  {succeeded:N0}/{corpus.Dumps.Count:N0} dumps succeeded, {added:N0} articles added, {refused} requests refused by Azure's limits");
        Console.WriteLine($"  {"per ingested article",-28} {"ingestion",12} {"minimum",12} {"ratio",7}");
        Console.WriteLine($"  {"table requests",-28} {Per(tableRequests),12:F2} {Per(minimum.Requests),12:F2} {(double)tableRequests / minimum.Requests,6:F2}×");
        Console.WriteLine($"  {"table bytes sent",-28} {Per(tableBytes),12:N0} {Per(minimum.Bytes),12:N0} {(double)tableBytes / minimum.Bytes,6:F2}×");
        Console.WriteLine($"  {"entities written",-28} {Per(tableWrites),12:F2} {Per(minimum.Entities),12:F2} {(double)tableWrites / minimum.Entities,6:F2}×");
        Console.WriteLine($"  {"blob requests",-28} {Per(blobRequests),12:F2} {(double)(corpus.Dumps.Count + bodiesWritten) / corpus.Distinct,12:F2} {(double)blobRequests / (corpus.Dumps.Count + bodiesWritten),6:F2}×   " +
            $"(minimum: each dump read once, each new body blob written once: {corpus.Dumps.Count:N0} + {bodiesWritten:N0})");
        Console.WriteLine($"  {"blob bytes sent",-28} {Per(blobBytes),12:N0}");
        Console.WriteLine("  by table (requests, bytes sent, entities written; minimum rows and transactions):");
        foreach (var (name, traffic) in tableTraffic.OrderByDescending(t => t.Value.Requests))
        {
            var min = minimum.ByTable.GetValueOrDefault(name) ?? new Cost(0, 0, 0);
            Console.WriteLine($"    {name,-20} {traffic.Requests,8:N0} req {traffic.RequestBytes / 1024.0,10:N0} KiB {traffic.EntityWrites,8:N0} writes | minimum {min.Entities,8:N0} rows in {min.Requests,6:N0} transactions, {min.Bytes / 1024.0,8:N0} KiB");
        }

        foreach (var (name, traffic) in blobTraffic.OrderByDescending(t => t.Value.Requests))
        {
            Console.WriteLine($"    blob {name,-15} {traffic.Requests,8:N0} req {traffic.RequestBytes / 1024.0,10:N0} KiB {traffic.EntityWrites,8:N0} writes");
        }

        Console.WriteLine($"  for context only (Azurite in memory on this machine, not a target): {watch.Elapsed.TotalSeconds:F1} s, {corpus.Distinct / watch.Elapsed.TotalSeconds:N0} articles/s");
        if (!valid)
        {
            Console.WriteLine($"  INVALID: expected {corpus.Dumps.Count:N0} succeeded dumps, {corpus.Distinct:N0} new articles and no refusals");
        }

        return valid;
    }

    private sealed record Cost(long Requests, long Bytes, long Entities);

    private sealed record MinimumCost(long Requests, long Bytes, long Entities, Dictionary<string, Cost> ByTable);

    /// <summary>Every row that differs between the two reads, written once in the fewest transactions Azure accepts.</summary>
    private static MinimumCost Minimum(Store before, Store after)
    {
        var byTable = new Dictionary<string, Cost>(StringComparer.Ordinal);
        foreach (var (table, rows) in after.Tables)
        {
            var old = before.Rows(table).ToDictionary(r => (r.PartitionKey, r.RowKey), r => r.ETag);
            var changed = rows.Where(r => !old.TryGetValue((r.PartitionKey, r.RowKey), out var etag) || etag != r.ETag).ToList();
            var removed = old.Keys.Except(rows.Select(r => (r.PartitionKey, r.RowKey))).Count();
            long requests = 0, bytes = 0;
            foreach (var partition in changed.GroupBy(r => r.PartitionKey))
            {
                int count = 0, size = 0;
                foreach (var row in partition)
                {
                    var json = JsonBytes(row);
                    bytes += json;
                    if (count == 0 || count == MaxBatchOperations || size + json > MaxBatchBytes)
                    {
                        requests++;
                        count = 0;
                        size = 0;
                    }

                    count++;
                    size += json;
                }
            }

            if (changed.Count + removed > 0)
            {
                byTable[table] = new Cost(requests + (removed > 0 ? 1 : 0), bytes, changed.Count + removed);
            }
        }

        return new MinimumCost(byTable.Values.Sum(c => c.Requests), byTable.Values.Sum(c => c.Bytes), byTable.Values.Sum(c => c.Entities), byTable);
    }

    // The entity's JSON as Azure.Data.Tables sends it: every property, typed ones with their odata.type annotation.
    private static int JsonBytes(TableEntity row)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in row)
        {
            if (key is "odata.etag" or "Timestamp")
            {
                continue;
            }

            properties[key] = value switch
            {
                DateTimeOffset d => d.UtcDateTime.ToString("O", Inv),
                byte[] b => Convert.ToBase64String(b),
                long l => l.ToString(Inv),
                _ => value,
            };
            if (value is DateTimeOffset or byte[] or long or Guid)
            {
                properties[key + "@odata.type"] = value switch { DateTimeOffset => "Edm.DateTime", byte[] => "Edm.Binary", long => "Edm.Int64", _ => "Edm.Guid" };
            }
        }

        return JsonSerializer.SerializeToUtf8Bytes(properties).Length;
    }

    private static async Task<long> CountBlobsAsync(StorageProvisioner storage)
    {
        long count = 0;
        await foreach (var _ in storage.Container(storage.Options.ArticleBodiesContainer).GetBlobsAsync())
        {
            count++;
        }

        return count;
    }

    /// <summary>Every table of the app, unprefixed name and rows, as a scan returns them (ETags kept).</summary>
    private sealed record Store(List<(string Table, List<TableEntity> Rows)> Tables)
    {
        public List<TableEntity> Rows(string table) => Tables.FirstOrDefault(t => t.Table == table).Rows ?? [];
    }

    private static async Task<Store> ReadStoreAsync(StorageProvisioner storage)
    {
        var tables = new List<(string, List<TableEntity>)>();
        foreach (var name in storage.Options.AllTables())
        {
            tables.Add((name, await ReadAllAsync(storage.Table(name))));
        }

        return new Store(tables);
    }

    // ---------------------------------------------------------------- upload-to-queryable latency

    /// <summary>
    /// A bulk upload as content teams make it: every dump uploaded at once while the local host polls the container
    /// as the Functions host's blob trigger does (every second). For each dump, the time from the end of its upload
    /// to the first moment its main article answers <c>GET /api/articles/{id}</c> through the HTTP front end.
    /// </summary>
    private static async Task<bool> LatencyAsync(int dumpCount)
    {
        var generator = new DumpGenerator(seed: 5);
        var warm = BuildCorpus(generator, 100, "warm", seed: 98);
        var corpus = BuildCorpus(generator, dumpCount * RelatedPerDump + Math.Max(4, dumpCount * RelatedPerDump / 200), "bulk", seed: 5);
        await using var azurite = await BenchAzurite.StartAsync();
        await using var app = await LocalApp.StartAsync(LocalApp.Settings(azurite.ConnectionString), o => o.PollBlobs = true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        using var http = new HttpClient { BaseAddress = app.Host.BaseAddress };
        http.DefaultRequestHeaders.Add("x-functions-key", LocalApp.FunctionKey);

        // A new worker pays once for JIT, connections, the model and the gazetteer; the figures are for a running app.
        await UploadAsync(app.Storage, warm.Dumps);
        await WaitQueryableAsync(http, warm.Dumps.Select(MainArticleId).ToList(), timeout.Token);

        var container = app.Storage.Container(app.Storage.Options.DumpsContainer);
        var uploaded = new long[corpus.Dumps.Count];
        var ids = corpus.Dumps.Select(MainArticleId).ToList();
        var queryable = new long[corpus.Dumps.Count];
        var start = Stopwatch.GetTimestamp();
        var uploads = Parallel.ForEachAsync(Enumerable.Range(0, corpus.Dumps.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = timeout.Token }, async (i, ct) =>
        {
            await container.GetBlobClient(corpus.Dumps[i].Name).UploadAsync(new BinaryData(corpus.Dumps[i].Content), overwrite: true, ct);
            uploaded[i] = Stopwatch.GetTimestamp();
        });
        var pending = Enumerable.Range(0, corpus.Dumps.Count).ToHashSet();
        while (pending.Count > 0)
        {
            timeout.Token.ThrowIfCancellationRequested();
            foreach (var i in pending.ToList())
            {
                if (uploaded[i] == 0)
                {
                    continue;
                }

                using var response = await http.GetAsync($"/api/articles/{ids[i]}?sourcesLimit=1", timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    queryable[i] = Stopwatch.GetTimestamp();
                    pending.Remove(i);
                }
            }

            await Task.Delay(50, timeout.Token);
        }

        await uploads;
        var total = Stopwatch.GetElapsedTime(start);
        var latencies = Enumerable.Range(0, corpus.Dumps.Count).Select(i => Stopwatch.GetElapsedTime(uploaded[i], queryable[i]).TotalSeconds).Order().ToArray();
        var attempts = app.Host.Invocations.Count(i => i.BlobName?.StartsWith(corpus.Folder + "/", StringComparison.Ordinal) == true);
        Console.WriteLine();
        Console.WriteLine($"upload-to-queryable: {corpus.Dumps.Count} dumps ({corpus.Sightings:N0} sightings) uploaded at once, 8 uploads in flight; the local host polls");
        Console.WriteLine($"  the container every {new LocalHostOptions().BlobPollInterval.TotalSeconds:F0} s and invokes up to {new LocalHostOptions().BlobConcurrency} dumps at a time; each main article polled through HTTP every 50 ms");
        Console.WriteLine($"  p50 {Percentile(latencies, 50):F2} s, p95 {Percentile(latencies, 95):F2} s, max {latencies[^1]:F2} s; all {corpus.Dumps.Count} queryable {total.TotalSeconds:F1} s after the first upload began; " +
            $"{attempts} invocations");
        Console.WriteLine($"  baseline, same run: one dump alone, upload to queryable {await SingleDumpLatencyAsync(app, http, generator, timeout.Token):F2} s");
        return true;
    }

    private static async Task<double> SingleDumpLatencyAsync(LocalApp app, HttpClient http, DumpGenerator generator, CancellationToken ct)
    {
        var single = BuildCorpus(generator, RelatedPerDump + 4, "single", seed: 6).Dumps[0];
        var id = MainArticleId(single);
        await app.Storage.Container(app.Storage.Options.DumpsContainer).GetBlobClient(single.Name).UploadAsync(new BinaryData(single.Content), overwrite: true, ct);
        var start = Stopwatch.GetTimestamp();
        await WaitQueryableAsync(http, [id], ct);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task WaitQueryableAsync(HttpClient http, List<string> ids, CancellationToken ct)
    {
        foreach (var id in ids)
        {
            while (true)
            {
                using var response = await http.GetAsync($"/api/articles/{id}?sourcesLimit=1", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }

                await Task.Delay(50, ct);
            }
        }
    }

    private static string MainArticleId(Dump dump) => ArticleIdentity.IdFor(Encoding.UTF8.GetString(dump.Content).Split('\n', 2)[0].Trim());

    private static double Percentile(double[] sorted, int p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    private static async Task<List<TableEntity>> ReadAllAsync(TableClient table)
    {
        var entities = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>())
        {
            entities.Add(entity);
        }

        return entities;
    }

    // ---------------------------------------------------------------- zip / memory

    private static async Task<bool> ZipMemoryAsync(int zipMb, int relatedPerMember, string[] configs)
    {
        var path = Path.Combine(Path.GetTempPath(), $"medinsure-ingest-bench-{Environment.ProcessId}.zip");
        try
        {
            var info = BuildZip(path, zipMb * 1024L * 1024, relatedPerMember);
            string hash;
            await using (var file = File.OpenRead(path))
            {
                hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
            }

            Console.WriteLine();
            Console.WriteLine($"zip: {info.Bytes / 1048576.0:F1} MB ({info.Bytes:N0} bytes), {info.Members:N0} members (deflate), {info.Uncompressed / 1048576.0:F1} MB uncompressed, " +
                $"{info.Articles:N0} articles (main bodies {info.MinBody:N0}-{info.MaxBody:N0} chars + {relatedPerMember} related each)");
            Console.WriteLine("each run: a fresh worker on a storage account of its own; one small dump first, so the model and gazetteer are loaded;");
            Console.WriteLine("then the zip uploaded and the trigger fired. The worker reads it as a stream through its BlobClient. Peak RSS is the");
            Console.WriteLine("worker process's VmHWM; the managed heap and GC of another process are not measured.");

            await using var azurite = await BenchAzurite.StartAsync();
            var ok = true;
            var raised = (info.Bytes + (1 << 20)).ToString(Inv);
            foreach (var (_, label, serverGc, limit) in new[]
            {
                ("default", "default configuration, workstation GC (the worker's default)", false, (string?)null),
                ("raised", "Parser:MaxInputBytes raised to the zip's size, workstation GC", false, raised),
                ("server", "Parser:MaxInputBytes raised to the zip's size, server GC (DOTNET_gcServer=1)", true, raised),
            }.Where(c => configs.Contains(c.Item1, StringComparer.Ordinal)))
            {
                var settings = LocalApp.Settings(azurite.NewAccount());
                if (limit is not null)
                {
                    settings["Parser:MaxInputBytes"] = limit;
                }

                await using var app = await LocalApp.StartAsync(settings, o => o.EnvironmentOverrides["DOTNET_gcServer"] = serverGc ? "1" : "0");
                var worker = app.Host.WorkerProcessId;
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
                var idle = ProcFs.RssBytes(worker);
                var dumps = app.Storage.Container(app.Storage.Options.DumpsContainer);
                await app.Storage.EnsureAsync(timeout.Token);
                var warmPage = new DumpGenerator(seed: 11).Page("北京职工医保报销比例是多少", 600, ["上海社保卡怎么激活"]);
                await dumps.GetBlobClient("warm.txt").UploadAsync(BinaryData.FromString(warmPage), overwrite: true, timeout.Token);
                await app.TriggerAsync(timeout.Token);
                var loaded = ProcFs.PeakRssBytes(worker);

                await dumps.GetBlobClient(ZipName).UploadAsync(path, overwrite: true, timeout.Token);
                var watch = Stopwatch.StartNew();
                await app.TriggerAsync(timeout.Token);
                watch.Stop();
                var peak = ProcFs.PeakRssBytes(worker);
                var attempts = app.Host.Invocations.Count(i => i.BlobName == ZipName);
                var record = await app.Services.GetRequiredService<IngestionRecords>().FindAsync(IngestionService.IngestionIdFor(ZipName, hash), timeout.Token);

                var ingested = record?.Status == IngestionStatus.Succeeded;
                var pass = ingested && peak < TargetPeakBytes;
                // A zip refused by the default size limit is that configuration's answer, not a failure of the target.
                ok &= pass || limit is null;
                Console.WriteLine($"  {label}:");
                Console.WriteLine($"    {record?.Status ?? "no record"}, {record?.Articles ?? 0:N0} articles in {watch.Elapsed.TotalSeconds:F1} s ({attempts} attempt{(attempts == 1 ? "" : "s")}); " +
                    $"worker peak RSS {peak / 1048576.0:F0} MB (target < 300 MB while ingesting) {(ingested ? pass ? "PASS" : "FAIL" : "n/a: nothing ingested")}");
                Console.WriteLine($"    baseline, same worker: {idle / 1048576.0:F0} MB resident after start-up, {loaded / 1048576.0:F0} MB peak after the first small dump (model loaded); " +
                    $"the zip added {(peak - loaded) / 1048576.0:F0} MB to the peak");
                if (record?.Reason is { } reason)
                {
                    Console.WriteLine($"    {reason}");
                }
            }

            return ok;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ZipInfo BuildZip(string path, long targetBytes, int relatedPerMember)
    {
        var members = (int)Math.Clamp(targetBytes / (100 * 1024), 10, 1000);
        var generator = new DumpGenerator(seed: 7, vocabularyShare: 0.75);
        var ratio = 2.5;
        long uncompressed = 0;
        var articles = 0;
        int minBody = int.MaxValue, maxBody = 0;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            for (var i = 0; i < members; i++)
            {
                var before = file.Position;
                var perMember = Math.Max(4096, (targetBytes - file.Position) / (members - i));
                var related = Enumerable.Range(0, relatedPerMember).Select(_ => generator.UniqueTitle()).ToList();
                // Related items take ~330 bytes each; the main body (3 bytes a character) takes the rest of the budget.
                var bodyChars = (int)Math.Clamp((perMember * ratio - relatedPerMember * 330) / 3, 500, 118_000);
                var page = Encoding.UTF8.GetBytes(generator.Page(generator.UniqueTitle(), bodyChars, related));
                var entry = zip.CreateEntry($"dumps/{i / 100:D2}/page-{i:D4}.txt", CompressionLevel.Optimal);
                using (var stream = entry.Open())
                {
                    stream.Write(page);
                }

                file.Flush();
                var written = file.Position - before;
                if (written > 0)
                {
                    ratio = (ratio * 3 + (double)page.Length / written) / 4;
                }

                uncompressed += page.Length;
                articles += relatedPerMember + 1;
                minBody = Math.Min(minBody, bodyChars);
                maxBody = Math.Max(maxBody, bodyChars);
            }
        }

        return new ZipInfo(new FileInfo(path).Length, members, uncompressed, articles, minBody, maxBody);
    }

    private sealed record ZipInfo(long Bytes, int Members, long Uncompressed, int Articles, int MinBody, int MaxBody);

    // ---------------------------------------------------------------- corpus, helpers

    private sealed record Dump(string Name, byte[] Content);

    private sealed record Corpus(string Folder, List<Dump> Dumps, long Bytes, int Sightings, int Distinct, int SharedPool, int SharedSightings);

    /// <summary>
    /// Dumps of 1 main + 19 related items: 18 related titles unique to the dump and one from a shared pool (5 % of
    /// sightings), so shared articles are merged across dumps (read, merge, replace under ETag).
    /// </summary>
    private static Corpus BuildCorpus(DumpGenerator generator, int targetArticles, string folder, int seed)
    {
        var pool = Math.Max(4, targetArticles / 200);
        var shared = Enumerable.Range(0, pool).Select(_ => generator.UniqueTitle()).ToArray();
        var dumpCount = (targetArticles - pool + RelatedPerDump - 1) / RelatedPerDump;
        var random = new Random(seed);
        var dumps = new List<Dump>(dumpCount);
        for (var i = 0; i < dumpCount; i++)
        {
            var related = Enumerable.Range(0, RelatedPerDump - 1).Select(_ => generator.UniqueTitle()).ToList();
            related.Insert(random.Next(related.Count + 1), shared[i % pool]);
            var page = generator.Page(generator.UniqueTitle(), 600 + random.Next(2400), related);
            dumps.Add(new Dump($"{folder}/{i / 100:D2}/dump-{i:D5}.txt", Encoding.UTF8.GetBytes(page)));
        }

        var usedShared = Math.Min(pool, dumpCount);
        return new Corpus(folder, dumps, dumps.Sum(d => (long)d.Content.Length), dumpCount * (RelatedPerDump + 1),
            dumpCount * RelatedPerDump + usedShared, usedShared, dumpCount);
    }

    private static async Task UploadAsync(StorageProvisioner storage, List<Dump> dumps)
    {
        await storage.EnsureAsync(CancellationToken.None);
        var container = storage.Container(storage.Options.DumpsContainer);
        await Parallel.ForEachAsync(dumps, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (dump, ct) => await container.GetBlobClient(dump.Name).UploadAsync(new BinaryData(dump.Content), overwrite: true, ct));
    }
}
