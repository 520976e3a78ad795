using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;
using MedInsure.Tagging;

namespace MedInsure.Training;

/// <summary>
/// Turns a fitted topic pipeline into a <see cref="TopicScorer"/>, checks it against ML.NET row by row and embeds it
/// in the model zip. Everything is read from ML.NET itself (normaliser behaviour per code unit, character key names,
/// n-gram slot names, weights, calibrators), so the scorer follows the model rather than a re-implementation of it.
/// </summary>
internal static class TopicScorerExport
{
    /// <summary>
    /// Largest |ML.NET score − scorer score| accepted. Typical rows differ by ~1e-7; ML.NET sums squared counts in
    /// float, so a 5,000-character run of one character drifts to ~3e-5.
    /// </summary>
    public const float Tolerance = 1e-4f;

    private const string TextColumn = "Text";
    private const string OutColumn = "Out";

    /// <summary>Builds the scorer, or explains why this model has none (the classifier then serves with ML.NET).</summary>
    public static TopicScorer? TryBuild(MLContext ml, ITransformer model, IDataView schemaSource, out string? whyNot)
    {
        whyNot = null;
        var predictor = Flatten(model).OfType<MulticlassPredictionTransformer<OneVersusAllModelParameters>>().SingleOrDefault();
        if (predictor is null)
        {
            whyNot = "the trainer is not one-versus-all";
            return null;
        }

        // OneVersusAllModelParameters keeps its binary models in an internal property (ML.NET 5.0.1); the verification
        // below catches any change in how it is stored or combined.
        var property = typeof(OneVersusAllModelParameters).GetProperty("SubModelParameters", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (property?.GetValue(predictor.Model) is not ImmutableArray<object> subModels)
        {
            whyNot = "OneVersusAllModelParameters.SubModelParameters is not readable in this ML.NET version";
            return null;
        }

        var binaries = subModels.OfType<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>().ToList();
        if (binaries.Count != subModels.Length)
        {
            whyNot = $"one-versus-all sub-models are {subModels.FirstOrDefault()?.GetType().Name}, not Platt-calibrated linear models";
            return null;
        }

        var output = model.Transform(ml.Data.TakeRows(schemaSource, 1)).Schema;
        var labels = SlotNames(output["Score"]);
        var title = SlotNames(output[TopicTrainer.TitleFeatures]);
        var body = SlotNames(output[TopicTrainer.BodyFeatures]);
        var features = SlotNames(output["Features"]);

        // Fold the feature blocks (the title appears twice) into one weight row per field n-gram.
        var blocks = TopicTrainer.FeatureBlocks;
        var classes = labels.Length;
        var titleWeights = new float[title.Length * classes];
        var bodyWeights = new float[body.Length * classes];
        var bias = new float[classes];
        var slope = new double[classes];
        var offset = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            var weights = binaries[c].SubModel.Weights;
            if (weights.Count != features.Length)
            {
                throw new InvalidOperationException($"class {labels[c]}: {weights.Count} weights for {features.Length} features");
            }

            var start = 0;
            foreach (var block in blocks)
            {
                var (names, target) = block == TopicTrainer.TitleFeatures ? (title, titleWeights) : (body, bodyWeights);
                for (var j = 0; j < names.Length; j++)
                {
                    if (c == 0 && features[start + j] != $"{block}.{names[j]}")
                    {
                        throw new InvalidOperationException($"feature {start + j} is '{features[start + j]}', expected '{block}.{names[j]}'");
                    }

                    target[j * classes + c] += weights[start + j];
                }

                start += names.Length;
            }

            if (start != features.Length)
            {
                throw new InvalidOperationException($"feature blocks cover {start} of {features.Length} features");
            }

            bias[c] = binaries[c].SubModel.Bias;
            slope[c] = binaries[c].Calibrator.Slope;
            offset[c] = binaries[c].Calibrator.Offset;
        }

        var chars = CharacterNames(ml);
        var (map, dropped) = Normalisation(ml, TopicTrainer.Featurizer([1, 1, 1]));
        return new TopicScorer(labels, bias, slope, offset, map, dropped,
            title.Select(n => ParseNgram(n, chars)).ToList(), titleWeights,
            body.Select(n => ParseNgram(n, chars)).ToList(), bodyWeights);
    }

    /// <summary>
    /// Scores every row with ML.NET and with the scorer; throws unless every score agrees within
    /// <see cref="Tolerance"/> and every top label is the same.
    /// </summary>
    public static (float MaxDifference, int Rows) Verify(MLContext ml, ITransformer model, DataViewSchema inputSchema, TopicScorer scorer, IEnumerable<(string Title, string? Body)> rows)
    {
        var engine = ml.Model.CreatePredictionEngine<TopicModelInput, TopicModelOutput>(model, inputSchema);
        var output = new TopicModelOutput();
        var fast = new float[scorer.Labels.Count];
        var max = 0f;
        var count = 0;
        foreach (var (title, body) in rows)
        {
            engine.Predict(TopicModelInput.Create(title, body), ref output);
            scorer.Score(title, body, fast);
            for (var c = 0; c < fast.Length; c++)
            {
                max = Math.Max(max, Math.Abs(fast[c] - output.Score[c]));
            }

            var reference = Array.IndexOf(output.Score, output.Score.Max());
            var ours = Array.IndexOf(fast, fast.Max());
            if (max > Tolerance || ours != reference)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"exported scorer disagrees with ML.NET on {Show(title)} (max |Δscore| {max:E2}, top {scorer.Labels[ours]} vs {scorer.Labels[reference]})"));
            }

            count++;
        }

        return (max, count);
    }

    /// <summary>Adds (or replaces) the scorer entry in an ML.NET model zip.</summary>
    public static void Embed(string zipPath, TopicScorer scorer)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry(TopicScorer.ZipEntryName)?.Delete();
        var entry = zip.CreateEntry(TopicScorer.ZipEntryName, CompressionLevel.SmallestSize);
        using var stream = entry.Open();
        scorer.WriteTo(stream);
    }

    /// <summary>A fitted chain is TransformerChain&lt;last type&gt;, a loaded one TransformerChain&lt;ITransformer&gt;; both enumerate.</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];

    private static string Show(string title) =>
        System.Text.Json.JsonSerializer.Serialize(title.Length <= 40 ? title : title[..40] + "…");

    private static string[] SlotNames(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    /// <summary>ML.NET's display name of every UTF-16 code unit as a character key ("<␂>" for STX, "a" for a, …).</summary>
    private static Dictionary<string, char> CharacterNames(MLContext ml)
    {
        var view = ml.Data.LoadFromEnumerable([new TextRow { Text = "a" }]);
        var schema = ml.Transforms.Text.TokenizeIntoCharactersAsKeys(OutColumn, TextColumn).Fit(view).GetOutputSchema(view.Schema);
        VBuffer<ReadOnlyMemory<char>> keys = default;
        schema[OutColumn].GetKeyValues(ref keys);
        var names = new Dictionary<string, char>(StringComparer.Ordinal);
        var ambiguous = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var name in keys.DenseValues())
        {
            // Key k (1-based) is code unit k; code unit 0 is ML.NET's missing key and has no name.
            var text = name.ToString();
            if (!names.TryAdd(text, (char)(i + 1)))
            {
                ambiguous.Add(text);
            }

            i++;
        }

        // Names shared by several code units (unpaired surrogates) cannot be mapped back; n-grams using them fail to parse.
        foreach (var text in ambiguous)
        {
            names.Remove(text);
        }

        return names;
    }

    /// <summary>Splits an n-gram slot name ("a|b|c", names from <paramref name="chars"/>) back into code units; must parse one way only.</summary>
    private static string ParseNgram(string slotName, Dictionary<string, char> chars)
    {
        var parses = new List<string>();
        void Walk(int from, string prefix)
        {
            if (prefix.Length == 3)
            {
                return;
            }

            for (var end = from + 1; end <= slotName.Length; end++)
            {
                if (end < slotName.Length && slotName[end] != '|')
                {
                    continue;
                }

                if (!chars.TryGetValue(slotName[from..end], out var c))
                {
                    continue;
                }

                if (end == slotName.Length)
                {
                    parses.Add(prefix + c);
                }
                else
                {
                    Walk(end + 1, prefix + c);
                }
            }
        }

        Walk(0, "");
        return parses.Count == 1
            ? parses[0]
            : throw new InvalidOperationException($"n-gram slot name '{slotName}' parses {parses.Count} ways");
    }

    /// <summary>Runs ML.NET's text normaliser, configured as in the pipeline, on every code unit alone.</summary>
    private static (Dictionary<char, char> Map, List<char> Dropped) Normalisation(MLContext ml, TextFeaturizingEstimator.Options options)
    {
        var all = Enumerable.Range(0, char.MaxValue + 1).Select(c => new TextRow { Text = ((char)c).ToString() }).ToList();
        var view = ml.Data.LoadFromEnumerable(all);
        var normalised = ml.Transforms.Text.NormalizeText(OutColumn, TextColumn, options.CaseMode, options.KeepDiacritics, options.KeepPunctuations, options.KeepNumbers)
            .Fit(view).Transform(view);
        var map = new Dictionary<char, char>();
        var dropped = new List<char>();
        var c = 0;
        foreach (var text in normalised.GetColumn<ReadOnlyMemory<char>>(OutColumn))
        {
            var span = text.Span;
            switch (span.Length)
            {
                case 0:
                    dropped.Add((char)c);
                    break;
                case 1 when span[0] != (char)c:
                    map[(char)c] = span[0];
                    break;
                case 1:
                    break;
                default:
                    throw new InvalidOperationException($"normaliser turned U+{c:X4} into {span.Length} characters");
            }

            c++;
        }

        return (map, dropped);
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
