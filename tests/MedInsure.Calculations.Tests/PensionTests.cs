namespace MedInsure.Calculations.Tests;

public class PensionTests
{
    [Theory]
    [InlineData(40, 233)]
    [InlineData(70, 56)]
    [InlineData(66, 93)]
    [InlineData(69, 65)]
    public void DivisorTableEnds(int age, int divisor) => Assert.Equal(divisor, NationalRules.PensionDivisor(age));

    [Theory]
    [InlineData(39)]
    [InlineData(71)]
    public void DivisorOutsideFortyToSeventyIsAValidationError(int age)
    {
        var ex = Assert.Throws<CalculationValidationException>(() => NationalRules.PensionDivisor(age));

        Assert.Equal("retirementAge", ex.Field);
    }

    [Theory]
    [InlineData(1965, 1, RetirementCategory.Male, 60, 1, "2025-02")]
    [InlineData(1965, 4, RetirementCategory.Male, 60, 1, "2025-05")]
    [InlineData(1965, 5, RetirementCategory.Male, 60, 2, "2025-07")]
    [InlineData(1976, 8, RetirementCategory.Male, 62, 11, "2039-07")]
    [InlineData(1976, 9, RetirementCategory.Male, 63, 0, "2039-09")]
    [InlineData(1990, 1, RetirementCategory.Male, 63, 0, "2053-01")]
    [InlineData(1969, 12, RetirementCategory.FemaleCadre, 55, 0, "2024-12")]
    [InlineData(1970, 1, RetirementCategory.FemaleCadre, 55, 1, "2025-02")]
    [InlineData(1981, 9, RetirementCategory.FemaleCadre, 58, 0, "2039-09")]
    [InlineData(1974, 12, RetirementCategory.FemaleWorker, 50, 0, "2024-12")]
    [InlineData(1975, 1, RetirementCategory.FemaleWorker, 50, 1, "2025-02")]
    [InlineData(1984, 11, RetirementCategory.FemaleWorker, 55, 0, "2039-11")]
    [InlineData(1984, 10, RetirementCategory.FemaleWorker, 54, 11, "2039-09")]
    public void ReformScheduleAddsOneMonthPerCohortStep(int year, int month, RetirementCategory category, int ageYears, int ageMonths, string date)
    {
        var result = RetirementAge.For(new DateOnly(year, month, 1), category);

        Assert.Equal((new YearsMonths(ageYears, ageMonths), date), (result.Age, result.RetirementYearMonth));
    }

    [Fact]
    public void NonIntegerAgeFloorsTheDivisorAndSaysSo()
    {
        var result = PensionCalculator.Calculate(new(20, 139000, PensionBase: 8000, AverageIndex: 1,
            BirthDate: new DateOnly(1971, 1, 10), Category: RetirementCategory.Male));

        Assert.Equal(new YearsMonths(61, 7), result.RetirementAge);
        Assert.Equal("2032-08", result.RetirementDate);
        Assert.Equal((61, 132), (result.DivisorAge, result.Divisor));
        Assert.Equal(1053.03m, result.PersonalAccountPension);
        Assert.Contains(result.Notes, n => n.Contains("no official month-level divisor", StringComparison.Ordinal));
        Assert.Equal(new YearsMonths(16, 6), result.MinimumYears);
        Assert.True(result.Eligible);
    }

    [Fact]
    public void FifteenYearsIsNotEnoughForRetirementIn2034()
    {
        var result = PensionCalculator.Calculate(new(15, 0, PensionBase: 8000, AverageIndex: 1, Year: 2034, RetirementAge: new(60, 0)));

        Assert.False(result.Eligible);
        Assert.Equal(new YearsMonths(17, 6), result.MinimumYears);
        Assert.Contains(result.Warnings, w => w.Contains("below the minimum 17y6m", StringComparison.Ordinal));
    }

    [Fact]
    public void FractionalYearsCountProportionally()
    {
        var result = PensionCalculator.Calculate(new(15.5m, 0, PensionBase: 8000, AverageIndex: 1, RetirementAge: new(60, 0)));

        Assert.Equal(1240.00m, result.BasicPension);
        Assert.Null(result.Eligible);
    }
}
