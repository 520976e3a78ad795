namespace MedInsure.Calculations.Tests;

public class QuestionParserTests
{
    public static TheoryData<string, string?, double?, QuestionIntent?, double?> Phrasings => new()
    {
        { "江西萍乡社保基数8400个人扣多少", "江西萍乡", 8400, QuestionIntent.ContributionsEmployee, null },
        { "萍乡市社保基数8400元个人交多少", "萍乡市", 8400, QuestionIntent.ContributionsEmployee, null },
        { "基数8400元，每月扣多少钱", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "8400的基数个人交多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "工资1万社保个人扣多少", null, 10000, QuestionIntent.ContributionsEmployee, null },
        { "工资1.2万，五险一金个人扣多少", null, 12000, QuestionIntent.ContributionsEmployee, null },
        { "月薪8千，社保自己交多少", null, 8000, QuestionIntent.ContributionsEmployee, null },
        { "工资一万二每月社保扣多少钱", null, 12000, QuestionIntent.ContributionsEmployee, null },
        { "月薪八千到手扣多少", null, 8000, QuestionIntent.ContributionsEmployee, null },
        { "重庆社保基数4500本人缴纳多少", "重庆", 4500, QuestionIntent.ContributionsEmployee, null },
        { "甘肃兰州缴费基数为6000，个人部分是多少", "甘肃兰州", 6000, QuestionIntent.ContributionsEmployee, null },
        { "成都工资1万2社保扣多少", "成都", 12000, QuestionIntent.ContributionsEmployee, null },
        { "社保基数８４００个人扣多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "基数8,400员工要交多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "盐城社保基数5000公司承担多少", "盐城", 5000, QuestionIntent.ContributionsEmployer, null },
        { "基数6000单位交多少", null, 6000, QuestionIntent.ContributionsEmployer, null },
        { "青海西宁工资7000企业要缴多少社保", "青海西宁", 7000, QuestionIntent.ContributionsEmployer, null },
        { "社保基数9000老板出多少", null, 9000, QuestionIntent.ContributionsEmployer, null },
        { "工资两万公司社保部分多少", null, 20000, QuestionIntent.ContributionsEmployer, null },
        { "社保基数8400每月交多少", null, 8400, QuestionIntent.ContributionsTotal, null },
        { "江西萍乡社保缴费多少 基数8400", "江西萍乡", 8400, QuestionIntent.ContributionsTotal, null },
        { "基数8400一共交多少", null, 8400, QuestionIntent.ContributionsTotal, null },
        { "8400基数个人和公司各交多少", null, 8400, QuestionIntent.ContributionsTotal, null },
        { "社保基数5000总共要交多少钱", null, 5000, QuestionIntent.ContributionsTotal, null },
        { "上海公积金基数2万每月交多少", "上海", 20000, QuestionIntent.HousingFund, null },
        { "工资1万公积金是多少", null, 10000, QuestionIntent.HousingFund, null },
        { "北京住房公积金基数8000个人交多少", "北京", 8000, QuestionIntent.HousingFund, null },
        { "月薪一万五千公积金交多少", null, 15000, QuestionIntent.HousingFund, null },
        { "基数8400医保卡每月多少", null, 8400, QuestionIntent.MedicalAccount, null },
        { "社保基数8400医保个人账户每月打多少", null, 8400, QuestionIntent.MedicalAccount, null },
        { "重庆退休后医保卡每月打多少钱", "重庆", null, QuestionIntent.MedicalAccount, null },
        { "工资6000医保账户每月划入多少", null, 6000, QuestionIntent.MedicalAccount, null },
        { "江西萍乡交了15年退休领多少钱", "江西萍乡", null, QuestionIntent.Pension, 15 },
        { "社保交了20年养老金多少", null, null, QuestionIntent.Pension, 20 },
        { "基数8000缴费30年退休金能领多少", null, 8000, QuestionIntent.Pension, 30 },
        { "交了十五年社保退休能领多少", null, null, QuestionIntent.Pension, 15 },
        { "成都社保基数4511是几档", "成都", 4511, QuestionIntent.Grade, null },
        { "灵活就业基数6000是第几档", null, 6000, QuestionIntent.Grade, null },
        { "我在盐城工资5000社保交哪一档", "盐城", 5000, QuestionIntent.Grade, null },
        { "请问四川成都社保基数8400个人扣多少", "四川成都", 8400, QuestionIntent.ContributionsEmployee, null },
        { "2025年萍乡社保基数8400个人扣多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "萍乡社保怎么样", "萍乡", null, null, null },
        { "税前8400社保扣多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
        { "按8400交社保个人出多少", null, 8400, QuestionIntent.ContributionsEmployee, null },
    };

    [Theory]
    [MemberData(nameof(Phrasings))]
    public void ParsesPlaceBaseIntentAndYears(string question, string? region, double? amount, QuestionIntent? intent, double? years)
    {
        var parsed = QuestionParser.Parse(question);

        Assert.Equal(region, parsed.RegionText);
        Assert.Equal(amount is null ? null : (decimal)amount, parsed.BaseAmount);
        Assert.Equal(intent, parsed.Intent);
        Assert.Equal(years is null ? null : (decimal)years, parsed.Years);
    }

    [Fact]
    public void InjectedResolverSuppliesTheRegionCode()
    {
        var parsed = QuestionParser.Parse("江西萍乡社保基数8400个人扣多少", text => text.Contains("萍乡", StringComparison.Ordinal) ? ("360300", "萍乡市") : null);

        Assert.Equal(("360300", "萍乡市"), (parsed.RegionCode, parsed.RegionName));
    }

    [Fact]
    public void RetireeQuestionsAreMarked()
    {
        Assert.True(QuestionParser.Parse("退休后医保卡每月打多少").Retired);
        Assert.False(QuestionParser.Parse("基数8400医保卡每月多少").Retired);
    }
}
