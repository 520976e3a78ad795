using Azure;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Functions.Tests.Ingestion;

public sealed class RecentArticlesTests
{
    private static WrittenArticle Written(string title, int bodyChars, string etag = "W/\"1\"")
    {
        var now = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var article = new StoredArticle
        {
            Id = ArticleIdentity.IdFor(title),
            Title = title,
            Body = new string('文', bodyChars),
            Tags = new ArticleTags("card", 0.9, false, "m1", "000000", "全国", null, null, null, []),
            FirstSeenAt = now,
            UpdatedAt = now,
            CreatedBy = "i1",
            UpdatedBy = "i1",
        };
        return new WrittenArticle(article, null, new ETag(etag));
    }

    [Fact]
    public void ArticlesOfTheLastTwoGenerationsAreRememberedWithTheirLatestETag()
    {
        // Each article counts ~1,980 characters: a generation (half of 128,000) turns over at its 33rd article.
        var recent = new RecentArticles(budgetChars: 128_000);
        var first = Written("问题0", 1_464);
        recent.Remember(first);
        recent.Remember(first with { ETag = new ETag("W/\"2\"") });
        Assert.True(recent.TryGet(first.Article.Id, out var found));
        Assert.Equal(new ETag("W/\"2\""), found.ETag);

        for (var i = 1; i <= 32; i++)
        {
            recent.Remember(Written($"问题{i}", 1_464));
        }

        Assert.True(recent.TryGet(first.Article.Id, out _));

        for (var i = 33; i <= 65; i++)
        {
            recent.Remember(Written($"问题{i}", 1_464));
        }

        Assert.False(recent.TryGet(first.Article.Id, out _));
        Assert.True(recent.TryGet(ArticleIdentity.IdFor("问题33"), out _));
        Assert.True(recent.TryGet(ArticleIdentity.IdFor("问题65"), out _));
    }

    [Fact]
    public void ForgottenOrOversizedArticlesAreNotRemembered()
    {
        var recent = new RecentArticles(budgetChars: 64_000);
        var small = Written("社保卡怎么激活", 100);
        recent.Remember(small);
        recent.Forget(small.Article.Id);
        Assert.False(recent.TryGet(small.Article.Id, out _));

        // More than a 64th of the budget: remembering it would only push out many small articles.
        var large = Written("医保卡丢了怎么补办", 2_000);
        recent.Remember(large);
        Assert.False(recent.TryGet(large.Article.Id, out _));
    }
}
