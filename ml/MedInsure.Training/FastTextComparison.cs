using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MedInsure.Tagging;

namespace MedInsure.Training;

/// <summary>
/// Issue #4: fastText (Debian package, character n-grams) versus our model on the same split, one core each.
/// Both models see the same text (title twice, then the body cut), and throughput excludes model load for both
/// (fastText: whole-process time minus a one-row run; ours: prediction loop only); with-load figures are printed too.
/// </summary>
internal static class FastTextComparison
{
    private const int BenchRows = 50_000;
    private const int Repeats = 5;

    /// <summary>args: optional `--engine fast|mlnet|both` (default both; PASS/FAIL is judged on fast when present).</summary>
    public static int Run(TrainingPaths paths, string[] args)
    {
        var engineArg = args.SkipWhile(a => a != "--engine").Skip(1).FirstOrDefault() ?? "both";
        TopicEngine[] engines = engineArg switch
        {
            "fast" => [TopicEngine.Fast],
            "mlnet" => [TopicEngine.MlNet],
            "both" => [TopicEngine.Fast, TopicEngine.MlNet],
            _ => throw new ArgumentException($"--engine {engineArg}: expected fast, mlnet or both"),
        };

        var fasttext = FindOnPath("fasttext");
        var taskset = FindOnPath("taskset");
        if (fasttext is null || taskset is null)
        {
            Console.Error.WriteLine($"{(fasttext is null ? "fasttext" : "taskset")} not found on PATH. Install it with: sudo apt-get install -y fasttext util-linux");
            return 3;
        }

        var corpus = TopicData.ReadTsv(paths.Corpus);
        var heldout = TopicData.ReadTsv(paths.Heldout);
        var (train, test) = TopicData.Split(corpus);
        var bench = Enumerable.Range(0, BenchRows).Select(i => test[i % test.Count]).ToList();
        var work = Directory.CreateTempSubdirectory("medinsure-fasttext-").FullName;
        try
        {
            // fastText: characters space-separated, so its word 1-3-grams are our character 1-3-grams.
            File.WriteAllLines(Path.Combine(work, "train.txt"), train.Select(r => $"__label__{r.Topic} {Spaced(r)}"));
            File.WriteAllLines(Path.Combine(work, "test.txt"), test.Select(Spaced));
            File.WriteAllLines(Path.Combine(work, "heldout.txt"), heldout.Select(Spaced));
            File.WriteAllLines(Path.Combine(work, "bench.txt"), bench.Select(Spaced));
            File.WriteAllLines(Path.Combine(work, "one.txt"), test.Take(1).Select(Spaced));
            var trainArgs = "supervised -input train.txt -output ft -dim 100 -epoch 25 -lr 0.5 -wordNgrams 3 -minn 0 -maxn 0 -minCount 1 -bucket 200000 -loss softmax -thread 1 -seed 1";
            Exec(taskset, $"-c 0 {fasttext} {trainArgs}", work, out _);
            var ftTest = FastTextLabels(Exec(taskset, $"-c 0 {fasttext} predict ft.bin test.txt", work, out _));
            var ftHeldout = FastTextLabels(Exec(taskset, $"-c 0 {fasttext} predict ft.bin heldout.txt", work, out _));

            // Ours: the chosen trainer (from the manifest) fitted on the same 80%, scored through the serving class.
            var trainerName = ReadTrainer(paths) ?? TopicTrainer.Candidates[0];
            var trainer = new TopicTrainer();
            var view = trainer.Load(train);
            var zip = Path.Combine(work, "ours.zip");
            trainer.Save(trainer.Fit(view, trainerName), view, zip, TrainCommand.Articles([.. train, .. test, .. heldout]));

            // One core for our side too: pin this process to CPU 0 before loading and predicting.
            if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
            {
                Process.GetCurrentProcess().ProcessorAffinity = 1;
            }

            var benchInput = bench.Select(r => (r.Title, (string?)r.Body)).ToList();
            var results = new List<EngineResult>();
            foreach (var engine in engines)
            {
                var loadWatch = Stopwatch.StartNew();
                var ours = TopicClassifier.Load(zip, engine);
                var load = loadWatch.Elapsed.TotalSeconds;
                if (ours.Engine != engine)
                {
                    throw new InvalidOperationException($"asked for the {engine} engine, got {ours.Engine}");
                }

                // Warm-up (JIT, caches) happens here: the quality runs score every test and heldout row first.
                var testTopics = ours.PredictBatch(TrainCommand.Articles(test)).Select(p => p.Topic).ToList();
                var heldoutTopics = ours.PredictBatch(TrainCommand.Articles(heldout)).Select(p => p.Topic).ToList();
                results.Add(new EngineResult(engine, ours, load, testTopics, heldoutTopics));
            }

            // Timings interleaved (fastText, then each engine of ours, repeated) so machine noise hits all sides alike.
            var ftFull = double.MaxValue;
            var ftLoad = double.MaxValue;
            for (var run = 0; run < Repeats; run++)
            {
                ftFull = Math.Min(ftFull, Timed(() => Exec(taskset, $"-c 0 {fasttext} predict ft.bin bench.txt", work, out _)));
                ftLoad = Math.Min(ftLoad, Timed(() => Exec(taskset, $"-c 0 {fasttext} predict ft.bin one.txt", work, out _)));
                foreach (var result in results)
                {
                    result.Predict = Math.Min(result.Predict, Timed(() => result.Classifier.PredictBatch(benchInput)));
                }
            }

            var ftF1 = new Metrics(Gold(test), ftTest).MacroF1;
            var ftF1Heldout = new Metrics(Gold(heldout), ftHeldout).MacroF1;
            var ftRate = BenchRows / Math.Max(ftFull - ftLoad, 1e-6);
            var ftRateWithLoad = BenchRows / ftFull;
            // The serving engine decides PASS/FAIL; the ML.NET reference row is informational.
            var judged = results.FirstOrDefault(r => r.Engine == TopicEngine.Fast) ?? results[0];
            var qualityPass = judged.F1(Gold(test)) >= ftF1;
            var speedPass = judged.Rate >= ftRate;

            var inv = CultureInfo.InvariantCulture;
            var sb = new StringBuilder();
            sb.AppendLine("# fastText comparison (issue #4)");
            sb.AppendLine();
            sb.AppendLine(inv, $"Generated by `dotnet run -c Release --project ml/MedInsure.Training -- compare-fasttext{(args.Length > 0 ? " " + string.Join(' ', args) : "")}` on {DateTime.UtcNow:yyyy-MM-dd}.");
            sb.AppendLine();
            sb.AppendLine(inv, $"Same deterministic 80/20 split of corpus.tsv ({train.Count} train / {test.Count} test); heldout.tsv ({heldout.Count}) as a second test set.");
            sb.AppendLine(inv, $"fastText {Version(fasttext)}: `{trainArgs}` on characters separated by spaces (word 1-3-grams = character 1-3-grams).");
            sb.AppendLine(inv, $"Ours: {trainerName}, character 1-3-grams, trained with ML.NET and scored through TopicClassifier.PredictBatch; engine `Fast` = the exported linear scorer embedded in the model zip (what serving uses), `MlNet` = ML.NET prediction engine (reference). {BuildKind()} build.");
            sb.AppendLine(inv, $"One core each (`taskset -c 0` / process affinity CPU 0). Throughput over {BenchRows} articles (test rows repeated), best of {Repeats} runs interleaved across systems; ours warmed up first.");
            sb.AppendLine("Load excluded: fastText = process time minus a one-row run (which also covers process start); ours = the prediction loop. Load included: fastText = whole process; ours = loop + model load, measured in-process after training (runtime and ML.NET assemblies already loaded, so a cold process adds its start-up on top).");
            sb.AppendLine();
            sb.AppendLine("| | " + string.Join(" | ", results.Select(r => $"ours ({r.Engine})")) + " | fastText | " + string.Join(" | ", results.Select(r => $"{r.Engine} / fastText")) + " |");
            sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", results.Count * 2 + 1)));
            Row(sb, "macro-F1, 20% split", results.Select(r => r.F1(Gold(test))), ftF1, "0.0000", "0.000");
            Row(sb, "macro-F1, heldout.tsv", results.Select(r => r.F1Heldout(Gold(heldout))), ftF1Heldout, "0.0000", "0.000");
            Row(sb, "articles/s, load excluded", results.Select(r => r.Rate), ftRate, "N0", "0.00");
            Row(sb, "articles/s, load included", results.Select(r => BenchRows / (r.Predict + r.Load)), ftRateWithLoad, "N0", "0.00");
            sb.AppendLine(inv, $"| model load, s | {string.Join(" | ", results.Select(r => r.Load.ToString("0.000", inv)))} | {ftLoad:0.000} (whole one-row process) |{string.Concat(Enumerable.Repeat(" |", results.Count))}");
            sb.AppendLine();
            sb.AppendLine(inv, $"- Quality target (our split macro-F1 ≥ fastText's, {judged.Engine} engine): **{(qualityPass ? "PASS" : "FAIL")}**");
            sb.AppendLine(inv, $"- Throughput target (our articles/s ≥ fastText's, load excluded, {judged.Engine} engine): **{(speedPass ? "PASS" : "FAIL")}** (ratio {judged.Rate / ftRate:0.00})");
            if (results.Count == 2)
            {
                var same = results[0].TestTopics.SequenceEqual(results[1].TestTopics) && results[0].HeldoutTopics.SequenceEqual(results[1].HeldoutTopics);
                sb.AppendLine(inv, $"- Fast and MlNet engines predict the same topic for every test and heldout row: **{(same ? "yes" : "NO")}**");
            }

            Console.WriteLine(sb.ToString());
            File.WriteAllText(paths.Comparison, sb.ToString());
            EvaluationReport.UpdateComparisonSection(paths.Evaluation, sb.ToString());
            return qualityPass && speedPass ? 0 : 1;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Mirrors our features: title twice, then the cut body, one character per token (whitespace dropped).</summary>
    private static string Spaced(TopicModelInput row)
    {
        var text = (row.Title + row.Title + row.Body).ToLowerInvariant();
        return string.Join(' ', text.Where(c => !char.IsWhiteSpace(c)));
    }

    private static void Row(StringBuilder sb, string name, IEnumerable<double> ours, double fastText, string format, string ratioFormat)
    {
        var inv = CultureInfo.InvariantCulture;
        var values = ours.ToList();
        sb.AppendLine(inv, $"| {name} | {string.Join(" | ", values.Select(v => v.ToString(format, inv)))} | {fastText.ToString(format, inv)} | {string.Join(" | ", values.Select(v => (v / fastText).ToString(ratioFormat, inv)))} |");
    }

    private static string BuildKind() =>
        typeof(TopicClassifier).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false).OfType<DebuggableAttribute>().Any(d => d.IsJITOptimizerDisabled)
            ? "Debug (unoptimised; use -c Release for representative figures)"
            : "Release";

    private sealed class EngineResult(TopicEngine engine, TopicClassifier classifier, double load, List<string> testTopics, List<string> heldoutTopics)
    {
        public TopicEngine Engine { get; } = engine;
        public TopicClassifier Classifier { get; } = classifier;
        public double Load { get; } = load;
        public List<string> TestTopics { get; } = testTopics;
        public List<string> HeldoutTopics { get; } = heldoutTopics;
        public double Predict { get; set; } = double.MaxValue;
        public double Rate => BenchRows / Predict;

        public double F1(List<string> gold) => new Metrics(gold, TestTopics).MacroF1;

        public double F1Heldout(List<string> gold) => new Metrics(gold, HeldoutTopics).MacroF1;
    }

    private static List<string> Gold(List<TopicModelInput> rows) => rows.Select(r => r.Topic).ToList();

    private static List<string> FastTextLabels(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()["__label__".Length..]).ToList();

    private static string? ReadTrainer(TrainingPaths paths)
    {
        if (!File.Exists(paths.Manifest))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(paths.Manifest));
        return doc.RootElement.TryGetProperty("Trainer", out var t) ? t.GetString() : null;
    }

    private static string Version(string fasttext)
    {
        var dpkg = FindOnPath("dpkg-query");
        return dpkg is null ? "(version unknown)" : Exec(dpkg, "-W -f=${Version} fasttext", ".", out _, check: false).Trim();
    }

    private static double Timed(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static string Exec(string file, string arguments, string workDir, out string stderr, bool check = true)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var errTask = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        stderr = errTask.GetAwaiter().GetResult();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited {process.ExitCode}: {stderr}");
        }

        return stdout;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
