namespace MedInsure.Parsing.Tests;

public sealed class PageFormatTests
{
    [Fact]
    public void MainArticleHasTitleShortAnswerAndBodyWithoutDisclaimer()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));
        var main = dump.Articles[0];

        Assert.Equal("utf-8", dump.Encoding);
        Assert.True(main.IsMain);
        Assert.Equal(0, main.Position);
        Assert.Equal("灵活就业人员怎么缴纳职工医保", main.Title);
        Assert.Equal("按月或按年自行缴费", main.ShortAnswer);
        Assert.StartsWith("灵活就业人员可以以个人身份参加职工基本医疗保险", main.Body, StringComparison.Ordinal);
        Assert.EndsWith("避免断缴影响个人账户划入和报销待遇。", main.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("提示", main.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("相关推荐", main.Body, StringComparison.Ordinal);
        Assert.Null(main.Category);
    }

    [Fact]
    public void BodyKeepsSectionsAsTrimmedLinesSeparatedByNewlines()
    {
        var main = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt"))).Articles[0];
        var lines = main.Body.Split('\n');

        Assert.Equal(9, lines.Length);
        Assert.Equal("1. 办理参保登记", lines[1]);
        Assert.Equal("携带身份证到户籍所在地或居住地的医保经办窗口登记，也可以通过当地医保公众号在线办理。", lines[2]);
        Assert.Equal("• 银行代扣：与合作银行签订代扣协议，每月自动扣款。", lines[4]);
        Assert.Equal("3. 注意待遇等待期", lines[6]);
        Assert.DoesNotContain("", lines);
    }

    [Fact]
    public void RelatedItemsCarryTitleSummaryCategoryAndDate()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));

        Assert.Equal(4, dump.Articles.Count);
        var third = dump.Articles[3];
        Assert.Equal("异地就医备案需要哪些材料", third.Title);
        Assert.Equal("异地就医备案一般只需要本人有效身份证件，长期驻外人员可能还需要提供居住证明或工作证明。", third.Body);
        Assert.Null(third.ShortAnswer);
        Assert.Equal("健康新闻", third.Category);
        Assert.Equal(new DateOnly(2025, 3, 10), third.Date);
        Assert.False(third.IsMain);
        Assert.Equal(3, third.Position);
        Assert.Empty(third.Warnings);
    }

    [Fact]
    public void LeadingAnswerTokensAreSplitOffRelatedSummaries()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));

        Assert.Equal("520元", dump.Articles[1].ShortAnswer);
        Assert.StartsWith("以某市2025年缴费标准为例", dump.Articles[1].Body, StringComparison.Ordinal);
        Assert.Equal("不可以", dump.Articles[2].ShortAnswer);
        Assert.StartsWith("多数地区规定", dump.Articles[2].Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025年 起医保缴费标准有所调整", null)]
    [InlineData("医保卡余额怎么查 可以通过国家医保服务平台查询", null)]
    [InlineData("约1200元 按缴费基数的百分之八计算", "约1200元")]
    [InlineData("能 参保人可以在定点药店直接刷卡购药", "能")]
    [InlineData("15年 累计缴费满十五年可以按月领取养老金", "15年")]
    [InlineData("医保卡 是参保人就医结算的凭证", null)]
    public void ShortAnswerTokensAreDetectedConservatively(string summary, string? expected)
    {
        var dump = TestData.Parse($"社保问答\n\n正文。\n\n提示：本内容不能代替面诊。\n相关推荐\n\n医保相关问题\n\n{summary}\n\n健康新闻 2025-01-02\n");
        var item = dump.Articles[1];

        Assert.Equal(expected, item.ShortAnswer);
        Assert.Equal(expected is null ? summary : summary[(expected.Length + 1)..], item.Body);
    }

    [Fact]
    public void ShortAnswerTokenThatRepeatsTheTitleStaysInTheSummary()
    {
        var dump = TestData.Parse("社保问答\n\n正文。\n\n提示：本内容不能代替面诊。\n相关推荐\n\n能报销吗\n\n能 部分费用可以报销\n\n健康新闻 2025-01-02\n");

        Assert.Null(dump.Articles[1].ShortAnswer);
        Assert.Equal("能 部分费用可以报销", dump.Articles[1].Body);
    }

    [Fact]
    public void MainShortAnswerIsNotTakenFromAListItemOrASentence()
    {
        var listFirst = TestData.Parse("医保怎么报销\n\n1. 准备材料\n携带身份证和票据到经办窗口。\n\n提示：本内容不能代替面诊。\n");
        var sentenceFirst = TestData.Parse("医保怎么报销\n\n可以报销。\n携带身份证和票据到经办窗口。\n\n提示：本内容不能代替面诊。\n");

        Assert.Null(listFirst.Articles[0].ShortAnswer);
        Assert.Equal("1. 准备材料\n携带身份证和票据到经办窗口。", listFirst.Articles[0].Body);
        Assert.Null(sentenceFirst.Articles[0].ShortAnswer);
        Assert.StartsWith("可以报销。", sentenceFirst.Articles[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void SearchBlockTermsAreKeptOutOfEveryArticle()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));

        Assert.Equal(["灵活就业医保", "医保断缴"], dump.SearchTerms);
        Assert.DoesNotContain(dump.Articles, a => a.Title is "大家都在搜" or "灵活就业医保" or "医保断缴");
    }

    [Fact]
    public void NavigationResidueAtTheEndIsDropped()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));
        var last = dump.Articles[^1];

        Assert.Equal("异地就医备案需要哪些材料", last.Title);
        Assert.DoesNotContain(dump.Articles, a => a.Title.Contains("首页", StringComparison.Ordinal) || a.Body.Contains("顶部", StringComparison.Ordinal));
    }

    [Fact]
    public void MainDateIsTheMostCommonRelatedDate()
    {
        var main = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt"))).Articles[0];

        Assert.Equal(new DateOnly(2025, 3, 12), main.Date);
        Assert.Equal(["main date inferred from related items"], main.Warnings);
    }

    [Fact]
    public void MainDateTieGoesToTheLatestDate()
    {
        var dump = TestData.Parse("医保问答\n\n正文。\n\n提示：本内容不能代替面诊。\n相关推荐\n甲问题\n甲摘要\n健康新闻 2025-01-02\n乙问题\n乙摘要\n健康新闻 2025-02-03\n");

        Assert.Equal(new DateOnly(2025, 2, 3), dump.Articles[0].Date);
    }

    [Fact]
    public void PageWithoutRelatedItemsIsKeptWithWarningsAndNoDate()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("no-related.txt", TestData.Fixture("no-related.txt")));
        var main = Assert.Single(dump.Articles);

        Assert.Equal("城乡居民医保在哪里缴费", main.Title);
        Assert.Null(main.ShortAnswer);
        Assert.Equal(2, main.Body.Split('\n').Length);
        Assert.Null(main.Date);
        Assert.Contains("main article has no date: no related item carries one", main.Warnings);
        Assert.Contains("no related items", dump.Warnings);
        Assert.Contains("collapsed 2 runs of extra blank lines", dump.Warnings);
    }

    [Fact]
    public void LenientCasesAreKeptWithWarningsAndStrictCasesDropTheItem()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("quirks.txt", TestData.Fixture("quirks.txt")));

        Assert.Equal(["职工医保个人账户可以给家人用吗", "医保个人账户每年划入多少", "门诊慢特病怎么申请", "生育津贴怎么领取"], dump.Articles.Select(a => a.Title));
        Assert.Equal([0, 1, 2, 3], dump.Articles.Select(a => a.Position));

        var main = dump.Articles[0];
        Assert.Equal("个人账户储存额度", main.ShortAnswer);
        Assert.Equal(2, main.Body.Split('\n').Length);
        Assert.Equal(new DateOnly(2025, 6, 1), main.Date);

        var noSummary = dump.Articles[1];
        Assert.Equal("", noSummary.Body);
        Assert.Equal(["no summary"], noSummary.Warnings);
        Assert.Equal(new DateOnly(2025, 6, 1), noSummary.Date);

        Assert.Equal("有", dump.Articles[2].ShortAnswer);

        var noDate = dump.Articles[3];
        Assert.Null(noDate.Date);
        Assert.Null(noDate.Category);
        Assert.Equal(["no date line"], noDate.Warnings);
        Assert.StartsWith("生育津贴由用人单位先行申领", noDate.Body, StringComparison.Ordinal);

        Assert.Contains("line 20: related item '医保卡密码忘了怎么办' dropped because '2025-02-30' is not a valid YYYY-MM-DD date", dump.Warnings);
        Assert.Contains("line 22: related item dropped because its title line ends with 。 like a sentence", dump.Warnings);
        Assert.Contains("collapsed 1 run of extra blank lines", dump.Warnings);
        Assert.DoesNotContain(dump.Articles, a => a.Body.Contains("被丢弃", StringComparison.Ordinal));
    }

    [Fact]
    public void DateLineWithoutADateDropsTheItem()
    {
        var dump = TestData.Parse("医保问答\n\n正文。\n\n提示：本内容不能代替面诊。\n相关推荐\n甲问题\n甲摘要\n健康新闻\n乙问题\n乙摘要\n健康新闻 2025-02-03\n");

        Assert.Equal(["医保问答", "乙问题"], dump.Articles.Select(a => a.Title));
        Assert.Contains("line 9: related item '甲问题' dropped because its date line has no date", dump.Warnings);
    }

    [Fact]
    public void FirstLineThatIsAParagraphRejectsTheDump()
    {
        var reason = TestData.Reject(new DumpReader().ReadDump("paragraph-title.txt", TestData.Fixture("paragraph-title.txt")));

        Assert.Equal("line 1 is not a title: it ends with 。 like a sentence", reason);
    }

    [Fact]
    public void OverlongFirstLineRejectsTheDump()
    {
        var title = new string('保', 81);
        var reason = TestData.Reject(new DumpReader().ReadDump("long.txt", System.Text.Encoding.UTF8.GetBytes($"{title}\n正文\n")));

        Assert.Equal("line 1 is not a title: it is 81 characters long (titles have at most 80)", reason);
    }

    [Theory]
    [InlineData("江西萍乡社保基数8400个人扣多少\n")]
    [InlineData("江西萍乡社保基数8400个人扣多少\n\n提示:本内容不能代替面诊,如有不适请尽快就医。\n")]
    [InlineData("江西萍乡社保基数8400个人扣多少\n提示：本内容不能代替面诊。\n相关推荐\n\n萍乡社保卡怎么激活\n\n先到银行网点激活金融功能。\n\n健康新闻 2026-10-12\n")]
    public void MainArticleWithoutAnyTextRejectsTheDump(string page)
    {
        var reason = TestData.Reject(new DumpReader().ReadDump("title-only.txt", System.Text.Encoding.UTF8.GetBytes(page)));

        Assert.Equal("main article has no text", reason);
    }

    [Fact]
    public void MainArticleWithOneLineOfTextIsKept()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("one-line.txt", System.Text.Encoding.UTF8.GetBytes(
            "医保卡可以借给家人用吗\n不可以\n提示：本内容不能代替面诊。\n")));

        Assert.Equal("不可以", dump.Articles[0].Body);
    }

    [Fact]
    public void MissingDisclaimerEndsTheBodyAtTheRelatedHeading()
    {
        var dump = TestData.Parse("医保问答\n正文第一段。\n正文第二段。\n相关推荐\n甲问题\n甲摘要\n健康新闻 2025-01-02\n");

        Assert.Equal("正文第一段。\n正文第二段。", dump.Articles[0].Body);
        Assert.Contains("no 提示 disclaimer line after the body", dump.Articles[0].Warnings);
        Assert.Equal("甲问题", dump.Articles[1].Title);
    }

    [Fact]
    public void MixedLineEndingsParseLikeUnixLineEndings()
    {
        var unix = TestData.FixtureText("basic.txt").ReplaceLineEndings("\n");
        var lines = unix.Split('\n');
        var endings = new[] { "\r\n", "\r", "\n" };
        var mixed = string.Concat(lines.Select((line, i) => line + endings[i % 3]));

        var expected = TestData.Parse(unix);
        var actual = TestData.Parse(mixed);

        Assert.Equal(expected.Articles, actual.Articles, ArticleComparer.Instance);
        Assert.DoesNotContain(actual.Articles, a => a.Body.Contains('\r', StringComparison.Ordinal) || a.Title.Contains('\r', StringComparison.Ordinal));
    }

    [Fact]
    public void TextIsNormalisedToNfcAndFullWidthPunctuationIsKept()
    {
        // "Lü" written with a combining diaeresis, and a CJK compatibility ideograph (U+F9B5) that NFC maps to 例.
        var dump = TestData.Parse("Lu\u0308医保问答\n\n\uF9B5如：退休人员（含返聘）。\n\n提示：本内容不能代替面诊。\n");

        Assert.Equal("L\u00FC医保问答", dump.Articles[0].Title);
        Assert.Equal("例如：退休人员（含返聘）。", dump.Articles[0].Body);
    }

    [Fact]
    public void TooManyArticlesRejectTheDump()
    {
        var related = string.Concat(Enumerable.Range(1, 5).Select(i => $"问题{i}\n摘要{i}\n健康新闻 2025-01-0{i}\n"));
        var reason = TestData.Reject(new DumpReader(new DumpParserOptions { MaxArticlesPerDump = 4 })
            .ReadDump("many.txt", System.Text.Encoding.UTF8.GetBytes($"医保问答\n正文。\n提示：本内容不能代替面诊。\n相关推荐\n{related}")));

        Assert.Equal("dump has more than 4 articles, the limit per dump", reason);
    }

    [Fact]
    public void StrayControlCharactersAreRemovedWithAWarning()
    {
        var dump = TestData.Parse("医保\u0007问答\n" + new string('正', 200) + "。\n提示：本内容不能代替面诊。\n");

        Assert.Equal("医保问答", dump.Articles[0].Title);
        Assert.Contains("removed 1 control character", dump.Warnings);
    }
}
