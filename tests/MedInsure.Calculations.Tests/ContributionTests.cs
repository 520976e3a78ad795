namespace MedInsure.Calculations.Tests;

public class ContributionTests
{
    [Fact]
    public void WithoutRegionOrOverridesOnlyNationalEmployeeRatesAreUsedAndTheRestIsMissing()
    {
        var result = ContributionCalculator.Calculate(new(8400));

        Assert.Equal(840.00m, result.Totals.Employee);
        Assert.False(result.Totals.EmployeeComplete);
        Assert.Equal(0m, result.Totals.Employer);
        Assert.Equal(
            ["rates.pension.employer", "rates.medical.employer", "rates.unemployment.employee", "rates.unemployment.employer", "rates.injury.employer"],
            result.Missing.Select(m => m.Field));
        Assert.DoesNotContain(result.Lines, l => l.Insurance == Insurance.Maternity);
    }

    [Fact]
    public void UnknownRegionIsNeverFilledFromAnotherRegion()
    {
        var result = ContributionCalculator.Calculate(new(8400, "360300", new DateOnly(2026, 11, 23)));

        Assert.Null(result.Policy);
        Assert.Contains(result.Warnings, w => w.Contains("No verified parameters for region 360300", StringComparison.Ordinal));
        Assert.Contains(result.Missing, m => m.Field == "rates.unemployment.employee");
    }

    [Fact]
    public void EmployerPensionAboveSixteenPercentIsWarned()
    {
        var result = ContributionCalculator.Calculate(new(8400, Date: new DateOnly(2025, 1, 1), Rates: new(Pension: new(null, 20))));

        Assert.Contains(result.Warnings, w => w.Contains("16% cap", StringComparison.Ordinal));
        Assert.Equal(1680.00m, WorkedCaseTests.Line(result, Insurance.Pension).Employer);
    }

    [Fact]
    public void EmployerPensionAboveSixteenPercentBeforeMay2019IsNotWarned()
    {
        var result = ContributionCalculator.Calculate(new(8400, Date: new DateOnly(2018, 1, 1), Rates: new(Pension: new(null, 20))));

        Assert.DoesNotContain(result.Warnings, w => w.Contains("16% cap", StringComparison.Ordinal));
    }

    [Fact]
    public void SeparateMaternityRateAddsALine()
    {
        var result = ContributionCalculator.Calculate(new(10000, Rates: new(Maternity: new(null, 0.8m))));

        var line = WorkedCaseTests.Line(result, Insurance.Maternity);
        Assert.Equal((0m, 80.00m), (line.Employee, line.Employer));
    }

    [Fact]
    public void BeijingUsesRegionUnemploymentRatesButStillMissesUnsourcedEmployerRates()
    {
        var result = ContributionCalculator.Calculate(new(10000, "110000", new DateOnly(2024, 12, 1)));

        Assert.Equal(50.00m, WorkedCaseTests.Line(result, Insurance.Unemployment).Employee);
        Assert.Equal("region", WorkedCaseTests.Line(result, Insurance.Unemployment).EmployeeRateSource);
        Assert.Equal(800m + 203m + 50m, result.Totals.Employee);
        Assert.Contains(result.Missing, m => m.Field == "rates.medical.employer");
        Assert.Contains(result.Warnings, w => w.Contains("ceiling", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomBasesGiveMonotoneTotalsThatAddUp()
    {
        var random = new Random(20261123);
        var rates = new InsuranceRates(new(8, 16), new(2, 8), new(0.5m, 0.5m), new(0, 0.4m));
        var previous = 0m;
        foreach (var amount in Enumerable.Range(0, 400).Select(_ => Math.Round((decimal)random.NextDouble() * 40000m + 1, 2)).Order())
        {
            var result = ContributionCalculator.Calculate(new(amount, Rates: rates, AverageWage: 8188));

            Assert.True(result.Totals.Total >= previous, $"total fell at base {amount}");
            Assert.Equal(result.Totals.Employee, result.Lines.Sum(l => l.Employee ?? 0));
            Assert.Equal(result.Totals.Employer, result.Lines.Sum(l => l.Employer ?? 0));
            Assert.Equal(result.Totals.Total, result.Totals.Employee + result.Totals.Employer);
            Assert.All(result.Lines, l => Assert.Equal(l.Employee, Math.Round(l.Employee!.Value, 2)));
            Assert.InRange(result.Base.Applied, 4912.80m, 24564.00m);
            previous = result.Totals.Total;
        }
    }

    [Fact]
    public void RandomHousingFundIsMonotoneAndSidesAddUp()
    {
        var random = new Random(7);
        var previous = 0m;
        foreach (var amount in Enumerable.Range(0, 300).Select(_ => Math.Round((decimal)random.NextDouble() * 50000m + 1, 2)).Order())
        {
            var result = HousingFundCalculator.Calculate(new(amount, 7, 7, "310000", new DateOnly(2025, 9, 1)));

            Assert.True(result.Total >= previous);
            Assert.Equal(result.Total, result.Employee + result.Employer);
            Assert.Equal(decimal.Truncate(result.Employee), result.Employee);
            previous = result.Total;
        }
    }

    [Fact]
    public void FenRoundingOptionKeepsCents()
    {
        var result = HousingFundCalculator.Calculate(new(2570, 5, 5, Rounding: MoneyRounding.Fen));

        Assert.Equal(128.50m, result.Employee);
    }
}
