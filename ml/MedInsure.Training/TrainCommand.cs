using System.Globalization;
using System.Text;
using System.Text.Json;
using MedInsure.Tagging;

namespace MedInsure.Training;

internal sealed record ModelManifest(
    string Version, string Trainer, string TrainedOn, int CorpusRows, IReadOnlyList<CandidateScore> CrossValidation,
    double SplitMacroF1, double HeldoutMacroF1, double? SamplesMacroF1, float LowConfidenceThreshold);

internal static class TrainCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(TrainingPaths paths)
    {
        var corpus = TopicData.ReadTsv(paths.Corpus);
        var heldout = TopicData.ReadTsv(paths.Heldout);
        var samples = TopicData.ReadSamples(paths.SamplesDir, paths.SampleLabels);
        GuardAgainstLeaks(corpus, heldout);
        var (train, test) = TopicData.Split(corpus);
        Console.WriteLine($"corpus {corpus.Count} rows (train {train.Count} / test {test.Count}), heldout {heldout.Count}, samples {samples.Count}");

        var trainer = new TopicTrainer();
        var trainView = trainer.Load(train);
        var scores = new List<CandidateScore>();
        foreach (var candidate in TopicTrainer.Candidates)
        {
            var score = trainer.CrossValidate(trainView, candidate);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CV {candidate,-24} macro-F1 {score.MacroF1:0.0000}  accuracy {score.Accuracy:0.0000}  log-loss {score.LogLoss:0.0000}"));
            scores.Add(score);
        }

        // Near-ties (within 0.005 macro-F1; the generated corpus saturates CV) go to the lowest log-loss: LowConfidence
        // relies on the score being a calibrated probability. Remaining ties go to the earlier candidate.
        var top = scores.Max(s => s.MacroF1);
        var best = scores.Where(s => s.MacroF1 >= top - 0.005).OrderBy(s => Math.Round(s.LogLoss, 4)).First().Trainer;
        Console.WriteLine($"chosen trainer: {best}");

        // Report model: fit on the 80% split, scored on the untouched 20%.
        var splitZip = Path.Combine(Path.GetTempPath(), "medinsure-topic-split.zip");
        trainer.Save(trainer.Fit(trainView, best), trainView, splitZip, Articles(corpus));
        var splitMetrics = Score(TopicClassifier.Load(splitZip), test);
        File.Delete(splitZip);

        // Shipped model: same recipe on the whole corpus; heldout.tsv and the samples are never trained on.
        var fullView = trainer.Load(corpus);
        trainer.Save(trainer.Fit(fullView, best), fullView, paths.ModelZip, Articles([.. corpus, .. heldout, .. samples.Select(s => s.Row)]));
        var classifier = TopicClassifier.Load(paths.ModelZip);
        var heldoutMetrics = Score(classifier, heldout);
        var sampleMetrics = samples.Count > 0 ? Score(classifier, samples.Select(s => s.Row).ToList()) : null;

        var manifest = new ModelManifest(
            classifier.ModelVersion, best, DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), corpus.Count, scores,
            Math.Round(splitMetrics.MacroF1, 4), Math.Round(heldoutMetrics.MacroF1, 4),
            sampleMetrics is null ? null : Math.Round(sampleMetrics.MacroF1, 4), TopicClassifier.DefaultLowConfidenceThreshold);
        File.WriteAllText(paths.Manifest, JsonSerializer.Serialize(manifest, Json) + "\n");
        // The fastText comparison section (from compare-fasttext) is carried over; re-run compare-fasttext after retraining.
        var comparison = EvaluationReport.ExistingSection(paths.Evaluation);
        var report = Report(manifest, corpus, splitMetrics, heldoutMetrics, sampleMetrics, classifier, heldout, samples);
        File.WriteAllText(paths.Evaluation, comparison.Length == 0 ? report : report.TrimEnd() + "\n\n" + comparison);

        var size = new FileInfo(paths.ModelZip).Length;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {classifier.ModelVersion} ({size / 1024.0:0} KiB): split macro-F1 {splitMetrics.MacroF1:0.0000}, heldout {heldoutMetrics.MacroF1:0.0000}, samples {sampleMetrics?.MacroF1:0.0000}"));
        return 0;
    }

    public static int Evaluate(TrainingPaths paths)
    {
        var classifier = TopicClassifier.Load(paths.ModelZip);
        Console.WriteLine($"model {classifier.ModelVersion}");
        var heldout = Score(classifier, TopicData.ReadTsv(paths.Heldout));
        Console.WriteLine("heldout.tsv\n" + heldout.ToMarkdown());
        var samples = TopicData.ReadSamples(paths.SamplesDir, paths.SampleLabels);
        if (samples.Count > 0)
        {
            Console.WriteLine("sample dumps\n" + Score(classifier, samples.Select(s => s.Row).ToList()).ToMarkdown());
        }

        return 0;
    }

    public static List<(string Title, string? Body)> Articles(IEnumerable<TopicModelInput> rows) =>
        rows.Select(r => (r.Title, (string?)r.Body)).ToList();

    public static Metrics Score(TopicClassifier classifier, IReadOnlyList<TopicModelInput> rows)
    {
        var predicted = classifier.PredictBatch(rows.Select(r => (r.Title, (string?)r.Body)).ToList());
        return new Metrics(rows.Select(r => r.Topic).ToList(), predicted.Select(p => p.Topic).ToList());
    }

    /// <summary>Held-out titles must not be in the corpus, or the held-out figure would measure memory, not generalisation.</summary>
    private static void GuardAgainstLeaks(List<TopicModelInput> corpus, List<TopicModelInput> heldout)
    {
        var titles = corpus.Select(r => r.Title).ToHashSet(StringComparer.Ordinal);
        var leaked = heldout.Where(h => titles.Contains(h.Title)).Select(h => h.Title).ToList();
        if (leaked.Count > 0)
        {
            throw new InvalidDataException($"heldout.tsv titles found in corpus.tsv: {string.Join(" | ", leaked)}");
        }
    }

    private static string Report(
        ModelManifest manifest, List<TopicModelInput> corpus, Metrics split, Metrics heldout, Metrics? samples,
        TopicClassifier classifier, List<TopicModelInput> heldoutRows, List<(string File, int Position, TopicModelInput Row)> sampleRows)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# Topic model evaluation");
        sb.AppendLine();
        sb.AppendLine("Generated by `dotnet run --project ml/MedInsure.Training -- train`; do not edit by hand.");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Model: `{manifest.Version}` (trainer {manifest.Trainer}, trained {manifest.TrainedOn})");
        sb.AppendLine(inv, $"- Corpus: {corpus.Count} rows from ml/data/topics/corpus.tsv; features: character 1-3-grams of title (weighted ×2) and of the first {TopicModelInput.MaxBodyChars} body characters");
        sb.AppendLine(inv, $"- Low-confidence threshold: {manifest.LowConfidenceThreshold:0.00}");
        sb.AppendLine(inv, $"- Serving engine: {classifier.Engine} ({(classifier.Engine == TopicEngine.Fast ? $"linear scorer exported into the zip entry `{TopicScorer.ZipEntryName}`, checked against ML.NET on every corpus, heldout and sample row when saved" : "ML.NET prediction engine")}); figures below come from it");
        sb.AppendLine();
        sb.AppendLine("## Trainer selection (5-fold cross-validation on the 80% training split)");
        sb.AppendLine();
        sb.AppendLine("Rule: highest macro-F1; candidates within 0.005 of it are ranked by log-loss (calibrated scores drive LowConfidence).");
        sb.AppendLine();
        sb.AppendLine("| trainer | CV macro-F1 | CV accuracy | CV log-loss |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var s in manifest.CrossValidation)
        {
            sb.AppendLine(inv, $"| {s.Trainer}{(s.Trainer == manifest.Trainer ? " (chosen)" : "")} | {s.MacroF1:0.0000} | {s.Accuracy:0.0000} | {s.LogLoss:0.0000} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Held-out 20% of the corpus (deterministic stratified split; model fitted on the other 80%)");
        sb.AppendLine();
        sb.AppendLine(split.ToMarkdown());
        sb.AppendLine("## heldout.tsv (hand-written articles, never trained on; shipped model)");
        sb.AppendLine();
        sb.AppendLine("This is the figure that matters: the split above shares templates with training, this set does not.");
        sb.AppendLine();
        sb.AppendLine(heldout.ToMarkdown());
        if (samples is not null)
        {
            sb.AppendLine(inv, $"## Shared sample dumps ({sampleRows.Count} labelled items from ml/data/topics/sample-labels.tsv; shipped model)");
            sb.AppendLine();
            sb.AppendLine("Classes with no items here are left out of the macro average.");
            sb.AppendLine();
            sb.AppendLine(samples.ToMarkdown());
            var predicted = classifier.PredictBatch(sampleRows.Select(s => (s.Row.Title, (string?)s.Row.Body)).ToList());
            var misses = sampleRows.Select((s, i) => (s, p: predicted[i])).Where(x => x.p.Topic != x.s.Row.Topic).ToList();
            if (misses.Count > 0)
            {
                sb.AppendLine("Misclassified items (file, position, gold → predicted, score):");
                sb.AppendLine();
                foreach (var (s, p) in misses)
                {
                    sb.AppendLine(inv, $"- {s.File} #{s.Position}: {s.Row.Topic} → {p.Topic} ({p.Score:0.00})");
                }

                sb.AppendLine();
            }
        }

        sb.AppendLine("## Low-confidence threshold calibration (heldout.tsv, shipped model)");
        sb.AppendLine();
        sb.AppendLine("| threshold | share flagged low | accuracy when not flagged | accuracy when flagged |");
        sb.AppendLine("|---:|---:|---:|---:|");
        var heldoutPredictions = classifier.PredictBatch(heldoutRows.Select(r => (r.Title, (string?)r.Body)).ToList());
        foreach (var t in new[] { 0.3f, 0.4f, 0.5f, 0.6f, 0.7f })
        {
            var pairs = heldoutRows.Select((r, i) => (Correct: r.Topic == heldoutPredictions[i].Topic, Low: heldoutPredictions[i].Score < t)).ToList();
            var high = pairs.Where(p => !p.Low).ToList();
            var low = pairs.Where(p => p.Low).ToList();
            sb.AppendLine(inv, $"| {t:0.0} | {low.Count / (double)pairs.Count:P1} | {(high.Count == 0 ? 0 : high.Count(p => p.Correct) / (double)high.Count):P1} | {(low.Count == 0 ? 0 : low.Count(p => p.Correct) / (double)low.Count):P1} |");
        }

        return sb.ToString();
    }
}
