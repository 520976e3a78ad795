using System.Globalization;
using System.Text;

// Not ...Tests.Topics: that namespace would hide the Topics taxonomy class.
namespace MedInsure.Tagging.Tests;

/// <summary>Issue #4 quality bar, measured on hand-written articles the model never trained on.</summary>
public sealed class TopicQualityTests(TopicClassifierFixture fixture) : IClassFixture<TopicClassifierFixture>
{
    private const double MinimumMacroF1 = 0.90;

    [Fact]
    public void HeldoutMacroF1IsAtLeastNinetyPercent()
    {
        var rows = TopicClassifierTests.HeldoutRows();
        var predicted = fixture.Classifier.PredictBatch(rows.Select(r => (r.Title, r.Body)).ToList());

        var report = new StringBuilder();
        var f1s = new List<double>();
        foreach (var code in Topics.All.Select(t => t.Code))
        {
            var tp = rows.Where((r, i) => r.Topic == code && predicted[i].Topic == code).Count();
            var gold = rows.Count(r => r.Topic == code);
            var guessed = predicted.Count(p => p.Topic == code);
            var precision = guessed == 0 ? 0 : tp / (double)guessed;
            var recall = gold == 0 ? 0 : tp / (double)gold;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1s.Add(f1);
            report.AppendLine(CultureInfo.InvariantCulture, $"{code,-15} P {precision:0.000} R {recall:0.000} F1 {f1:0.000} (n={gold})");
        }

        var macro = f1s.Average();
        Assert.True(rows.Count >= 280, $"heldout.tsv has only {rows.Count} rows");
        Assert.True(macro >= MinimumMacroF1, $"macro-F1 {macro:0.0000} < {MinimumMacroF1}\n{report}");
    }
}
