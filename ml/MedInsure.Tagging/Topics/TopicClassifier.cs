using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

// Root namespace on purpose: a MedInsure.Tagging.Topics namespace would clash with the Topics taxonomy class.
namespace MedInsure.Tagging;

/// <summary>Which implementation scores articles; both compute the same function of the same model file.</summary>
public enum TopicEngine
{
    /// <summary>The exported linear scorer (<see cref="TopicScorer"/>) embedded in the model zip; ML.NET is not loaded.</summary>
    Fast,

    /// <summary>The ML.NET pipeline itself, through pooled prediction engines: the reference implementation.</summary>
    MlNet,
}

/// <summary>
/// Topic classifier over the ML.NET model zip. The model loads once and the instance is thread-safe. By default it
/// scores with the <see cref="TopicScorer"/> that training embeds in the zip (same scores as ML.NET, verified when the
/// model is saved, several times faster); <see cref="TopicEngine.MlNet"/>, or a zip without the scorer entry, uses
/// ML.NET prediction engines borrowed from a small pool (an engine is not thread-safe, the transformer behind it is).
/// </summary>
public sealed class TopicClassifier : ITopicClassifier
{
    /// <summary>Semantic part of <see cref="ModelVersion"/>; bump when the schema or the taxonomy changes.</summary>
    public const string ModelSchemaVersion = "topic-1.0.0";

    /// <summary>
    /// Below this top-class probability the prediction is flagged. Calibrated on ml/data/topics/heldout.tsv
    /// (see ml/models/EVALUATION.md): above it accuracy is high, below it about half the predictions are wrong.
    /// </summary>
    public const float DefaultLowConfidenceThreshold = 0.5f;

    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "models", "topic-model.zip");

    private readonly TopicScorer? _scorer;
    private readonly MLContext? _ml;
    private readonly ITransformer? _model;
    private readonly DataViewSchema? _inputSchema;
    private readonly string[] _labels;
    private readonly ConcurrentBag<PredictionEngine<TopicModelInput, TopicModelOutput>> _pool = [];
    private readonly float _threshold;

    public TopicClassifier(Stream model, float lowConfidenceThreshold = DefaultLowConfidenceThreshold, TopicEngine engine = TopicEngine.Fast)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var buffer = new MemoryStream();
        model.CopyTo(buffer);
        var bytes = buffer.ToArray();
        // The version is derived from the bytes (ML.NET model and embedded scorer alike), so an article always
        // records exactly which file tagged it.
        ModelVersion = $"{ModelSchemaVersion}+{Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]}";
        _threshold = lowConfidenceThreshold;

        _scorer = engine == TopicEngine.Fast ? ReadScorer(bytes) : null;
        if (_scorer is not null)
        {
            Engine = TopicEngine.Fast;
            _labels = CheckLabels([.. _scorer.Labels]);
            return;
        }

        Engine = TopicEngine.MlNet;
        _ml = new MLContext(seed: 1);
        using (var zip = new MemoryStream(bytes, writable: false))
        {
            _model = _ml.Model.Load(zip, out _inputSchema);
        }

        var first = _ml.Model.CreatePredictionEngine<TopicModelInput, TopicModelOutput>(_model, _inputSchema);
        _labels = ReadLabels(first);
        _pool.Add(first);
    }

    public static TopicClassifier Load(string path, TopicEngine engine = TopicEngine.Fast)
    {
        using var file = File.OpenRead(path);
        return new TopicClassifier(file, DefaultLowConfidenceThreshold, engine);
    }

    /// <summary>Loads the model shipped next to the assembly (content item models/topic-model.zip).</summary>
    public static TopicClassifier LoadDefault() => Load(DefaultModelPath);

    public string ModelVersion { get; }

    /// <summary>The implementation in use: <see cref="TopicEngine.Fast"/> unless ML.NET was asked for or the zip has no scorer.</summary>
    public TopicEngine Engine { get; }

    /// <summary>Topic codes in score-slot order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    public TopicPrediction Predict(string title, string? body)
    {
        if (_scorer is not null)
        {
            Span<float> scores = stackalloc float[_labels.Length];
            var evidence = _scorer.Score(title, body, scores);
            return ToPrediction(scores, evidence);
        }

        var engine = Rent();
        try
        {
            var input = TopicModelInput.Create(title, body);
            return ToPrediction(engine.Predict(input).Score, HasEvidence(input));
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    /// <summary>Predicts many articles; on ML.NET with one borrowed engine (saves the pool round-trip per row).</summary>
    public IReadOnlyList<TopicPrediction> PredictBatch(IReadOnlyList<(string Title, string? Body)> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var results = new TopicPrediction[articles.Count];
        if (_scorer is not null)
        {
            Span<float> scores = stackalloc float[_labels.Length];
            for (var i = 0; i < articles.Count; i++)
            {
                var evidence = _scorer.Score(articles[i].Title, articles[i].Body, scores);
                results[i] = ToPrediction(scores, evidence);
            }

            return results;
        }

        var engine = Rent();
        try
        {
            var output = new TopicModelOutput();
            for (var i = 0; i < articles.Count; i++)
            {
                var input = TopicModelInput.Create(articles[i].Title, articles[i].Body);
                engine.Predict(input, ref output);
                results[i] = ToPrediction(output.Score, HasEvidence(input));
            }
        }
        finally
        {
            _pool.Add(engine);
        }

        return results;
    }

    /// <summary>
    /// The per-class probabilities (ML.NET's `Score` column, in <see cref="Labels"/> order) before the evidence rule
    /// and rescaling of <see cref="Predict"/>; used to check that both engines agree.
    /// </summary>
    public float[] Scores(string title, string? body)
    {
        var scores = new float[_labels.Length];
        if (_scorer is not null)
        {
            _scorer.Score(title, body, scores);
            return scores;
        }

        var engine = Rent();
        try
        {
            engine.Predict(TopicModelInput.Create(title, body)).Score.CopyTo(scores, 0);
            return scores;
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    private static TopicScorer? ReadScorer(byte[] zipBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes, writable: false), ZipArchiveMode.Read);
        var entry = zip.GetEntry(TopicScorer.ZipEntryName);
        if (entry is null)
        {
            return null;
        }

        using var stream = entry.Open();
        using var buffered = new BufferedStream(stream, 1 << 16);
        return TopicScorer.ReadFrom(buffered);
    }

    private PredictionEngine<TopicModelInput, TopicModelOutput> Rent() =>
        _pool.TryTake(out var engine) ? engine : _ml!.Model.CreatePredictionEngine<TopicModelInput, TopicModelOutput>(_model!, _inputSchema);

    /// <summary>
    /// The model only knows Chinese character n-grams. Text without a single CJK ideograph leaves just the start/end
    /// markers as features, and the calibrated one-versus-all scores then turn that into a confident `other`.
    /// </summary>
    private static bool HasEvidence(TopicModelInput input) =>
        input.Title.Any(TopicScorer.IsCjk) || input.Body.Any(TopicScorer.IsCjk);

    private TopicPrediction ToPrediction(Span<float> scores, bool hasEvidence)
    {
        if (!hasEvidence)
        {
            // No evidence: say so with a uniform score rather than trust the bias terms.
            return new TopicPrediction("other", 1f / _labels.Length, true);
        }

        NormalizeInPlace(scores);
        var probabilities = scores;
        var best = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        var score = probabilities[best];
        return new TopicPrediction(_labels[best], score, score < _threshold);
    }

    /// <summary>Maximum-entropy trainers give probabilities; one-versus-all margins do not, so those are softmax-normalised.</summary>
    internal static float[] Normalize(float[] scores)
    {
        var result = (float[])scores.Clone();
        NormalizeInPlace(result);
        return result;
    }

    private static void NormalizeInPlace(Span<float> scores)
    {
        var isDistribution = true;
        double sum = 0; // as Enumerable.Sum did: a double accumulator, used as float
        var max = float.NegativeInfinity;
        foreach (var s in scores)
        {
            isDistribution &= s is >= 0f and <= 1f && !float.IsNaN(s);
            sum += s;
            max = Math.Max(max, s);
        }

        if (isDistribution)
        {
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] = sum > 0 ? scores[i] / (float)sum : 1f / scores.Length;
            }

            return;
        }

        double total = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            total += Math.Exp(scores[i] - max);
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)(Math.Exp(scores[i] - max) / total);
        }
    }

    private static string[] ReadLabels(PredictionEngine<TopicModelInput, TopicModelOutput> engine)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        engine.OutputSchema["Score"].GetSlotNames(ref names);
        return CheckLabels(names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    private static string[] CheckLabels(string[] labels)
    {
        var unknown = labels.Where(l => !Topics.Codes.Contains(l)).ToArray();
        if (labels.Length == 0 || unknown.Length > 0)
        {
            throw new InvalidDataException($"Topic model labels are not taxonomy codes: [{string.Join(", ", unknown)}].");
        }

        return labels;
    }
}
