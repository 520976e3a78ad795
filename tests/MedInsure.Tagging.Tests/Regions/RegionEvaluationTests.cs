namespace MedInsure.Tagging.Tests.Regions;

public sealed class RegionEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void HeldOutTitlesAreTaggedWithTheExactExpectedCodeAtLeast97PercentOfTheTime()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "region-eval.tsv"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .ToArray();
        Assert.True(lines.Length >= 300, $"only {lines.Length} evaluation titles");

        var misses = lines
            .Select(l => (Title: l[0], Expected: l[1], Actual: RegionFixture.Code(l[0])))
            .Where(r => r.Actual != r.Expected)
            .ToArray();
        foreach (var (title, expected, actual) in misses)
        {
            output.WriteLine($"MISS {title}\texpected {expected}\tgot {actual}");
        }

        var accuracy = 1.0 - ((double)misses.Length / lines.Length);
        output.WriteLine($"exact-code accuracy {accuracy:P2} on {lines.Length} titles ({misses.Length} misses)");
        Assert.True(accuracy >= 0.97, $"accuracy {accuracy:P2} below 97%; misses:\n{string.Join('\n', misses.Select(m => $"{m.Title} expected {m.Expected} got {m.Actual}"))}");
    }
}
