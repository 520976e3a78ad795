// Not ...Tests.Topics: that namespace would hide the Topics taxonomy class.
namespace MedInsure.Tagging.Tests;

/// <summary>Loads the shipped model once for all topic tests (loading is the slow part).</summary>
public sealed class TopicClassifierFixture
{
    private readonly Lazy<TopicClassifier> _reference = new(() => TopicClassifier.Load(TopicClassifier.DefaultModelPath, TopicEngine.MlNet));

    /// <summary>The shipped model as the app loads it (fast engine).</summary>
    public TopicClassifier Classifier { get; } = TopicClassifier.LoadDefault();

    /// <summary>The same file scored by ML.NET itself, loaded on first use.</summary>
    public TopicClassifier Reference => _reference.Value;

    /// <summary>Finds a repository file by walking up from the test output folder.</summary>
    public static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }
}
