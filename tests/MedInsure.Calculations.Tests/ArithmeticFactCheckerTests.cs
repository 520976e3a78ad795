namespace MedInsure.Calculations.Tests;

public class ArithmeticFactCheckerTests
{
    private const string CorrectArticle = """
        2025年萍乡社保基数8400元，个人缴纳部分如下：
        养老保险：8400元 × 8% = 672元；
        医疗保险：8400 × 2% = 168元；
        失业保险：8400 × 0.5% = 42元。
        合计882元（养老保险672元+医疗保险168元+失业保险42元）。
        公式：$8400 \times 8\% = 672$。2024-07-01起执行，缴费满15年。
        养老8%、医疗2%、失业0.5%，费率合计10.5%。
        """;

    [Fact]
    public void CorrectArticleHasNoFlags()
    {
        Assert.Empty(ArithmeticFactChecker.Check("江西萍乡社保基数8400个人扣多少", CorrectArticle));
    }

    [Theory]
    [InlineData("8400元 × 8% = 672元")]
    [InlineData("8500 × 8 % = 680")]
    [InlineData("８４００×８％＝６７２")]
    [InlineData("8400*8%=672")]
    [InlineData("8400 x 8% = 672")]
    [InlineData("3957 × 0.5% = 19.79")]
    [InlineData("37302 × 7% = 2611")]
    [InlineData("(1500 - 200) × 60% = 780")]
    [InlineData("150000 ÷ 139 = 1079.14")]
    [InlineData("8000 × 2.2 / 2 × 30 × 1% = 2640")]
    [InlineData("8% + 2% + 0.5% = 10.5%")]
    [InlineData("672元+168元=840元")]
    [InlineData("总额约 8400 × 8.1% ≈ 680")]
    public void TrueClaimsAreNotFlagged(string body)
    {
        Assert.Empty(ArithmeticFactChecker.Check("", body));
    }

    [Theory]
    [InlineData("28200 × 12% × 2 = 6776", 6776, 6768)]
    [InlineData("8400元 × 8% = 680元", 680, 672)]
    [InlineData("基数8,400 X 2% = 186", 186, 168)]
    [InlineData("３９５７×０.５％＝２０.７９元", 20.79, 19.79)]
    [InlineData("个人合计：672元+168元=850元。", 850, 840)]
    [InlineData("8% + 2% = 12%", 12, 10)]
    public void FalseClaimsAreFlaggedWithStatedAndComputed(string body, double stated, double computed)
    {
        var flag = Assert.Single(ArithmeticFactChecker.Check("", body));

        Assert.Equal(ArithmeticFactChecker.ArithmeticMismatch, flag.Kind);
        Assert.Equal((decimal)stated, flag.Stated);
        Assert.Equal((decimal)computed, flag.Computed);
    }

    [Fact]
    public void LatexDuplicateOfAWrongClaimIsFlaggedOnce()
    {
        var flags = ArithmeticFactChecker.Check("", "8500 × 8% = 690元。即 $8500 \\times 8\\% = 690$。");

        var flag = Assert.Single(flags);
        Assert.Equal("8500 × 8% = 690元", flag.Expression);
    }

    [Fact]
    public void ParenthesisedBreakdownThatAddsUpIsAccepted()
    {
        var body = "每月个人合计935元(养老保险680元+医疗保险170元+失业保险42.5元+公积金42.5元)。";

        Assert.Empty(ArithmeticFactChecker.Check("", body));
    }

    [Fact]
    public void ParenthesisedBreakdownThatDoesNotAddUpIsFlagged()
    {
        var body = "每月个人合计945元(养老保险680元+医疗保险170元+失业保险42.5元+公积金42.5元)。";

        var flag = Assert.Single(ArithmeticFactChecker.Check("", body));
        Assert.Equal(ArithmeticFactChecker.SumMismatch, flag.Kind);
        Assert.Equal((945m, 935m), (flag.Stated, flag.Computed));
    }

    [Fact]
    public void TotalAfterARunOfAmountsIsChecked()
    {
        var wrong = ArithmeticFactChecker.Check("", "养老保险672元，医疗保险168元，失业保险42元，总计约900元。");
        var right = ArithmeticFactChecker.Check("", "基数8400元，养老保险672元，医疗保险168元，失业保险42元，共计882元。");

        Assert.Equal((900m, 882m), (Assert.Single(wrong).Stated, wrong[0].Computed));
        Assert.Empty(right);
    }

    [Fact]
    public void BreakdownBeforeTheTotalInParenthesesIsChecked()
    {
        var flags = ArithmeticFactChecker.Check("", "(养老保险672元+医疗保险168元)合计830元。");

        Assert.Equal(ArithmeticFactChecker.SumMismatch, Assert.Single(flags).Kind);
    }

    [Fact]
    public void TitleBaseThatDiffersFromTheBodyIsFlagged()
    {
        var flags = ArithmeticFactChecker.Check("社保基数8500个人每月交多少", "养老保险：8400 × 8% = 672元，医疗保险：8400 × 2% = 168元。");

        var flag = Assert.Single(flags);
        Assert.Equal(ArithmeticFactChecker.TitleBodyMismatch, flag.Kind);
        Assert.Equal((8500m, 8400m), (flag.Stated, flag.Computed));
        Assert.Equal("8400 × 8% = 672元", flag.Expression);
    }

    [Fact]
    public void WageTitleWithClampedBodyIsNotFlagged()
    {
        var body = "工资超过上限，按上限22500计算：22500 × 8% = 1800元。";

        Assert.Empty(ArithmeticFactChecker.Check("工资30000社保扣多少", body));
    }

    [Theory]
    [InlineData("2024-07-01至2025-06-30执行，2019年5月1日起降至16%。")]
    [InlineData("基数上下限为4500-22500元，比例为8%。")]
    [InlineData("时间：2025/11/23 10:30，电话 0799-1234567。")]
    [InlineData("养老保险个人8%，单位16%，医疗保险个人2%。")]
    [InlineData("基数 = 8400元")]
    [InlineData("\\frac{8400}{2} = 4200")]
    public void DatesPercentListsAndNonArithmeticAreIgnored(string body)
    {
        Assert.Empty(ArithmeticFactChecker.Check("社保基数8400", body));
    }

    [Fact]
    public void HugeInputIsScannedQuickly()
    {
        var body = string.Concat(Enumerable.Repeat("1+", 50000)) + "1 = 3";
        var watch = System.Diagnostics.Stopwatch.StartNew();

        ArithmeticFactChecker.Check("", body);

        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms");
    }

    [Theory]
    [InlineData(680, 680.4, 0, true)]
    [InlineData(680, 680.5, 0, false)]
    [InlineData(19.79, 19.785, 2, true)]
    [InlineData(19.78, 19.785, 2, true)]
    [InlineData(19.77, 19.785, 2, false)]
    public void ToleranceFollowsTheStatedPrecision(double stated, double computed, int decimals, bool expected)
    {
        Assert.Equal(expected, ArithmeticFactChecker.Matches((decimal)stated, (decimal)computed, decimals, approx: false));
    }
}
