using System.Diagnostics;
using MedInsure.Tagging.Regions;
using MedInsure.Testing;

namespace MedInsure.Benchmarks;

/// <summary>Region tagging throughput on one thread against a naive Contains-over-all-names baseline, plus eval accuracy.</summary>
internal static class RegionBenchmark
{
    private const double TargetPerSecond = 100_000;

    public static int Run(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000;
        // The eval set is test data, not shipped with the app.
        var evalPath = Path.Combine(RepoPaths.Root, "ml", "data", "region-eval.tsv");
        var eval = File.ReadAllLines(evalPath).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToArray();
        var tagger = RegionTagger.LoadDefault();

        var correct = eval.Count(l => tagger.Tag(l[0], null).Primary.Code == l[1]);
        Console.WriteLine($"region-eval.tsv: exact-code accuracy {(double)correct / eval.Length:P2} ({correct}/{eval.Length})");

        // Titles cycle through the eval set; a numeric suffix keeps them from being identical strings.
        var titles = Enumerable.Range(0, count).Select(i => $"{eval[i % eval.Length][0]} {i % 97}").ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            tagger.Tag(titles[i % titles.Length], null);
        }

        var checksum = 0;
        var watch = Stopwatch.StartNew();
        foreach (var title in titles)
        {
            checksum += tagger.Tag(title, null).Primary.Code[2];
        }

        watch.Stop();
        var rate = count / watch.Elapsed.TotalSeconds;

        // Baseline: what a first attempt looks like, string.Contains over every name and alias, on a subset.
        var names = tagger.Gazetteer.All.SelectMany(d => d.Aliases.Prepend(d.Name)).ToArray();
        var subset = Math.Min(count, 20_000);
        var baselineWatch = Stopwatch.StartNew();
        for (var i = 0; i < subset; i++)
        {
            foreach (var name in names)
            {
                if (titles[i].Contains(name, StringComparison.Ordinal))
                {
                    checksum++;
                    break;
                }
            }
        }

        baselineWatch.Stop();
        var baselineRate = subset / baselineWatch.Elapsed.TotalSeconds;

        var pass = rate >= TargetPerSecond;
        Console.WriteLine($"RegionTagger: {count:N0} titles in {watch.Elapsed.TotalMilliseconds:N0} ms = {rate:N0} titles/s (one thread)");
        Console.WriteLine($"baseline (Contains over {names.Length:N0} names, {subset:N0} titles): {baselineRate:N0} titles/s");
        Console.WriteLine($"speed-up vs baseline: {rate / baselineRate:N1}x");
        Console.WriteLine($"target >= {TargetPerSecond:N0} titles/s: {(pass ? "PASS" : "FAIL")} (checksum {checksum})");
        return pass ? 0 : 1;
    }
}
