using JiebaNet.Segmenter;

namespace MedInsure.Tagging.Text;

/// <summary>
/// Chinese word segmentation backed by jieba.NET's dictionary, which ships beside the assembly
/// (<c>jieba/</c>) so it loads offline. One shared instance: the dictionary costs a second and
/// tens of megabytes to load, and cutting is thread-safe once loaded.
/// </summary>
public sealed class WordSegmenter
{
    private static readonly Lazy<WordSegmenter> SharedInstance = new(() => new WordSegmenter(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly JiebaSegmenter _segmenter;

    private WordSegmenter()
    {
        // jieba reads its resources from a process-wide directory; point it at the copy in our output.
        ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, "jieba");
        _segmenter = new JiebaSegmenter();
    }

    /// <summary>The process-wide segmenter.</summary>
    public static WordSegmenter Shared => SharedInstance.Value;

    /// <summary>Adds a word to the dictionary so it is never split (for example a place name).</summary>
    public void AddWord(string word, int frequency = 0)
    {
        lock (_segmenter)
        {
            _segmenter.AddWord(word, frequency);
        }
    }

    /// <summary>Cuts <paramref name="text"/> into words in order, punctuation included.</summary>
    public IReadOnlyList<string> Cut(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _segmenter.Cut(text, cutAll: false, hmm: true).ToList();
    }

    /// <summary>Cuts <paramref name="text"/> and returns each word with its start offset.</summary>
    public IReadOnlyList<(string Word, int Start)> CutWithOffsets(string text)
    {
        var words = Cut(text);
        var result = new List<(string, int)>(words.Count);
        var position = 0;
        foreach (var word in words)
        {
            result.Add((word, position));
            position += word.Length;
        }
        return result;
    }
}
