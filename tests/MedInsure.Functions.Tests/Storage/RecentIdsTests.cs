using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Tests.Storage;

public sealed class RecentIdsTests
{
    [Fact]
    public void KeysOfTheLastTwoGenerationsAreRememberedAndOlderOnesForgotten()
    {
        var ids = new RecentIds(capacity: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            ids.Add(id);
        }

        // "d" overflowed the first generation (a–d), which became the previous one.
        Assert.True(ids.Contains("a"));
        Assert.True(ids.Contains("d"));

        foreach (var id in new[] { "e", "f", "g", "h" })
        {
            ids.Add(id);
        }

        Assert.False(ids.Contains("a"));
        Assert.True(ids.Contains("e"));
        Assert.True(ids.Contains("h"));
        Assert.False(ids.Contains("z"));
    }
}
