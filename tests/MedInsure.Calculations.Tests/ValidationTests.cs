namespace MedInsure.Calculations.Tests;

public class ValidationTests
{
    private static string FieldOf(Action act) => Assert.Throws<CalculationValidationException>(act).Field;

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NonPositiveBaseIsRejected(int value)
    {
        Assert.Equal("base", FieldOf(() => ContributionCalculator.Calculate(new(value))));
        Assert.Equal("base", FieldOf(() => HousingFundCalculator.Calculate(new(value, 5, 5))));
        Assert.Equal("base", FieldOf(() => MedicalAccountCalculator.Calculate(new(false, value))));
    }

    [Fact]
    public void RatesOutsideZeroToHundredNameTheField()
    {
        Assert.Equal("rates.pension.employer", FieldOf(() => ContributionCalculator.Calculate(new(8400, Rates: new(Pension: new(null, 160))))));
        Assert.Equal("rates.injury.employee", FieldOf(() => ContributionCalculator.Calculate(new(8400, Rates: new(Injury: new(-1, null))))));
        Assert.Equal("ratioPercent", FieldOf(() => OutpatientCalculator.Calculate(new(100, 0, 0, 101, 100, 0))));
    }

    [Fact]
    public void HousingFundRatesOutsideOneToTwelveAreRejectedAndOutsideFiveToTwelveWarned()
    {
        Assert.Equal("employeeRate", FieldOf(() => HousingFundCalculator.Calculate(new(8000, 13, 5))));
        Assert.Equal("employerRate", FieldOf(() => HousingFundCalculator.Calculate(new(8000, 5, 0.5m))));

        var low = HousingFundCalculator.Calculate(new(8000, 3, 5));
        Assert.Contains(low.Warnings, w => w.Contains("below the 5%", StringComparison.Ordinal));
    }

    [Fact]
    public void RegionCodeMustBeSixDigitsAndComeWithADate()
    {
        Assert.Equal("regionCode", FieldOf(() => ContributionCalculator.Calculate(new(8400, "3603", new DateOnly(2025, 1, 1)))));
        Assert.Equal("date", FieldOf(() => ContributionCalculator.Calculate(new(8400, "360300"))));
    }

    [Fact]
    public void ImpossibleAgesAndDatesAreRejected()
    {
        Assert.Equal("retirementAge", FieldOf(() => PensionCalculator.Calculate(new(15, 1000, PensionBase: 8000, AverageIndex: 1, RetirementAge: new(60, 12)))));
        Assert.Equal("retirementAge", FieldOf(() => PensionCalculator.Calculate(new(15, 1000, PensionBase: 8000, AverageIndex: 1, RetirementAge: new(120, 0)))));
        Assert.Equal("birthDate", FieldOf(() => RetirementAge.For(new DateOnly(1850, 1, 1), RetirementCategory.Male)));
        Assert.Equal("category", FieldOf(() => PensionCalculator.Calculate(new(15, 1000, PensionBase: 8000, AverageIndex: 1, BirthDate: new DateOnly(1971, 1, 1)))));
        Assert.Equal("years", FieldOf(() => PensionCalculator.Calculate(new(-1, 1000, PensionBase: 8000, AverageIndex: 1, RetirementAge: new(60, 0)))));
    }

    [Fact]
    public void AverageIndexOutsideBoundsIsRejected()
    {
        Assert.Equal("averageIndex", FieldOf(() => PensionCalculator.Calculate(new(15, 0, PensionBase: 8000, AverageIndex: 3.5m, RetirementAge: new(60, 0)))));
    }

    [Fact]
    public void RegionWithoutVerifiedPensionBaseAsksForPensionBase()
    {
        var ex = Assert.Throws<CalculationValidationException>(() =>
            PensionCalculator.Calculate(new(20, 0, RegionCode: "360300", Year: 2025, AverageIndex: 1, RetirementAge: new(60, 0))));

        Assert.Equal("pensionBase", ex.Field);
        Assert.Equal("no verified 计发基数 for region 360300 in 2025: pass pensionBase.", ex.Message);
    }
}
