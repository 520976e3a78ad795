using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedInsure.Parsing;

namespace MedInsure.Benchmarks;

/// <summary>Parser throughput against reading (fingerprint + decode) the same bytes: parsing should keep at least half that speed.</summary>
internal static class ParseBenchmark
{
    private const double TargetRatio = 0.5;
    private const int Iterations = 7;

    private static readonly string[] Words =
    [
        "社保", "医保", "个人账户", "缴费基数", "灵活就业", "职工医保", "城乡居民", "报销比例", "定点医院", "异地就医",
        "备案", "门诊统筹", "住院", "起付线", "封顶线", "退休", "养老金", "公积金", "生育津贴", "家庭共济",
        "参保", "断缴", "补缴", "电子医保卡", "激活", "密码", "挂失", "补办", "慢特病", "药店",
    ];

    public static int Run(string[] args)
    {
        var megabytes = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out var mb) ? mb : 64;
        var corpus = BuildCorpus(megabytes * 1024L * 1024);
        var totalBytes = corpus.Sum(d => (long)d.Length);
        Console.WriteLine($"parse benchmark: {corpus.Count:N0} dumps, {totalBytes / 1048576.0:F1} MB, median of {Iterations} runs");

        var reader = new DumpReader();
        // Interleaved so every side sees the same machine load; each side reports its median.
        // Reading a dump fingerprints its bytes (SHA-256 ContentHash, computed inside DumpReader's read loop), so the
        // baseline the target is judged on is read + hash + decode; decode alone is printed too.
        var results = Measure(
            corpus,
            totalBytes,
            bytes => DumpDecoder.Decode(bytes).Text!.Length,
            bytes => SHA256.HashData(bytes)[0] + DumpDecoder.Decode(bytes).Text!.Length,
            bytes => reader.ReadDump("bench.txt", bytes).Dump!.Articles.Count);
        var (decode, readAndDecode, parse) = (results[0], results[1], results[2]);
        var ratio = parse.MegabytesPerSecond / readAndDecode.MegabytesPerSecond;

        Console.WriteLine($"decode only (detect + decode):           {decode.MegabytesPerSecond,8:F1} MB/s  {decode.AllocatedPerByte,5:F2} bytes allocated per input byte");
        Console.WriteLine($"read baseline (SHA-256 + detect + decode): {readAndDecode.MegabytesPerSecond,6:F1} MB/s  {readAndDecode.AllocatedPerByte,5:F2} bytes allocated per input byte");
        Console.WriteLine($"full parse (DumpReader.ReadDump):        {parse.MegabytesPerSecond,8:F1} MB/s  {parse.AllocatedPerByte,5:F2} bytes allocated per input byte");
        Console.WriteLine($"parse vs decode only: {(parse.MegabytesPerSecond / decode.MegabytesPerSecond).ToString("P0", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"parse vs read baseline: {ratio.ToString("P0", CultureInfo.InvariantCulture)} (target >= 50 %) {(ratio >= TargetRatio ? "PASS" : "FAIL")}");
        return ratio >= TargetRatio ? 0 : 1;
    }

    private static Side[] Measure(List<byte[]> corpus, long totalBytes, params Func<byte[], int>[] sides)
    {
        var checksum = 0L;
        foreach (var dump in corpus.Take(50))
        {
            foreach (var side in sides)
            {
                checksum += side(dump);
            }
        }

        var seconds = sides.Select(_ => new double[Iterations]).ToArray();
        var allocated = new long[sides.Length];
        for (var i = 0; i < Iterations; i++)
        {
            for (var s = 0; s < sides.Length; s++)
            {
                seconds[s][i] = Time(sides[s], out allocated[s]);
            }
        }

        // Keeps the work observable so the JIT cannot drop it.
        GC.KeepAlive(checksum);
        return [.. Enumerable.Range(0, sides.Length).Select(s => new Side(MedianThroughput(seconds[s]), (double)allocated[s] / totalBytes))];

        double Time(Func<byte[], int> work, out long allocatedBytes)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var watch = Stopwatch.StartNew();
            foreach (var dump in corpus)
            {
                checksum += work(dump);
            }

            var elapsed = watch.Elapsed.TotalSeconds;
            allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
            return elapsed;
        }

        double MedianThroughput(double[] runs)
        {
            Array.Sort(runs);
            return totalBytes / 1048576.0 / runs[Iterations / 2];
        }
    }

    private readonly record struct Side(double MegabytesPerSecond, double AllocatedPerByte);

    private static List<byte[]> BuildCorpus(long targetBytes)
    {
        var random = new Random(42);
        var corpus = new List<byte[]>();
        long total = 0;
        while (total < targetBytes)
        {
            var bytes = Encoding.UTF8.GetBytes(BuildPage(random));
            corpus.Add(bytes);
            total += bytes.Length;
        }

        return corpus;
    }

    private static string BuildPage(Random random)
    {
        var page = new StringBuilder(16 * 1024);
        page.Append(Phrase(random, 4)).Append("怎么办理\n\n");
        page.Append(Sentence(random, 60)).Append("\n\n");
        for (var section = 1; section <= 4; section++)
        {
            page.Append("  ").Append(section).Append(". ").Append(Phrase(random, 2)).Append('\n');
            page.Append("    ").Append(Sentence(random, 50)).Append("\n\n");
        }

        page.Append(Sentence(random, 40)).Append("\n\n");
        page.Append("提示：本内容不能代替面诊，如有不适请尽快就医。\n相关推荐\n\n");
        for (var item = 0; item < 20; item++)
        {
            page.Append(Phrase(random, 4)).Append("多少钱\n\n");
            if (item % 5 == 0)
            {
                page.Append(random.Next(100, 999)).Append("元 ");
            }

            page.Append(Sentence(random, 120)).Append("\n\n");
            page.Append("健康新闻 2025-0").Append(random.Next(1, 9)).Append('-').Append(random.Next(10, 28)).Append("\n\n");
        }

        page.Append("首页 顶部\n");
        return page.ToString();
    }

    private static string Phrase(Random random, int words)
    {
        var phrase = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            phrase.Append(Words[random.Next(Words.Length)]);
        }

        return phrase.ToString();
    }

    private static string Sentence(Random random, int words)
    {
        var sentence = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            sentence.Append(Words[random.Next(Words.Length)]).Append(i % 7 == 6 ? "，" : "");
        }

        return sentence.Append('。').ToString();
    }
}
