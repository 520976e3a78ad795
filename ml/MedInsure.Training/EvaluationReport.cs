namespace MedInsure.Training;

/// <summary>The issue #4 section of EVALUATION.md: written by compare-fasttext, carried over when train rewrites the file.</summary>
internal static class EvaluationReport
{
    public const string Begin = "<!-- fasttext-comparison:begin (written by compare-fasttext) -->";
    public const string End = "<!-- fasttext-comparison:end -->";

    /// <summary>Replaces (or appends) the comparison section with <paramref name="comparisonMarkdown"/>, headings demoted one level.</summary>
    public static void UpdateComparisonSection(string evaluationPath, string comparisonMarkdown)
    {
        var body = comparisonMarkdown.Replace("\n# ", "\n## ", StringComparison.Ordinal);
        body = body.StartsWith("# ", StringComparison.Ordinal) ? "#" + body : body;
        var section = $"{Begin}\n{body.TrimEnd()}\n\nFull report: `ml/models/FASTTEXT-COMPARISON.md`.\n{End}\n";
        var text = File.Exists(evaluationPath) ? File.ReadAllText(evaluationPath) : "";
        File.WriteAllText(evaluationPath, WithSection(text, section));
    }

    /// <summary>The comparison section of an existing EVALUATION.md, or "" when there is none.</summary>
    public static string ExistingSection(string evaluationPath)
    {
        if (!File.Exists(evaluationPath))
        {
            return "";
        }

        var text = File.ReadAllText(evaluationPath);
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        return start >= 0 && end > start ? text[start..(end + End.Length)] + "\n" : "";
    }

    private static string WithSection(string text, string section)
    {
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start >= 0 && end > start)
        {
            var after = end + End.Length;
            if (after < text.Length && text[after] == '\n')
            {
                after++;
            }

            return text[..start] + section + text[after..];
        }

        return text.TrimEnd() + "\n\n" + section;
    }
}
