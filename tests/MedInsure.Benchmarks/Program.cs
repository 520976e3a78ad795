using MedInsure.Benchmarks;

// One entry point for every benchmark: each prints its figures next to a baseline measured in the same run.
var benchmarks = new Dictionary<string, (string Description, Func<string[], Task<int>> Run)>(StringComparer.Ordinal)
{
    ["parse"] = ("dump parsing throughput vs decode-only (issue #2)", a => Task.FromResult(ParseBenchmark.Run(a))),
    ["region"] = ("region tagging titles/s vs a naive scan (issue #4)", a => Task.FromResult(RegionBenchmark.Run(a))),
    ["stats"] = ("stats export from aggregates vs scanning articles (issue #7)", StatsBenchmark.Run),
    ["query"] = ("query API p50/p95 over HTTP (local host + worker) vs raw table reads, 10k→100k, wrk load (issue #5)", QueryBenchmark.Run),
    ["ingest"] = ("storage requests, bytes and entities per ingested article vs the minimum; upload-to-queryable p50/p95; worker peak RSS on a 100 MB zip", IngestBenchmark.Run),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/MedInsure.Benchmarks -- <benchmark> [options]");
    foreach (var (name, (description, _)) in benchmarks)
    {
        Console.Error.WriteLine($"  {name,-10} {description}");
    }

    return 2;
}

return await benchmark.Run(args[1..]);
