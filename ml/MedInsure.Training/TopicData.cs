using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MedInsure.Tagging;

namespace MedInsure.Training;

/// <summary>Where everything lives, resolved from the repository root (the folder holding MedInsure.Functions.sln).</summary>
internal sealed record TrainingPaths(string Root)
{
    public string Corpus => Path.Combine(Root, "ml", "data", "topics", "corpus.tsv");
    public string Heldout => Path.Combine(Root, "ml", "data", "topics", "heldout.tsv");
    public string SampleLabels => Path.Combine(Root, "ml", "data", "topics", "sample-labels.tsv");
    public string SamplesDir => Path.GetFullPath(Path.Combine(Root, "..", "shared", "samples"));
    public string ModelZip => Path.Combine(Root, "ml", "models", "topic-model.zip");
    public string Manifest => Path.Combine(Root, "ml", "models", "topic-model.json");
    public string Evaluation => Path.Combine(Root, "ml", "models", "EVALUATION.md");
    public string Comparison => Path.Combine(Root, "ml", "models", "FASTTEXT-COMPARISON.md");

    public static TrainingPaths Find()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedInsure.Functions.sln")))
            {
                return new TrainingPaths(dir.FullName);
            }
        }

        throw new DirectoryNotFoundException("Run from inside the repository: MedInsure.Functions.sln not found above the current directory.");
    }
}

internal static partial class TopicData
{
    /// <summary>Reads topic&lt;TAB&gt;title&lt;TAB&gt;body rows (header optional) and rejects unknown codes early.</summary>
    public static List<TopicModelInput> ReadTsv(string path)
    {
        var rows = new List<TopicModelInput>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNo++;
            if (line.Length == 0 || line.StartsWith("topic\t", StringComparison.Ordinal) || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length < 2 || !Topics.Codes.Contains(parts[0]))
            {
                throw new InvalidDataException($"{path}:{lineNo}: expected a topic code and a title, got '{line}'.");
            }

            rows.Add(TopicModelInput.Create(parts[1], parts.Length > 2 ? parts[2] : null, parts[0]));
        }

        return rows;
    }

    /// <summary>Deterministic stratified split: within each class, rows whose title hash falls in the last fifth go to test.</summary>
    public static (List<TopicModelInput> Train, List<TopicModelInput> Test) Split(IReadOnlyList<TopicModelInput> rows, int testPercent = 20)
    {
        var train = new List<TopicModelInput>();
        var test = new List<TopicModelInput>();
        foreach (var group in rows.GroupBy(r => r.Topic, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(r => StableHash(r.Title)).ThenBy(r => r.Title, StringComparer.Ordinal).ToList();
            var testCount = (int)Math.Round(ordered.Count * testPercent / 100.0);
            test.AddRange(ordered.Take(testCount));
            train.AddRange(ordered.Skip(testCount));
        }

        return (train, test);
    }

    private static ulong StableHash(string text) =>
        BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    /// <summary>
    /// Labelled items from the shared sample dumps, read with a deliberately simple scan (the real parser is another
    /// team's work in progress): position 0 = first non-empty line; after 相关推荐, each 健康新闻 date line closes an item
    /// whose title is the non-empty line two above it and whose snippet is the line just above.
    /// </summary>
    public static List<(string File, int Position, TopicModelInput Row)> ReadSamples(string samplesDir, string labelsPath)
    {
        var result = new List<(string, int, TopicModelInput)>();
        if (!Directory.Exists(samplesDir) || !File.Exists(labelsPath))
        {
            return result;
        }

        var items = new Dictionary<(string, int), (string Title, string Body)>();
        foreach (var file in Directory.EnumerateFiles(samplesDir, "*.txt").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var lines = File.ReadAllLines(file, Encoding.UTF8).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0)
            {
                continue;
            }

            items[(name, 0)] = (lines[0], lines.Count > 1 ? lines[1] : "");
            var related = lines.FindIndex(l => l.StartsWith("相关推荐", StringComparison.Ordinal));
            var position = 0;
            for (var i = Math.Max(related, 0) + 1; related >= 0 && i < lines.Count; i++)
            {
                if (NewsDateLine().IsMatch(lines[i]) && i >= 2)
                {
                    items[(name, ++position)] = (lines[i - 2], lines[i - 1]);
                }
            }
        }

        foreach (var line in File.ReadLines(labelsPath, Encoding.UTF8).Skip(1))
        {
            var parts = line.Split('\t');
            if (parts.Length < 3 || !int.TryParse(parts[1], out var position))
            {
                continue;
            }

            if (items.TryGetValue((parts[0], position), out var item))
            {
                result.Add((parts[0], position, TopicModelInput.Create(item.Title, item.Body, parts[2])));
            }
        }

        return result;
    }

    [GeneratedRegex(@"^健康新闻\s+\d{4}-\d{2}-\d{2}")]
    private static partial Regex NewsDateLine();
}
