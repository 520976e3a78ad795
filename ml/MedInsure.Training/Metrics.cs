using System.Globalization;
using System.Text;
using MedInsure.Tagging;

namespace MedInsure.Training;

/// <summary>Per-class precision/recall/F1, macro-F1 and a confusion matrix, computed the same way for every model.</summary>
internal sealed record ClassReport(string Topic, int Support, double Precision, double Recall, double F1);

internal sealed class Metrics
{
    private readonly string[] _codes = Topics.All.Select(t => t.Code).ToArray();
    private readonly int[,] _confusion;

    public Metrics(IReadOnlyList<string> gold, IReadOnlyList<string> predicted)
    {
        _confusion = new int[_codes.Length, _codes.Length];
        for (var i = 0; i < gold.Count; i++)
        {
            _confusion[Array.IndexOf(_codes, gold[i]), Array.IndexOf(_codes, predicted[i])]++;
        }

        Count = gold.Count;
        Accuracy = gold.Count == 0 ? 0 : gold.Where((g, i) => g == predicted[i]).Count() / (double)gold.Count;
        Classes = _codes.Select((code, c) =>
        {
            var tp = _confusion[c, c];
            var support = Enumerable.Range(0, _codes.Length).Sum(j => _confusion[c, j]);
            var predictedCount = Enumerable.Range(0, _codes.Length).Sum(j => _confusion[j, c]);
            var precision = predictedCount == 0 ? 0 : tp / (double)predictedCount;
            var recall = support == 0 ? 0 : tp / (double)support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new ClassReport(code, support, precision, recall, f1);
        }).ToList();
        // Classes absent from a set (e.g. no `other` in the sample dumps) are left out of the macro average.
        MacroF1 = Classes.Where(c => c.Support > 0).Select(c => c.F1).DefaultIfEmpty(0).Average();
    }

    public int Count { get; }
    public double Accuracy { get; }
    public double MacroF1 { get; }
    public IReadOnlyList<ClassReport> Classes { get; }

    public string ToMarkdown(bool withConfusion = true)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Rows: {Count} · accuracy {Accuracy:0.0000} · **macro-F1 {MacroF1:0.0000}**");
        sb.AppendLine();
        sb.AppendLine("| topic | support | precision | recall | F1 |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in Classes)
        {
            sb.AppendLine(inv, $"| {c.Topic} | {c.Support} | {c.Precision:0.000} | {c.Recall:0.000} | {c.F1:0.000} |");
        }

        if (withConfusion)
        {
            sb.AppendLine();
            sb.AppendLine("Confusion matrix (rows = gold, columns = predicted):");
            sb.AppendLine();
            sb.AppendLine("| gold \\ pred | " + string.Join(" | ", _codes.Select(Short)) + " |");
            sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", _codes.Length)));
            for (var r = 0; r < _codes.Length; r++)
            {
                var row = Enumerable.Range(0, _codes.Length).Select(c => _confusion[r, c] == 0 ? "·" : _confusion[r, c].ToString(inv));
                sb.AppendLine(inv, $"| {_codes[r]} | {string.Join(" | ", row)} |");
            }
        }

        return sb.ToString();
    }

    private static string Short(string code) => code.Length <= 6 ? code : code[..6];
}
