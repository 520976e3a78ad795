using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using MedInsure.Benchmarks.Support;
using MedInsure.Cli;
using MedInsure.LocalHost;
using MedInsure.Parsing;
using Microsoft.Extensions.DependencyInjection;

namespace MedInsure.Benchmarks;

/// <summary>
/// Issue #3: ingestion throughput into Azurite through the real blob-trigger path (the local Functions host firing the
/// worker process's IngestDump), next to a raw batched upsert of the same rows in the same run (target: at least 80 %
/// of the raw rate), and the worker's peak resident memory while it ingests one ~100 MB zip of dumps (target: under
/// 300 MB).
/// </summary>
internal static class IngestBenchmark
{
    private const double TargetRatio = 0.8;
    private const long TargetPeakBytes = 300L * 1024 * 1024;
    private const int RelatedPerDump = 19;
    private const string ZipName = "bundle.zip";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // The app's table names, unprefixed, as the benchmark's apps run them.
    private static readonly StorageOptions Names = new();

    public static async Task<int> Run(string[] args)
    {
        var articles = 20_000;
        var warmArticles = 3_000;
        var zipMb = 100;
        var zipRelated = 39;
        int? concurrency = null;
        var rawParallelism = 8;
        var skipZip = false;
        string[] zipConfigs = ["default", "server"];
        var skipThroughput = false;
        var skipBreakdown = false;
        var runs = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--articles" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var n) && n >= 100:
                    articles = n;
                    i++;
                    break;
                case "--warmup" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var w) && w >= 100:
                    warmArticles = w;
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
                case "--concurrency" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var c) && c >= 1:
                    concurrency = c;
                    i++;
                    break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var k) && k >= 1:
                    runs = k;
                    i++;
                    break;
                case "--raw-parallelism" when i + 1 < args.Length && int.TryParse(args[i + 1], Inv, out var p) && p >= 1:
                    rawParallelism = p;
                    i++;
                    break;
                case "--zip-configs" when i + 1 < args.Length:
                    zipConfigs = args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    i++;
                    break;
                case "--skip-zip":
                    skipZip = true;
                    break;
                case "--skip-throughput":
                    skipThroughput = true;
                    break;
                case "--skip-breakdown":
                    skipBreakdown = true;
                    break;
                default:
                    Console.Error.WriteLine("""
                        usage: ingest [--articles 20000] [--warmup 3000] [--zip-mb 100] [--zip-related 39] [--concurrency N]
                                      [--runs 3] [--raw-parallelism 8] [--skip-zip] [--skip-throughput] [--skip-breakdown]
                                      [--zip-configs default,server]
                          --warmup          articles the worker ingests before each timed ingestion (outside the timing)
                          --concurrency     LocalHostOptions.BlobConcurrency: blob invocations in flight (default 24, as the Functions host)
                          --runs            rounds of one ingestion then one raw run; each ingestion is compared with the
                                            mean of the raw runs on either side of it, and the median round ratio counts
                          --raw-parallelism transactions the raw baseline keeps in flight (default 8)
                          --skip-breakdown  no per-stage timings after the throughput comparison
                          --zip-configs     which zip runs: default, raised (Parser:MaxInputBytes), server (GC); default,server unless given
                        """);
                    return 2;
            }
        }

        if (!File.Exists(Path.Combine(LocalApp.WorkerDirectory, "functions.metadata")))
        {
            Console.Error.WriteLine($"the worker's build output is missing at {LocalApp.WorkerDirectory}: build with -c {LocalApp.Configuration}");
            return 2;
        }

        Console.WriteLine($"ingest benchmark: in-memory Azurite, {Environment.ProcessorCount} CPUs; the worker at {LocalApp.WorkerDirectory}");
        var ok = true;
        if (!skipThroughput)
        {
            ok &= await ThroughputAsync(articles, warmArticles, runs, concurrency, rawParallelism, skipBreakdown);
        }

        if (!skipZip)
        {
            ok &= await ZipMemoryAsync(zipMb, zipRelated, zipConfigs);
        }

        return ok ? 0 : 1;
    }

    // ---------------------------------------------------------------- throughput

    private static async Task<bool> ThroughputAsync(int targetArticles, int warmArticles, int rounds, int? concurrency, int rawParallelism, bool skipBreakdown)
    {
        // One generator for both corpora, so no warm-up article shares an id with a measured one.
        var generator = new DumpGenerator(seed: 3);
        var warm = BuildCorpus(generator, warmArticles, "warm", seed: 99);
        var corpus = BuildCorpus(generator, targetArticles, "bench", seed: 3);
        var blobConcurrency = concurrency ?? new LocalHostOptions().BlobConcurrency;
        Console.WriteLine();
        Console.WriteLine($"corpus: {corpus.Dumps.Count:N0} dumps ({corpus.Bytes / 1048576.0:F1} MB), {corpus.Sightings:N0} article sightings, " +
            $"{corpus.Distinct:N0} distinct articles; {corpus.SharedPool} related titles shared across {corpus.SharedSightings:N0} sightings " +
            $"({(double)corpus.SharedSightings / corpus.Sightings:P1})");
        Console.WriteLine($"warm-up: {warm.Dumps.Count:N0} other dumps ({warm.Distinct:N0} articles) through the same worker before each timed ingestion;");
        Console.WriteLine("their rows stay, and the raw baseline writes them untimed first, so both sides start from the same store.");
        Console.WriteLine("every measurement below runs in a fresh Azurite, and every ingestion in a fresh worker;");
        Console.WriteLine($"{rounds} rounds, each an ingestion then the raw baseline ({rawParallelism} requests in parallel). This VM's speed drifts by 10% and");
        Console.WriteLine("more over minutes, so each ingestion is compared with the raw runs on either side of it (the mean of the one before");
        Console.WriteLine("and the one after; the first has only the one after), and the median round ratio is the result");

        var valid = true;
        RawPlan? plan = null;
        var ingestions = new List<double>();
        var raws = new List<double>();
        var ratios = new List<double>();
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                var ingestion = await IngestRunAsync(warm, corpus, blobConcurrency, round, rounds, readStore: plan is null);
                valid &= ingestion.Valid;
                if (plan is null)
                {
                    plan = RawPlan.From(ingestion.Before!, ingestion.After!);
                    plan.Print();
                    // The raw client runs in this process: it should not run with half a million rows in its heap.
                    ingestion = ingestion with { Before = null, After = null };
                }

                raws.Add(await RawRunAsync(plan, plan.Arrival, rawParallelism, "arrival order"));
                ingestions.Add(ingestion.Seconds);
                var neighbours = raws.TakeLast(round == 1 ? 1 : 2).ToList();
                var rawSeconds = neighbours.Average();
                ratios.Add(rawSeconds / ingestion.Seconds);
                Console.WriteLine($"  round {round}: ingestion {ingestion.Seconds:F2} s vs raw {rawSeconds:F2} s (mean of {string.Join(" and ", neighbours.Select(r => r.ToString("F2", Inv)))} s): " +
                    $"ratio {ratios[^1].ToString("P1", Inv)}");
            }

            var ratio = ratios.Order().ElementAt(ratios.Count / 2);
            var ingestBest = ingestions.Min();
            var rawBest = raws.Min();
            var distinct = corpus.Distinct;

            // For information: the same rows in key order, once.
            var keyOrderSeconds = await RawRunAsync(plan!, plan!.KeyOrder, rawParallelism, "key order");

            Console.WriteLine();
            Console.WriteLine($"ingestion articles/s by round: {string.Join(", ", ingestions.Select(r => (distinct / r).ToString("N0", Inv)))}; " +
                $"raw (arrival order) after each: {string.Join(", ", raws.Select(r => (distinct / r).ToString("N0", Inv)))}");
            Console.WriteLine($"ingestion/raw ratio: median of {ratios.Count} rounds {ratio.ToString("P1", Inv)} (rounds: {string.Join(", ", ratios.Select(r => r.ToString("P1", Inv)))}) " +
                $"(target >= 80 %) {(ratio >= TargetRatio ? "PASS" : "FAIL")}");
            Console.WriteLine($"best against best: ingestion {distinct / ingestBest:N0} vs raw {distinct / rawBest:N0} articles/s = {(rawBest / ingestBest).ToString("P1", Inv)}; " +
                $"against raw in key order ({distinct / keyOrderSeconds:N0} articles/s): {(keyOrderSeconds / ingestBest).ToString("P1", Inv)}");

            if (!skipBreakdown)
            {
                await BreakdownAsync(corpus, blobConcurrency, ingestBest);
            }

            return valid && ratio >= TargetRatio;
        }
        finally
        {
            plan?.Dispose();
        }
    }

    private sealed record IngestRun(double Seconds, bool Valid, Store? Before, Store? After);

    /// <summary>Every table of the app, unprefixed name and rows, as a scan returns them (ETags kept).</summary>
    private sealed record Store(List<(string Table, List<TableEntity> Rows)> Tables);

    /// <summary>
    /// One timed ingestion of the whole corpus through the blob trigger: a fresh Azurite, a fresh worker, the warm-up
    /// corpus ingested through it first (untimed), then the corpus uploaded and the trigger fired once.
    /// </summary>
    private static async Task<IngestRun> IngestRunAsync(Corpus warm, Corpus corpus, int concurrency, int round, int rounds, bool readStore)
    {
        await using var azurite = await BenchAzurite.StartAsync();
        await using var app = await LocalApp.StartAsync(LocalApp.Settings(azurite.ConnectionString), o => o.BlobConcurrency = concurrency);
        var storage = app.Storage;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(60));

        // What a new process pays once stays out of the timing: tiered JIT, thread-pool growth, connections, and the ML
        // model and region gazetteer, loaded on first use. The warm-up runs in the same worker and so in the same tables
        // (its settings cannot change without a restart, which would undo the warm-up).
        await UploadAsync(storage, warm.Dumps);
        await app.TriggerAsync(timeout.Token);
        var warmArticles = await CommandServices.CountArticlesAsync(app.Services, timeout.Token);
        var before = readStore ? await ReadStoreAsync(storage) : null;

        await UploadAsync(storage, corpus.Dumps);
        var attemptsBefore = app.Host.Invocations.Count;
        var worker = app.Host.WorkerProcessId;
        var cpu = CpuClock.Start(("worker", worker), ("local host", Environment.ProcessId), ("Azurite", BenchAzurite.ProcessIdOf(azurite)));
        var watch = Stopwatch.StartNew();
        var invoked = await app.TriggerAsync(timeout.Token);
        watch.Stop();
        var cpuLine = cpu.Stop();
        var workerPeak = ProcFs.PeakRssBytes(worker);
        var attempts = app.Host.Invocations.Skip(attemptsBefore).ToList();
        var seconds = watch.Elapsed.TotalSeconds;

        var records = (await ReadAllAsync(storage.Table(storage.Options.IngestionsTable)))
            .Where(e => e.RowKey.StartsWith("id|", StringComparison.Ordinal) && (e.GetString("Dump") ?? "").StartsWith(corpus.Folder + "/", StringComparison.Ordinal))
            .ToList();
        var sightings = records.Sum(e => e.GetInt32("Articles") ?? 0);
        var succeeded = records.Count(e => e.GetString("Status") == IngestionStatus.Succeeded);
        var added = await CommandServices.CountArticlesAsync(app.Services, timeout.Token) - warmArticles;

        Console.WriteLine();
        Console.WriteLine($"round {round}/{rounds}, ingestion (local host TriggerBlobsAsync → worker pid {worker}, BlobConcurrency = {concurrency}; " +
            $"{invoked:N0} blobs invoked, {attempts.Count:N0} attempts, {attempts.Count(a => a.Status != InvocationStatus.Succeeded):N0} failed):");
        var durations = attempts.Select(a => a.Duration.TotalSeconds).Order().ToList();
        Console.WriteLine($"  {succeeded:N0}/{corpus.Dumps.Count:N0} dumps succeeded, {added:N0} distinct articles added to the warm-up's {warmArticles:N0}, {sightings:N0} sightings; " +
            $"invocations took {durations[durations.Count / 2]:F2} s (median), {durations[^1]:F2} s (longest)");
        Console.WriteLine($"  wall {seconds,7:F2} s   {added / seconds,8:N0} articles/s   {sightings / seconds,8:N0} sightings/s   {corpus.Dumps.Count / seconds,6:N1} dumps/s   {cpuLine}; " +
            $"worker peak RSS {workerPeak / 1048576.0:F0} MB");

        var valid = added == corpus.Distinct && succeeded == corpus.Dumps.Count && sightings == corpus.Sightings;
        if (!valid)
        {
            Console.WriteLine($"  WARNING: expected {corpus.Distinct:N0} distinct articles, {corpus.Dumps.Count:N0} succeeded dumps and {corpus.Sightings:N0} sightings");
        }

        return new IngestRun(seconds, valid, before, readStore ? await ReadStoreAsync(storage) : null);
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

    /// <summary>
    /// The raw baseline's transactions, from the first round's store: <see cref="Seed"/> holds the rows the warm-up
    /// left, written untimed; the timed batches hold exactly the rows the measured ingestion added or changed, 100 per
    /// batch, one partition per batch. Arrival order shuffles each table's rows and then the batches (seeded); key order
    /// keeps them as a scan returned them.
    /// </summary>
    private sealed class RawPlan : IDisposable
    {
        private readonly List<(string Table, int Rows)> written;
        private readonly int removed;

        private RawPlan(SpilledBatches seed, SpilledBatches arrival, SpilledBatches keyOrder, List<(string Table, int Rows)> written, int removed, double articleKb)
        {
            Seed = seed;
            Arrival = arrival;
            KeyOrder = keyOrder;
            this.written = written;
            this.removed = removed;
            ArticleKb = articleKb;
        }

        public SpilledBatches Seed { get; }

        public SpilledBatches Arrival { get; }

        public SpilledBatches KeyOrder { get; }

        public int Entities => written.Sum(t => t.Rows);

        public int Articles => written.Single(t => t.Table == Names.ArticlesTable).Rows;

        private double ArticleKb { get; }

        public static RawPlan From(Store before, Store after)
        {
            var known = before.Tables.SelectMany(t => t.Rows.Select(r => (t.Table, r.PartitionKey, r.RowKey, r.ETag))).ToHashSet();
            var keys = after.Tables.SelectMany(t => t.Rows.Select(r => (t.Table, r.PartitionKey, r.RowKey))).ToHashSet();
            var changed = after.Tables.Select(t => (t.Table, Rows: t.Rows.Where(r => !known.Contains((t.Table, r.PartitionKey, r.RowKey, r.ETag))).ToList())).ToList();
            var removed = before.Tables.Sum(t => t.Rows.Count(r => !keys.Contains((t.Table, r.PartitionKey, r.RowKey))));
            var articles = changed.Single(t => t.Table == Names.ArticlesTable).Rows;
            return new RawPlan(
                SpilledBatches.Write(Batches(before.Tables, keyOrder: true)),
                SpilledBatches.Write(Batches(changed, keyOrder: false)),
                SpilledBatches.Write(Batches(changed, keyOrder: true)),
                [.. changed.Select(t => (t.Table, t.Rows.Count))],
                removed,
                articles.Average(e => ((IDictionary<string, object>)e).Values.Sum(v => v is string s ? s.Length * 2 : 8)) / 1024.0);
        }

        public void Print()
        {
            int Count(Func<string, bool> table) => written.Where(t => table(t.Table)).Sum(t => t.Rows);
            Console.WriteLine();
            Console.WriteLine("raw baseline (TableClient.SubmitTransactionAsync, UpsertReplace, 100 per batch, one partition per batch), the rows the");
            Console.WriteLine($"first round's ingestion added or changed, after the warm-up's {Seed.Count:N0} batches written untimed:");
            Console.WriteLine($"  {Count(t => t == Names.ArticlesTable):N0} article entities ({ArticleKb:F1} KB avg) + {Count(t => t == Names.IngestionsTable):N0} ingestion rows + " +
                $"{Count(t => t.StartsWith(Names.ArticleIndexTable, StringComparison.Ordinal)):N0} index rows in {ArticleIndex.Shards} shard tables + " +
                $"{Count(t => t == Names.StatsTable):N0} statistics rows = {Entities:N0} entities");
            Console.WriteLine("  arrival order: each table's rows shuffled (ingestion meets ids, which are hashes, in no order), batches shuffled;");
            Console.WriteLine("  key order: rows as a table scan returns them, so every insert lands after the last key. Azurite (LokiJS) has a fast");
            Console.WriteLine("  path for that (no binary search, no array shift), which Azure Table Storage does not: the target uses arrival order.");
            if (removed > 0)
            {
                Console.WriteLine($"  WARNING: the ingestion removed {removed:N0} rows of the warm-up's, which upserts cannot replay");
            }
        }

        public void Dispose()
        {
            Seed.Dispose();
            Arrival.Dispose();
            KeyOrder.Dispose();
        }

        private static IEnumerable<(string Table, IReadOnlyList<TableEntity> Rows)> Batches(List<(string Table, List<TableEntity> Rows)> tables, bool keyOrder)
        {
            var batches = new List<(string Table, IReadOnlyList<TableEntity> Rows)>();
            var random = new Random(5);
            foreach (var (name, entities) in tables)
            {
                var rows = keyOrder ? entities : [.. entities.OrderBy(_ => random.Next())];
                foreach (var partition in rows.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
                {
                    batches.AddRange(partition.Chunk(100).Select(chunk => ($"raw{name}", (IReadOnlyList<TableEntity>)chunk)));
                }
            }

            if (!keyOrder)
            {
                random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
            }

            return batches;
        }
    }

    /// <summary>The planned batches upserted into a fresh Azurite, read back from their file as they are sent.</summary>
    private static async Task<double> RawRunAsync(RawPlan plan, SpilledBatches batches, int parallelism, string order)
    {
        await using var azurite = await BenchAzurite.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        foreach (var name in plan.Seed.Tables.Union(batches.Tables))
        {
            await tables.GetTableClient(name).CreateIfNotExistsAsync();
        }

        async Task SubmitAsync(SpilledBatches source) =>
            await Parallel.ForEachAsync(source.ReadAsync(), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (batch, ct) =>
                await tables.GetTableClient(batch.Table).SubmitTransactionAsync(batch.Rows.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));

        // Untimed: the store the ingestion started from. It is this side's warm-up too (connections, the transaction
        // code paths JIT-compiled); without one the process's first raw run was its slowest.
        await SubmitAsync(plan.Seed);
        Collect();
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var collections = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
        var cpu = CpuClock.Start(("benchmark (raw client)", Environment.ProcessId), ("Azurite", BenchAzurite.ProcessIdOf(azurite)));
        var watch = Stopwatch.StartNew();
        await SubmitAsync(batches);
        watch.Stop();
        var seconds = watch.Elapsed.TotalSeconds;
        var gc = string.Create(Inv, $"benchmark GC {(GC.GetTotalAllocatedBytes() - allocated) / 1e9:F1} GB allocated, gen0/1/2 " +
            $"{string.Join('/', Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - collections[g]))}, {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F1} s paused");
        Console.WriteLine($"  raw, {order,-13} {batches.Count,5:N0} batches, {parallelism,2} in parallel: {seconds,6:F2} s   {plan.Entities / seconds,8:N0} entities/s   " +
            $"{plan.Articles / seconds,6:N0} articles/s   {cpu.Stop()}; {gc}");
        return seconds;
    }

    /// <summary>Each stage of the pipeline on its own, same corpus, in this process with the article library's services.</summary>
    private static async Task BreakdownAsync(Corpus corpus, int concurrency, double ingestSeconds)
    {
        await using var azurite = await BenchAzurite.StartAsync();
        await using var services = CommandServices.Build(LocalApp.Settings(azurite.ConnectionString));
        var storage = services.GetRequiredService<StorageProvisioner>();
        await storage.EnsureAsync(CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"breakdown (each stage alone over the same corpus, in this process through the article library; the worker overlaps them");
        Console.WriteLine($"across {concurrency} dumps on {Environment.ProcessorCount} CPUs shared with Azurite):");
        void Line(string stage, double seconds, string note) =>
            Console.WriteLine($"  {stage,-44} {seconds,7:F2} s  {seconds / ingestSeconds,6:P0} of ingestion wall   {note}");

        // Download + hash, as IngestionService does for each blob.
        await UploadAsync(storage, corpus.Dumps);
        var container = storage.Container(storage.Options.DumpsContainer);
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus.Dumps, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (dump, ct) =>
        {
            var content = (await container.GetBlobClient(dump.Name).DownloadContentAsync(ct)).Value.Content.ToArray();
            _ = SHA256.HashData(content);
        });
        Line("blob download + SHA-256", watch.Elapsed.TotalSeconds, $"{concurrency} in parallel");

        var reader = services.GetRequiredService<DumpReader>();
        watch.Restart();
        var parsed = corpus.Dumps.Select(d => reader.Read(d.Name, new MemoryStream(d.Content, writable: false)).Single().Dump!).ToList();
        Line("parse (DumpReader.Read)", watch.Elapsed.TotalSeconds, "1 thread");

        var analyzer = services.GetRequiredService<IArticleAnalyzer>();
        _ = analyzer.Analyze("北京职工医保报销比例是多少", "预热。");
        var now = DateTimeOffset.UtcNow;
        watch.Restart();
        var tagged = parsed.Select(d => d.Articles.Select(a => IngestionService.ToStored(a, "stages", analyzer.Analyze(a.Title, a.Body), now)).ToList()).ToList();
        var tagSeconds = watch.Elapsed.TotalSeconds;
        Line("tag (topic model + region tagger)", tagSeconds, $"1 thread, {tagSeconds * 1e6 / corpus.Sightings:F0} µs/article");

        var topics = services.GetRequiredService<Lazy<MedInsure.Tagging.ITopicClassifier>>().Value;
        var regions = services.GetRequiredService<Lazy<MedInsure.Tagging.IRegionTagger>>().Value;
        var all = parsed.SelectMany(d => d.Articles).ToList();
        watch.Restart();
        foreach (var a in all)
        {
            _ = topics.Predict(a.Title, a.Body);
        }

        Line("  of which topic classifier", watch.Elapsed.TotalSeconds, "");
        watch.Restart();
        foreach (var a in all)
        {
            _ = regions.Tag(a.Title, a.Body);
        }

        Line("  of which region tagger", watch.Elapsed.TotalSeconds, "");

        // Merge within the dump + ArticleStore.SaveAsync (batched adds, read-merge-replace for shared titles).
        var store = services.GetRequiredService<ArticleStore>();
        watch.Restart();
        await Parallel.ForEachAsync(tagged, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (dump, ct) =>
        {
            var candidates = new Dictionary<string, StoredArticle>(StringComparer.Ordinal);
            foreach (var candidate in dump)
            {
                candidates[candidate.Id] = candidates.TryGetValue(candidate.Id, out var seen) ? ArticleMerger.Merge(seen, candidate).Merged : candidate;
            }

            await Task.WhenAll(candidates.Values.Select(c => store.SaveAsync(c, [new ArticleSource("stages", 0, "stages", c.FirstSeenAt)], ct)));
        });
        Line("article writes (ArticleStore.SaveAsync)", watch.Elapsed.TotalSeconds, $"{concurrency} dumps in parallel, TableBatchWriter");

        var records = services.GetRequiredService<IngestionRecords>();
        watch.Restart();
        await Parallel.ForEachAsync(corpus.Dumps, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (dump, ct) =>
        {
            var record = new IngestionRecord { Id = IngestionService.IngestionIdFor(dump.Name, "x"), Dump = dump.Name, Status = IngestionStatus.Running, StartedAt = now };
            await records.TryStartAsync(record, ct);
            await records.SaveAsync(record with { Status = IngestionStatus.Succeeded, Articles = 20, CompletedAt = now }, ct);
        });
        Line("ingestion records (start + final save/dump)", watch.Elapsed.TotalSeconds, $"{concurrency} dumps in parallel, TableBatchWriter");
    }

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

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>CPU seconds of each named process over a phase, and its share of the wall time (from /proc, Linux).</summary>
    private sealed class CpuClock
    {
        private readonly (string Name, int Pid, double Start)[] processes;
        private readonly Stopwatch watch = Stopwatch.StartNew();

        private CpuClock((string Name, int Pid)[] processes) =>
            this.processes = [.. processes.Select(p => (p.Name, p.Pid, ProcFs.CpuSeconds(p.Pid)))];

        public static CpuClock Start(params (string Name, int Pid)[] processes) => new(processes);

        public string Stop()
        {
            var wall = watch.Elapsed.TotalSeconds;
            return "CPU: " + string.Join(", ", processes.Select(p =>
            {
                var seconds = ProcFs.CpuSeconds(p.Pid) - p.Start;
                return string.Create(Inv, $"{p.Name} {seconds:F1} s ({seconds / wall:P0})");
            }));
        }
    }
}
