using Microsoft.ML.Data;

// Root namespace on purpose: a MedInsure.Tagging.Topics namespace would clash with the Topics taxonomy class.
namespace MedInsure.Tagging;

/// <summary>One row of the topic model: the training TSV layout (topic, title, body) and the prediction input.</summary>
public sealed class TopicModelInput
{
    /// <summary>Bodies are cut to this many characters: titles carry the topic, and long bodies drift into neighbouring topics.</summary>
    public const int MaxBodyChars = 200;

    [LoadColumn(0)]
    public string Topic { get; set; } = "";

    [LoadColumn(1)]
    public string Title { get; set; } = "";

    [LoadColumn(2)]
    public string Body { get; set; } = "";

    /// <summary>Builds the input exactly as training saw it (same trimming and body cut), so train and serve cannot drift.</summary>
    public static TopicModelInput Create(string? title, string? body, string topic = "") =>
        new() { Topic = topic, Title = Clean(title, int.MaxValue), Body = Clean(body, MaxBodyChars) };

    /// <summary>Collapses whitespace (tabs and newlines would break the TSV) and cuts to <paramref name="max"/> characters.</summary>
    public static string Clean(string? text, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= max ? collapsed : collapsed[..max];
    }
}

/// <summary>The model's output: predicted code and one score per class (slot names carry the codes).</summary>
public sealed class TopicModelOutput
{
    [ColumnName("PredictedLabel")]
    public string PredictedLabel { get; set; } = "";

    public float[] Score { get; set; } = [];
}
