namespace MedInsure.Parsing.Tests;

// Real pages from ../shared/samples, read in place and never copied into the repo.
// When a checkout has no shared samples next to it, these tests return early (see SamplesDirectory).
public sealed class SampleDumpTests
{
    [Theory]
    [InlineData("000_3af1b85e622058d2.txt", "二代医保卡是社保卡吗", 19, "2025-04-28")]
    [InlineData("001_8021c4c1c17542f5.txt", "重庆社保卡和医保卡是一张卡吗", 20, "2025-04-19")]
    [InlineData("002_bb44e9f36ba9c9a7.txt", "电子医保卡怎么建档", 20, "2025-05-16")]
    public void SamplePagesParseIntoMainArticleAndRelatedItems(string file, string title, int relatedCount, string date)
    {
        if (Sample(file) is not { } bytes)
        {
            return;
        }

        var dump = TestData.Accept(new DumpReader().ReadDump(file, bytes));
        var main = dump.Articles[0];

        Assert.Equal("utf-8", dump.Encoding);
        Assert.Equal(title, main.Title);
        Assert.Equal(relatedCount + 1, dump.Articles.Count);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), main.Date);
        Assert.Equal(["main date inferred from related items"], main.Warnings);
        Assert.All(dump.Articles, a => Assert.False(string.IsNullOrWhiteSpace(a.Title)));
        Assert.All(dump.Articles, a => Assert.DoesNotContain("本内容不能代替面诊", a.Body, StringComparison.Ordinal));
        Assert.All(dump.Articles.Skip(1), a => Assert.Equal("健康新闻", a.Category));
        Assert.All(dump.Articles.Skip(1), a => Assert.Empty(a.Warnings));
        Assert.Equal(Enumerable.Range(0, relatedCount + 1), dump.Articles.Select(a => a.Position));
        Assert.Empty(dump.Warnings);
    }

    [Fact]
    public void Sample002HasTwentyDatedRelatedItemsAndNoResidue()
    {
        if (Sample("002_bb44e9f36ba9c9a7.txt") is not { } bytes)
        {
            return;
        }

        var dump = TestData.Accept(new DumpReader().ReadDump("002", bytes));

        Assert.Equal("江西鹰潭治疗微小核糖核酸病毒性角膜炎哪个医院比较好", dump.Articles[1].Title);
        Assert.Equal("厂里买的是社保还是医保", dump.Articles[2].Title);
        Assert.Equal("江西鹰潭治疗眶骨髓炎哪个医院比较好", dump.Articles[20].Title);
        Assert.All(dump.Articles.Skip(1), a => Assert.Equal(new DateOnly(2025, 5, 16), a.Date));
        Assert.Equal("是", dump.Articles[6].ShortAnswer);
        Assert.Equal("职工医保是五险一金吗", dump.Articles[6].Title);
        Assert.Empty(dump.SearchTerms);
        Assert.DoesNotContain(dump.Articles, a => a.Body.Contains("首页 顶部", StringComparison.Ordinal) || a.Body.Contains("大家都在搜", StringComparison.Ordinal));
        Assert.Contains("• 线上渠道", dump.Articles[0].Body, StringComparison.Ordinal);
        Assert.EndsWith("建议提前咨询当地医保部门或查看官方指南。", dump.Articles[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample000SplitsAnswerTokensOffSummaries()
    {
        if (Sample("000_3af1b85e622058d2.txt") is not { } bytes)
        {
            return;
        }

        var dump = TestData.Accept(new DumpReader().ReadDump("000", bytes));
        var byTitle = dump.Articles.ToDictionary(a => a.Title);

        Assert.Equal("496元", byTitle["江西萍乡社保基数8500医保卡每月多少"].ShortAnswer);
        Assert.StartsWith("根据2025年萍乡市社保缴费政策", byTitle["江西萍乡社保基数8500医保卡每月多少"].Body, StringComparison.Ordinal);
        Assert.Equal("不可以", byTitle["医保用家里的可以报销吗"].ShortAnswer);
        Assert.Null(byTitle["江西萍乡社保基数8400每月交多少"].ShortAnswer);
        Assert.Null(byTitle["江西萍乡社保基数8400是什么标准"].ShortAnswer);
        Assert.Equal(10, dump.Articles[0].Body.Split('\n').Length);
    }

    private static byte[]? Sample(string file)
    {
        var dir = TestData.SamplesDirectory();
        return dir is null ? null : File.ReadAllBytes(Path.Combine(dir, file));
    }
}
