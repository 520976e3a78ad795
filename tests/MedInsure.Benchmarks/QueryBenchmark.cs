using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using MedInsure.Benchmarks.Support;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;
using MedInsure.Testing;
using MedInsure.Testing.AzureLimits;

namespace MedInsure.Benchmarks;

/// <summary>
/// Query API latency through HTTP (the local Functions host as a child process, forwarding to the real worker) next to
/// the same index range read with a raw TableClient in the same run, at 10k and 100k articles, plus a wrk load run at
/// each size, and the storage requests and bytes each page costs next to the same page read directly. Targets: p95 ≤ 1.5× raw,
/// no growth from 10k to 100k beyond noise, zero errors under load.
/// </summary>
internal static partial class QueryBenchmark
{
    private const string Key = LocalApp.FunctionKey;
    private const string Prefix = "bench";
    private const int Iterations = 400;

    private static readonly string[] Phrases =
    [
        "医保报销比例是多少", "社保卡怎么激活", "异地就医备案怎么办理", "养老金怎么计算", "公积金提取条件", "个人账户余额查询",
        "家庭共济怎么绑定", "灵活就业缴费标准", "医保转移接续流程", "居民医保怎么缴费", "惠民保值得买吗", "看病去哪家医院好",
    ];

    public static async Task<int> Run(string[] args)
    {
        var sizes = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [10_000, 100_000];
        var gazetteer = RegionGazetteer.LoadDefault();
        var host = Path.Combine(RepoPaths.Root, "functions", "MedInsure.LocalHost", "bin", LocalApp.Configuration, "net10.0", "MedInsure.LocalHost.dll");
        if (!File.Exists(host) || !File.Exists(Path.Combine(LocalApp.WorkerDirectory, "functions.metadata")))
        {
            Console.Error.WriteLine($"the local host ({host}) or the worker ({LocalApp.WorkerDirectory}) is not built: build with -c {LocalApp.Configuration}");
            return 2;
        }

        await using var azurite = await BenchAzurite.StartAsync();
        var tables = new TableServiceClient(azurite.ConnectionString);
        var names = new StorageOptions { NamePrefix = Prefix };
        var index = Enumerable.Range(0, ArticleIndex.Shards).Select(s => tables.GetTableClient(names.Table(names.IndexShardTable(s)))).ToArray();
        var articles = tables.GetTableClient(names.Table(names.ArticlesTable));
        foreach (var table in index.Append(articles))
        {
            await table.CreateIfNotExistsAsync();
        }

        var port = FreePort();
        var home = Directory.CreateTempSubdirectory("medinsure-bench-worker-");
        using var app = StartApp(host, azurite.ConnectionString, port, home.FullName);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-functions-key", Key);
        await WaitForAppAsync(http, app);

        var seeded = 0;
        var results = new List<(int Size, string Query, double HttpP50, double HttpP95, double RawP50, double RawP95)>();
        foreach (var size in sizes)
        {
            var watch = Stopwatch.StartNew();
            var rows = await SeedAsync(index, articles, gazetteer, seeded, size);
            seeded = size;
            Console.WriteLine($"seeded {size:N0} articles ({rows:N0} index rows) in {watch.Elapsed.TotalSeconds:F1} s");

            var first = await http.GetFromJsonAsync<JsonElement>("/api/articles?topic=reimbursement&region=360000&limit=20");
            var token = first.GetProperty("continuation").GetString();
            var lastCursor = await RawCursorAfterFirstPageAsync(index, Plan(["reimbursement"], "360000", RegionLevel.Province, null, null, null));
            var queries = new (string Name, string Url, QueryPlan Plan, string? Cursor)[]
            {
                ("topic+province", "/api/articles?topic=reimbursement&region=360000", Plan(["reimbursement"], "360000", RegionLevel.Province, null, null, null), null),
                ("city+dates", "/api/articles?region=360300&from=2026-03-01&to=2026-06-30", Plan([], "360300", RegionLevel.City, new DateOnly(2026, 3, 1), new DateOnly(2026, 6, 30), null), null),
                ("keyword", "/api/articles?q=" + Uri.EscapeDataString("备案"), Plan([], null, null, null, null, "备案"), null),
                ("next page", "/api/articles?topic=reimbursement&region=360000&continuation=" + Uri.EscapeDataString(token ?? ""), Plan(["reimbursement"], "360000", RegionLevel.Province, null, null, null), lastCursor),
            };

            foreach (var (name, url, plan, cursor) in queries)
            {
                var (httpTimes, rawTimes) = await MeasurePairAsync(
                    async () =>
                    {
                        using var response = await http.GetAsync(url);
                        response.EnsureSuccessStatusCode();
                        await response.Content.ReadAsByteArrayAsync();
                    },
                    () => RawPageAsync(index, plan, cursor));
                results.Add((size, name, Percentile(httpTimes, 50), Percentile(httpTimes, 95), Percentile(rawTimes, 50), Percentile(rawTimes, 95)));
                // Index rows one page examines: what the access path costs on Azure, whatever the store size.
                var rowsRead = await RawPageAsync(index, plan, cursor);
                // Printed as measured: the 100k seed is long, and the 10k figures should not wait for it.
                Console.WriteLine($"  {name,-15} http p50 {results[^1].HttpP50:F2} ms p95 {results[^1].HttpP95:F2} ms | raw p50 {results[^1].RawP50:F2} ms p95 {results[^1].RawP95:F2} ms | {rowsRead} index rows examined a page");
                var traffic = azurite.TableProxy.Traffic;
                var (apiRequests, apiBytesIn, apiBytesOut) = await TrafficPerCallAsync(traffic, async () =>
                {
                    using var response = await http.GetAsync(url);
                    response.EnsureSuccessStatusCode();
                });
                var (rawRequests, _, rawBytesOut) = await TrafficPerCallAsync(traffic, () => RawPageAsync(index, plan, cursor));
                Console.WriteLine($"  {"",-15} storage a page: API {apiRequests:F1} requests, {apiBytesIn:N0} bytes sent, {apiBytesOut:N0} bytes read | " +
                    $"minimum (the same page read directly) {rawRequests:F1} requests, {rawBytesOut:N0} bytes read");
            }

            // At every size: how a loaded app behaves as the store grows.
            await RunWrkAsync(port, "/api/articles?topic=reimbursement&region=360000");
        }

        Console.WriteLine();
        Console.WriteLine($"{"articles",9} {"query",-15} {"http p50",9} {"http p95",9} {"raw p50",9} {"raw p95",9} {"p95 ratio",9}");
        foreach (var r in results)
        {
            Console.WriteLine($"{r.Size,9:N0} {r.Query,-15} {r.HttpP50,7:F2}ms {r.HttpP95,7:F2}ms {r.RawP50,7:F2}ms {r.RawP95,7:F2}ms {r.HttpP95 / r.RawP95,8:F2}×");
        }

        if (sizes.Length > 1)
        {
            Console.WriteLine();
            foreach (var group in results.GroupBy(r => r.Query))
            {
                var small = group.First();
                var large = group.Last();
                Console.WriteLine($"{group.Key,-15} http p95 {small.Size:N0} → {large.Size:N0}: {large.HttpP95 / small.HttpP95:F2}× (raw {large.RawP95 / small.RawP95:F2}×)");
            }
        }

        app.Kill(entireProcessTree: true);
        await app.WaitForExitAsync();
        home.Delete(recursive: true);
        return 0;
    }

    private static QueryPlan Plan(string[] topics, string? region, RegionLevel? level, DateOnly? from, DateOnly? to, string? keyword) =>
        ArticleQueryPlanner.Plan(new ArticleFilter(topics, region, level, from, to, keyword, []));

    /// <summary>What the API does for one page, minus HTTP: the same filter on the same partition, first 20 matches.</summary>
    private static async Task<int> RawPageAsync(TableClient[] index, QueryPlan plan, string? cursor)
    {
        var count = 0;
        var read = 0;
        foreach (var key in plan.IndexKeys)
        {
            await foreach (var row in index[ArticleIndex.ShardOf(key)].QueryAsync<TableEntity>(plan.FilterFor(key, cursor), plan.Keyword is null ? 21 : 1000))
            {
                read++;
                if (plan.Keyword is { } k && !(row.GetString("NormTitle") ?? "").Contains(k, StringComparison.Ordinal))
                {
                    continue;
                }

                if (++count >= 21)
                {
                    break;
                }
            }
        }

        return read;
    }

    private static async Task<string?> RawCursorAfterFirstPageAsync(TableClient[] index, QueryPlan plan)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in index[ArticleIndex.ShardOf(plan.IndexKeys[0])].QueryAsync<TableEntity>(plan.FilterFor(plan.IndexKeys[0], null), 21))
        {
            rows.Add(row);
            if (rows.Count == 20)
            {
                break;
            }
        }

        return rows.Count == 20 ? ArticleQueryService.Cursor(rows[^1]) : null;
    }

    /// <summary>
    /// Alternates the two measurements request by request, so both see the same background (Azurite's GC, the other
    /// processes on the machine): measured one block after the other, a hiccup lands in one side's p95 only.
    /// </summary>
    private static async Task<(double[] A, double[] B)> MeasurePairAsync(Func<Task> a, Func<Task> b)
    {
        for (var i = 0; i < 20; i++)
        {
            await a();
            await b();
        }

        var timesA = new double[Iterations];
        var timesB = new double[Iterations];
        for (var i = 0; i < Iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await a();
            timesA[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            await b();
            timesB[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(timesA);
        Array.Sort(timesB);
        return (timesA, timesB);
    }

    /// <summary>Storage requests and bytes one call costs, averaged over 20 calls, read at the Azure-limits proxy.</summary>
    private static async Task<(double Requests, double BytesSent, double BytesRead)> TrafficPerCallAsync(TableTraffic traffic, Func<Task> call)
    {
        const int Calls = 20;
        traffic.Reset();
        for (var i = 0; i < Calls; i++)
        {
            await call();
        }

        return ((double)traffic.Requests / Calls, (double)traffic.RequestBytes / Calls, (double)traffic.ResponseBytes / Calls);
    }

    private static double Percentile(double[] sorted, int p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    /// <summary>Synthetic articles written straight to the tables with the observer's own row builder (ingesting 100k through the pipeline would take hours).</summary>
    private static async Task<long> SeedAsync(TableClient[] index, TableClient articles, RegionGazetteer gazetteer, int from, int to)
    {
        var places = gazetteer.All.Where(d => d.Code.StartsWith("36", StringComparison.Ordinal) || d.Code.StartsWith("11", StringComparison.Ordinal)
            || d.Code.StartsWith("44", StringComparison.Ordinal) || d.Code.StartsWith("51", StringComparison.Ordinal)).ToArray();
        var topics = Topics.All.Select(t => t.Code).ToArray();
        var random = new Random(from + 17);
        var now = DateTimeOffset.UtcNow;
        var indexActions = new List<TableEntity>();
        var articleEntities = new List<TableEntity>();
        for (var i = from; i < to; i++)
        {
            var place = places[random.Next(places.Length)];
            var tag = gazetteer.ToTag(place.Code)!;
            var phrase = Phrases[random.Next(Phrases.Length)];
            var title = $"{place.Name}{phrase}{i.ToString(CultureInfo.InvariantCulture)}";
            var article = new StoredArticle
            {
                Id = ArticleIdentity.IdFor(title),
                Title = title,
                ShortAnswer = "按当地规定执行。",
                Body = $"{place.Name}{phrase}：按当地政策办理，详情咨询当地医保经办机构。",
                Date = new DateOnly(2026, 1, 1).AddDays(random.Next(320)),
                Tags = new ArticleTags(topics[random.Next(topics.Length)], 0.9, random.Next(20) == 0, "bench", tag.Code, tag.Name, tag.ProvinceCode, tag.CityCode, tag.CountyCode, []),
                FirstSeenAt = now,
                UpdatedAt = now,
                CreatedBy = "bench",
                UpdatedBy = "bench",
            };
            articleEntities.Add(ArticleEntityMapper.ToEntity(article));
            indexActions.AddRange(ArticleIndex.RowsFor(article));
        }

        await WriteAsync(articleEntities.Select(e => (articles, e))
            .Concat(indexActions.Select(e => (index[ArticleIndex.ShardOfPartition(e.PartitionKey)], e))));
        return indexActions.Count;
    }

    private static async Task WriteAsync(IEnumerable<(TableClient Table, TableEntity Entity)> rows)
    {
        var batches = rows.GroupBy(r => (r.Table.Name, r.Entity.PartitionKey))
            .SelectMany(g => g.DistinctBy(r => r.Entity.RowKey).Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await batch[0].Table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r.Entity)), ct));
    }

    /// <summary>
    /// The local host as its own process, as the Functions host runs beside its worker: the load generator's and the raw
    /// reads' CPU, thread pool and GC stay apart from the host's forwarding.
    /// </summary>
    private static Process StartApp(string host, string connectionString, int port, string home)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { host, "--app", LocalApp.WorkerDirectory, "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        // The host reads these and passes them on to the worker, which inherits its environment.
        info.Environment["AzureWebJobsStorage"] = connectionString;
        info.Environment["FunctionKeys__default"] = Key;
        info.Environment["Storage__NamePrefix"] = Prefix;
        info.Environment["LocalHost__PollBlobs"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Each run's throw-away key ring in its temporary HOME is unencrypted, as intended.
        info.Environment["Logging__LogLevel__Worker.Microsoft.AspNetCore.DataProtection"] = "Error";
        // The worker's ASP.NET Core keeps DataProtection keys under HOME.
        info.Environment["HOME"] = home;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the local host");
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"app: {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The host opens its endpoint once the worker has loaded every function.</summary>
    private static async Task WaitForAppAsync(HttpClient http, Process app)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(app.HasExited ? $"the local host exited with code {app.ExitCode}" : "the app did not answer /api/health within 120 s");
    }

    private static async Task RunWrkAsync(int port, string path)
    {
        var wrk = new[] { "/usr/bin/wrk", "/usr/local/bin/wrk" }.FirstOrDefault(File.Exists);
        if (wrk is null)
        {
            Console.WriteLine("wrk is not installed: skipping the load run (install with `apt-get install -y wrk`).");
            return;
        }

        var info = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-t2", "-c16", "-d30s", "--latency", "-H", $"x-functions-key: {Key}", $"http://127.0.0.1:{port}{path}" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var rps = RequestsPerSecond().Match(output);
        var non2xx = Non2xx().Match(output);
        var socket = SocketErrors().Match(output);
        Console.WriteLine($"  wrk 30 s, 16 connections, {path}:");
        // wrk counts a response slower than its 2 s limit as a socket "timeout": a client-side cut-off, not an answer the app got wrong.
        Console.WriteLine($"    requests/s {(rps.Success ? rps.Groups[1].Value : "?")}, non-2xx/3xx {(non2xx.Success ? non2xx.Groups[1].Value : "0")}, {(socket.Success ? socket.Groups[0].Value : "Socket errors: none")}");
        foreach (var line in output.Split('\n').Where(l => l.TrimStart().StartsWith("50%", StringComparison.Ordinal) || l.TrimStart().StartsWith("99%", StringComparison.Ordinal)))
        {
            Console.WriteLine($"    latency {line.Trim()}");
        }
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors:.*")]
    private static partial Regex SocketErrors();
}
