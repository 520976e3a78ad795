namespace MedInsure.Calculations.Tests;

public class QuestionAnswererTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static (string Code, string Name)? Resolve(string text) => text switch
    {
        _ when text.Contains("萍乡", StringComparison.Ordinal) => ("360300", "萍乡市"),
        _ when text.Contains("北京", StringComparison.Ordinal) => ("110000", "北京市"),
        _ => null,
    };

    private static readonly QuestionAnswerer Answerer = new(regionResolver: Resolve);

    [Fact]
    public void PingxiangEmployeeQuestionStatesTheNationalPartAndWhatIsMissing()
    {
        var answer = Answerer.Answer("江西萍乡社保基数8400个人扣多少", Today);

        var result = Assert.IsType<ContributionResult>(answer.Calculation);
        Assert.Equal(840.00m, result.Totals.Employee);
        Assert.Equal("按萍乡市（360300）缴费基数8400元计算，个人每月：养老保险672.00元（8%） + 医疗保险168.00元（2%） = 840.00元。失业保险个人费率由当地规定，未找到萍乡市（360300）的已核实数据，未计入。", answer.Answer);
        Assert.Equal(["no verified unemployment employee rate for 萍乡市（360300）: pass rates.unemployment.employee"], answer.Missing);
        Assert.Contains(answer.Assumptions, a => a.Name == "pension employee rate" && a.Value == "8%" && a.Source.StartsWith("national rule", StringComparison.Ordinal));
        Assert.Contains(answer.Assumptions, a => a.Name == "contribution base" && a.Source.Contains("not checked", StringComparison.Ordinal));
    }

    [Fact]
    public void EmployerQuestionWithoutLocalRatesHasNoAnswerButListsEveryRate()
    {
        var answer = Answerer.Answer("江西萍乡社保基数8400公司承担多少", Today);

        Assert.Null(answer.Answer);
        Assert.Equal(4, answer.Missing.Count);
        Assert.All(answer.Missing, m => Assert.Contains("employer rate", m, StringComparison.Ordinal));
    }

    [Fact]
    public void MissingBaseIsReported()
    {
        var answer = Answerer.Answer("萍乡社保个人扣多少", Today);

        Assert.Null(answer.Answer);
        Assert.Contains(answer.Missing, m => m.StartsWith("base:", StringComparison.Ordinal));
    }

    [Fact]
    public void InServiceMedicalAccountIsAnsweredFromTheNationalRule()
    {
        var answer = Answerer.Answer("江西萍乡社保基数8400医保卡每月多少", Today);

        Assert.Equal("在职职工医保个人账户每月划入个人缴费部分：8400 × 2% = 168.00元（2021年改革后单位缴费不再划入）。", answer.Answer);
        Assert.Empty(answer.Missing);
    }

    [Fact]
    public void RetireeMedicalAccountIsUnknownWithoutRegionData()
    {
        var answer = Answerer.Answer("萍乡退休后医保卡每月打多少", Today);

        Assert.Null(answer.Answer);
        Assert.Contains(answer.Missing, m => m.Contains("Unknown for this region", StringComparison.Ordinal));
    }

    [Fact]
    public void HousingFundAnswerGivesTheBandRangeAndAsksForTheRate()
    {
        var answer = Answerer.Answer("萍乡工资1万公积金交多少", Today);

        Assert.Equal("公积金比例由单位在5%–12%之间确定：按基数10000元，个人和单位每月各500–1200元（合计1000–2400元）。", answer.Answer);
        Assert.Contains(answer.Missing, m => m.StartsWith("housing fund rate", StringComparison.Ordinal));
    }

    [Fact]
    public void PensionQuestionListsTheInputsItNeeds()
    {
        var answer = Answerer.Answer("江西萍乡交了15年退休领多少钱", Today);

        Assert.Null(answer.Answer);
        Assert.Contains(answer.Missing, m => m.StartsWith("pensionBase: no verified 计发基数 for 萍乡市（360300）", StringComparison.Ordinal));
        Assert.DoesNotContain(answer.Missing, m => m.StartsWith("years", StringComparison.Ordinal));
        Assert.Contains(answer.Assumptions, a => a.Name == "contribution years" && a.Value == "15");
    }

    [Fact]
    public void BeijingEmployeeQuestionInsideTheDataPeriodUsesVerifiedFigures()
    {
        var answer = Answerer.Answer("北京社保基数10000个人扣多少", new DateOnly(2024, 12, 1));

        var result = Assert.IsType<ContributionResult>(answer.Calculation);
        Assert.Equal(1053.00m, result.Totals.Employee);
        Assert.True(result.Totals.EmployeeComplete);
        Assert.Empty(answer.Missing);
        Assert.Contains("医疗保险203.00元", answer.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public void UnrecognisedIntentIsReported()
    {
        var answer = Answerer.Answer("萍乡社保怎么样", Today);

        Assert.Null(answer.Answer);
        Assert.StartsWith("intent:", answer.Missing[0], StringComparison.Ordinal);
    }

    [Fact]
    public void GradeQuestionsNeedALocalGradeTable()
    {
        var answer = Answerer.Answer("萍乡社保基数4511是几档", Today);

        Assert.Null(answer.Answer);
        Assert.Contains(answer.Missing, m => m.StartsWith("grade table", StringComparison.Ordinal));
    }
}
