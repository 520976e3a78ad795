using CsCheck;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.Tests.Ingestion;

public sealed class ArticleMergerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    private static StoredArticle Article(string body, bool fullText, DateOnly? date, string dump, int position, string ingestion, string? shortAnswer = null) => new()
    {
        Id = ArticleIdentity.IdFor("社保卡怎么激活"),
        Title = "社保卡怎么激活",
        ShortAnswer = shortAnswer,
        Body = body,
        IsFullText = fullText,
        Date = date,
        Tags = new ArticleTags("card", 0.9, false, "m1", "000000", "全国", null, null, null, []),
        FirstSeenAt = Now,
        UpdatedAt = Now,
        CreatedBy = ingestion,
        UpdatedBy = ingestion,
    };

    [Fact]
    public void MainArticleTextReplacesALongerRelatedSnippet()
    {
        var snippet = Article(new string('摘', 300), fullText: false, new DateOnly(2026, 10, 3), "a.txt", 4, "i1");
        var main = Article("完整正文。", fullText: true, new DateOnly(2026, 10, 9), "b.txt", 0, "i2");

        var (merged, change) = ArticleMerger.Merge(snippet, main);

        Assert.Equal(ArticleChange.Updated, change);
        Assert.Equal("完整正文。", merged.Body);
        Assert.True(merged.IsFullText);
        Assert.Equal(new DateOnly(2026, 10, 3), merged.Date);
        Assert.Equal("i1", merged.CreatedBy);
        Assert.Equal("i2", merged.UpdatedBy);
    }

    [Fact]
    public void TheSameTextFromAnotherDumpLeavesTheArticleUnchanged()
    {
        var first = Article("完整正文。", fullText: true, new DateOnly(2026, 10, 3), "a.txt", 0, "i1");
        var again = Article("完整正文。", fullText: true, new DateOnly(2026, 10, 3), "b.txt", 2, "i2");

        var (merged, change) = ArticleMerger.Merge(first, again);

        Assert.Equal(ArticleChange.Unchanged, change);
        Assert.Same(first, merged);
    }

    [Fact]
    public void ShorterSnippetNeverReplacesFullText()
    {
        var main = Article("完整正文。", fullText: true, null, "b.txt", 0, "i2");
        var snippet = Article(new string('摘', 300), fullText: false, new DateOnly(2026, 10, 3), "a.txt", 4, "i1", shortAnswer: "能");

        var (merged, _) = ArticleMerger.Merge(main, snippet);

        Assert.Equal("完整正文。", merged.Body);
        Assert.Equal("能", merged.ShortAnswer);
        Assert.Equal(new DateOnly(2026, 10, 3), merged.Date);
    }

    [Fact]
    public void SeeingTheSameSourceAgainChangesNothing()
    {
        var stored = Article("正文。", fullText: true, new DateOnly(2026, 10, 3), "a.txt", 0, "i1");
        var again = Article("正文。", fullText: true, new DateOnly(2026, 10, 3), "a.txt", 0, "i9");

        var (merged, change) = ArticleMerger.Merge(stored, again);

        Assert.Same(stored, merged);
        Assert.Equal(ArticleChange.Unchanged, change);
    }

    [Fact]
    public void TitleOnlySightingNeverBlanksStoredText()
    {
        var summary = Article("个人每月缴纳养老保险672元。", fullText: false, new DateOnly(2026, 10, 20), "000.txt", 3, "i1");
        var titleOnly = Article("", fullText: true, null, "only-title.txt", 0, "i2");

        var (merged, change) = ArticleMerger.Merge(summary, titleOnly);
        var (again, _) = ArticleMerger.Merge(titleOnly, summary);

        Assert.Equal("个人每月缴纳养老保险672元。", merged.Body);
        Assert.False(merged.IsFullText);
        Assert.Equal(ArticleChange.Unchanged, change);
        Assert.Same(summary, merged);
        Assert.Equal(merged.Body, again.Body);
        Assert.False(again.IsFullText);
    }

    [Fact]
    public void FullestTextWinsWhateverTheOrderAndReplayingChangesNothing()
    {
        string[] bodies = ["", "摘要。", "摘要更长一些。", "完整正文：按基数8400元计算。", "完整正文：按基数8400元计算，个人缴纳8%。"];
        var sighting = Gen.Select(Gen.Int[0, bodies.Length - 1], Gen.Bool, Gen.Int[0, 3], Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, 2])
            .Select((body, full, day, dump, position, answer) => Article(
                bodies[body], full, day == 0 ? null : new DateOnly(2026, 10, day), $"d{dump}.txt", position, $"i{dump}{position}",
                answer == 0 ? null : new string('能', answer)) with { Category = answer == 2 ? "健康新闻" : null });

        Gen.Select(sighting.List[1, 8], Gen.Int.Array[8]).Sample((sightings, keys) =>
        {
            var shuffled = sightings.Select((s, i) => (s, keys[i % keys.Length] ^ i)).OrderBy(p => p.Item2).Select(p => p.s).ToList();
            var stored = Fold(sightings);
            var other = Fold(shuffled);

            var fullest = sightings.Aggregate((a, b) => ArticleMerger.CompareText(b, a) > 0 ? b : a);
            Assert.Equal(fullest.Body, stored.Body);
            Assert.Equal(fullest.IsFullText, stored.IsFullText);
            Assert.Equal(sightings.Min(s => s.Date), stored.Date);
            Assert.Equal(
                (stored.Title, stored.Body, stored.IsFullText, stored.ShortAnswer, stored.Category, stored.Date),
                (other.Title, other.Body, other.IsFullText, other.ShortAnswer, other.Category, other.Date));

            // Every sighting seen again, in either order, leaves the stored article as it is.
            foreach (var replay in shuffled.Concat(sightings))
            {
                Assert.Same(stored, ArticleMerger.Merge(stored, replay).Merged);
            }
        }, iter: 2000);

        static StoredArticle Fold(IEnumerable<StoredArticle> sightings) =>
            sightings.Aggregate((StoredArticle?)null, (stored, next) => ArticleMerger.Merge(stored, next).Merged)!;
    }

    [Fact]
    public void RetriedIngestionReportsTheArticleItCreatedAsNew()
    {
        var written = Article("正文。", fullText: true, null, "a.txt", 0, "i1");
        var retry = Article("正文。", fullText: true, null, "a.txt", 0, "i1");

        Assert.Equal(ArticleChange.New, ArticleMerger.Merge(written, retry).Change);
    }

    [Theory]
    [InlineData("江西萍乡社保基数8400个人扣多少？", "江西萍乡社保基数8400个人扣多少")]
    [InlineData("江西萍乡社保基数８４００个人扣多少", "江西萍乡社保基数8400个人扣多少")]
    [InlineData(" 江西萍乡 社保基数8400, 个人扣多少 ", "江西萍乡社保基数8400个人扣多少")]
    [InlineData("What Is 五险一金?", "what is 五险一金")]
    public void TitlesDifferingOnlyInSpacingPunctuationOrWidthShareAnId(string a, string b)
    {
        Assert.Equal(ArticleIdentity.IdFor(b), ArticleIdentity.IdFor(a));
        Assert.True(ArticleIdentity.IsValidId(ArticleIdentity.IdFor(a)));
    }

    [Fact]
    public void DifferentQuestionsGetDifferentIds()
    {
        Assert.NotEqual(ArticleIdentity.IdFor("社保基数8400个人扣多少"), ArticleIdentity.IdFor("社保基数8500个人扣多少"));
    }

    [Theory]
    [InlineData("0123456789abcdef", "0")]
    [InlineData("3fffffffffffffff", "0")]
    [InlineData("4000000000000000", "1")]
    [InlineData("9e01d2c3b4a59687", "2")]
    [InlineData("c000000000000000", "3")]
    [InlineData("ffffffffffffffff", "3")]
    public void ArticlesAreSpreadOverFourPartitionsByTheFirstHexDigitOfTheirId(string id, string partition)
    {
        Assert.Equal(partition, ArticleIdentity.PartitionFor(id));
    }
}
