using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;

// Root namespace on purpose: a MedInsure.Tagging.Topics namespace would clash with the Topics taxonomy class.
namespace MedInsure.Tagging;

/// <summary>
/// ML.NET topic classifier. The model loads once; predictions borrow a <see cref="PredictionEngine{TSrc,TDst}"/> from a
/// small pool because an engine is not thread-safe, while the transformer behind it is.
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

    private readonly MLContext _ml = new(seed: 1);
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly string[] _labels;
    private readonly ConcurrentBag<PredictionEngine<TopicModelInput, TopicModelOutput>> _pool = [];
    private readonly float _threshold;

    public TopicClassifier(Stream model, float lowConfidenceThreshold = DefaultLowConfidenceThreshold)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var buffer = new MemoryStream();
        model.CopyTo(buffer);
        var bytes = buffer.ToArray();
        // The version is derived from the bytes, so an article always records exactly which file tagged it.
        ModelVersion = $"{ModelSchemaVersion}+{Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]}";
        using (var zip = new MemoryStream(bytes, writable: false))
        {
            _model = _ml.Model.Load(zip, out _inputSchema);
        }

        _threshold = lowConfidenceThreshold;
        var engine = _ml.Model.CreatePredictionEngine<TopicModelInput, TopicModelOutput>(_model, _inputSchema);
        _labels = ReadLabels(engine);
        _pool.Add(engine);
    }

    public static TopicClassifier Load(string path)
    {
        using var file = File.OpenRead(path);
        return new TopicClassifier(file);
    }

    /// <summary>Loads the model shipped next to the assembly (content item models/topic-model.zip).</summary>
    public static TopicClassifier LoadDefault() => Load(DefaultModelPath);

    public string ModelVersion { get; }

    /// <summary>Topic codes in score-slot order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    public TopicPrediction Predict(string title, string? body)
    {
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

    /// <summary>Predicts many articles with one borrowed engine (saves the pool round-trip per row).</summary>
    public IReadOnlyList<TopicPrediction> PredictBatch(IReadOnlyList<(string Title, string? Body)> articles)
    {
        ArgumentNullException.ThrowIfNull(articles);
        var results = new TopicPrediction[articles.Count];
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

    private PredictionEngine<TopicModelInput, TopicModelOutput> Rent() =>
        _pool.TryTake(out var engine) ? engine : _ml.Model.CreatePredictionEngine<TopicModelInput, TopicModelOutput>(_model, _inputSchema);

    /// <summary>
    /// The model only knows Chinese character n-grams. Text without a single CJK ideograph leaves just the start/end
    /// markers as features, and the calibrated one-versus-all scores then turn that into a confident `other`.
    /// </summary>
    private static bool HasEvidence(TopicModelInput input) =>
        input.Title.Any(IsCjk) || input.Body.Any(IsCjk);

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    private TopicPrediction ToPrediction(float[] scores, bool hasEvidence)
    {
        if (!hasEvidence)
        {
            // No evidence: say so with a uniform score rather than trust the bias terms.
            return new TopicPrediction("other", 1f / _labels.Length, true);
        }

        var probabilities = Normalize(scores);
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
        var result = new float[scores.Length];
        var isDistribution = scores.All(s => s is >= 0f and <= 1f && !float.IsNaN(s));
        if (isDistribution)
        {
            var sum = scores.Sum();
            for (var i = 0; i < scores.Length; i++)
            {
                result[i] = sum > 0 ? scores[i] / sum : 1f / scores.Length;
            }

            return result;
        }

        var max = scores.Max();
        double total = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            total += Math.Exp(scores[i] - max);
        }

        for (var i = 0; i < scores.Length; i++)
        {
            result[i] = (float)(Math.Exp(scores[i] - max) / total);
        }

        return result;
    }

    private static string[] ReadLabels(PredictionEngine<TopicModelInput, TopicModelOutput> engine)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        engine.OutputSchema["Score"].GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        var unknown = labels.Where(l => !Topics.Codes.Contains(l)).ToArray();
        if (labels.Length == 0 || unknown.Length > 0)
        {
            throw new InvalidDataException($"Topic model labels are not taxonomy codes: [{string.Join(", ", unknown)}].");
        }

        return labels;
    }
}
