using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using MedInsure.Tagging;

namespace MedInsure.Training;

internal sealed record CandidateScore(string Trainer, double MacroF1, double Accuracy, double LogLoss);

/// <summary>Builds and fits the topic pipeline. Every trainer runs single-threaded so results repeat bit for bit.</summary>
internal sealed class TopicTrainer
{
    public static readonly string[] Candidates = ["SdcaMaximumEntropy", "LbfgsMaximumEntropy", "OvaAveragedPerceptron", "OvaLinearSvm"];

    public const string TitleFeatures = "TitleFeatures";
    public const string BodyFeatures = "BodyFeatures";

    /// <summary>The columns concatenated into Features. The title is listed twice: it carries the topic, while bodies wander into neighbouring topics.</summary>
    public static readonly string[] FeatureBlocks = [TitleFeatures, TitleFeatures, BodyFeatures];

    private readonly MLContext _ml = new(seed: 1);

    public MLContext Context => _ml;

    public IDataView Load(IEnumerable<TopicModelInput> rows) => _ml.Data.LoadFromEnumerable(rows);

    public IEstimator<ITransformer> Pipeline(string trainer) =>
        _ml.Transforms.Conversion.MapValueToKey("Label", nameof(TopicModelInput.Topic))
            .Append(_ml.Transforms.Text.FeaturizeText(TitleFeatures, Featurizer([6000, 25000, 25000]), nameof(TopicModelInput.Title)))
            .Append(_ml.Transforms.Text.FeaturizeText(BodyFeatures, Featurizer([3000, 10000, 10000]), nameof(TopicModelInput.Body)))
            .Append(_ml.Transforms.Concatenate("Features", FeatureBlocks))
            .AppendCacheCheckpoint(_ml)
            .Append(Trainer(trainer))
            .Append(_ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    /// <summary>5-fold cross-validation macro-F1 (from the pooled per-class precision and recall of each fold).</summary>
    public CandidateScore CrossValidate(IDataView data, string trainer, int folds = 5)
    {
        var results = _ml.MulticlassClassification.CrossValidate(data, Pipeline(trainer), folds, "Label", seed: 1);
        var f1 = results.Select(r => MacroF1(r.Metrics.ConfusionMatrix)).Average();
        var accuracy = results.Select(r => r.Metrics.MicroAccuracy).Average();
        var logLoss = results.Select(r => r.Metrics.LogLoss).Average();
        return new CandidateScore(trainer, f1, accuracy, logLoss);
    }

    public ITransformer Fit(IDataView data, string trainer) => Pipeline(trainer).Fit(data);

    /// <summary>
    /// Saves the ML.NET model and embeds the exported <see cref="TopicScorer"/> (what serving uses), after checking on
    /// <paramref name="checkRows"/> that the scorer gives ML.NET's scores; a disagreement fails the save.
    /// </summary>
    public void Save(ITransformer model, IDataView data, string path, IEnumerable<(string Title, string? Body)> checkRows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _ml.Model.Save(model, data.Schema, path);
        // Exported from the saved file, i.e. exactly what ships, and checked against ML.NET scoring that same file.
        // A separate context: every ML.NET component registered on _ml draws from its seeded RNG, so exporting on _ml
        // would change the models fitted afterwards.
        var export = new MLContext(seed: 1);
        var saved = export.Model.Load(path, out var inputSchema);
        var scorer = TopicScorerExport.TryBuild(export, saved, data, out var whyNot);
        if (scorer is null)
        {
            Console.WriteLine($"note: no fast scorer for this model ({whyNot}); TopicClassifier will serve it with ML.NET");
            return;
        }

        var (max, rows) = TopicScorerExport.Verify(export, saved, inputSchema, scorer, checkRows);
        TopicScorerExport.Embed(path, scorer);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"fast scorer embedded in {Path.GetFileName(path)}: agrees with ML.NET on {rows} rows (max |Δscore| {max:E1})"));
    }

    public static TextFeaturizingEstimator.Options Featurizer(int[] maxCounts) => new()
    {
        // Chinese has no spaces: word tokens would be whole sentences, so only character 1-3-grams are used.
        WordFeatureExtractor = null,
        CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = 3, UseAllLengths = true, MaximumNgramsCount = maxCounts },
        CaseMode = TextNormalizingEstimator.CaseMode.Lower,
        // Amounts and years vary endlessly and carry no topic; punctuation is style, not content.
        KeepNumbers = false,
        KeepPunctuations = false,
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };

    private IEstimator<ITransformer> Trainer(string name) => name switch
    {
        "SdcaMaximumEntropy" => _ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
            new SdcaMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1 }),
        "LbfgsMaximumEntropy" => _ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
            new LbfgsMaximumEntropyMulticlassTrainer.Options { NumberOfThreads = 1 }),
        "OvaAveragedPerceptron" => _ml.MulticlassClassification.Trainers.OneVersusAll(
            _ml.BinaryClassification.Trainers.AveragedPerceptron(numberOfIterations: 10)),
        "OvaLinearSvm" => _ml.MulticlassClassification.Trainers.OneVersusAll(
            _ml.BinaryClassification.Trainers.LinearSvm(numberOfIterations: 10)),
        _ => throw new ArgumentException($"Unknown trainer '{name}'. Known: {string.Join(", ", Candidates)}.", nameof(name)),
    };

    private static double MacroF1(ConfusionMatrix matrix)
    {
        var f1 = matrix.PerClassPrecision.Zip(matrix.PerClassRecall, (p, r) => p + r == 0 ? 0 : 2 * p * r / (p + r));
        return f1.Average();
    }
}
