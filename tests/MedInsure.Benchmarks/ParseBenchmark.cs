using System.Diagnostics;
using System.Globalization;
using System.Text;
using MedInsure.Parsing;

namespace MedInsure.Benchmarks;

/// <summary>Parser throughput against the decoder alone: full parsing should keep at least half the decode speed.</summary>
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
        // Interleaved so both sides see the same machine load; each side reports its median.
        var (decode, parse) = Measure(
            corpus,
            totalBytes,
            bytes => DumpDecoder.Decode(bytes).Text!.Length,
            bytes => reader.ReadDump("bench.txt", bytes).Dump!.Articles.Count);
        var ratio = parse / decode;

        Console.WriteLine($"decode only (detect + decode):    {decode,8:F1} MB/s");
        Console.WriteLine($"full parse (DumpReader.ReadDump): {parse,8:F1} MB/s");
        Console.WriteLine($"parse/decode ratio: {ratio.ToString("P0", CultureInfo.InvariantCulture)} (target >= 50 %) {(ratio >= TargetRatio ? "PASS" : "FAIL")}");
        return ratio >= TargetRatio ? 0 : 1;
    }

    private static (double Decode, double Parse) Measure(List<byte[]> corpus, long totalBytes, Func<byte[], int> decode, Func<byte[], int> parse)
    {
        var checksum = 0L;
        foreach (var dump in corpus.Take(50))
        {
            checksum += decode(dump) + parse(dump);
        }

        var decodeSeconds = new double[Iterations];
        var parseSeconds = new double[Iterations];
        for (var i = 0; i < Iterations; i++)
        {
            decodeSeconds[i] = Time(decode);
            parseSeconds[i] = Time(parse);
        }

        // Keeps the work observable so the JIT cannot drop it.
        GC.KeepAlive(checksum);
        return (Throughput(decodeSeconds), Throughput(parseSeconds));

        double Time(Func<byte[], int> work)
        {
            var watch = Stopwatch.StartNew();
            foreach (var dump in corpus)
            {
                checksum += work(dump);
            }

            return watch.Elapsed.TotalSeconds;
        }

        double Throughput(double[] seconds)
        {
            Array.Sort(seconds);
            return totalBytes / 1048576.0 / seconds[Iterations / 2];
        }
    }

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
