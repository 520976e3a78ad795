namespace MedInsure.Calculations.Tests;

// Section 8 of docs/policy-and-regions.md, one test per worked case; rates marked "param" there are inputs here.
public class WorkedCaseTests
{
    private static readonly DateOnly BeijingDate = new(2024, 9, 1);

    [Fact]
    public void Case01EmployeeDeductionsAt8400Are882()
    {
        var result = ContributionCalculator.Calculate(new(8400, Rates: new(Unemployment: new(0.5m, null))));

        Assert.Equal(672.00m, Line(result, Insurance.Pension).Employee);
        Assert.Equal(168.00m, Line(result, Insurance.Medical).Employee);
        Assert.Equal(42.00m, Line(result, Insurance.Unemployment).Employee);
        Assert.Equal(882.00m, result.Totals.Employee);
        Assert.True(result.Totals.EmployeeComplete);
    }

    [Fact]
    public void Case02EmployerSideAt8400Is2091Point60()
    {
        var rates = new InsuranceRates(new(null, 16), new(null, 8), new(0.5m, 0.5m), new(null, 0.4m));
        var result = ContributionCalculator.Calculate(new(8400, Rates: rates));

        Assert.Equal([1344.00m, 672.00m, 42.00m, 33.60m], result.Lines.Select(l => l.Employer!.Value));
        Assert.Equal(2091.60m, result.Totals.Employer);
        Assert.True(result.Complete);
    }

    [Fact]
    public void Case03DeclaredWageAboveCeilingIsClampedTo22500()
    {
        var result = ContributionCalculator.Calculate(new(28600, AverageWage: 7500, Rates: new(Pension: new(null, 16))));

        Assert.Equal(new BaseBlock(28600, 22500, 4500.00m, 22500.00m, "ceiling"), result.Base);
        Assert.Equal(1800.00m, Line(result, Insurance.Pension).Employee);
        Assert.Equal(3600.00m, Line(result, Insurance.Pension).Employer);
    }

    [Fact]
    public void Case04DeclaredWageBelowFloorIsRaisedTo4500()
    {
        var result = ContributionCalculator.Calculate(new(3000, AverageWage: 7500));

        Assert.Equal("floor", result.Base.Clamped);
        Assert.Equal(4500m, result.Base.Applied);
        Assert.Equal(360.00m, Line(result, Insurance.Pension).Employee);
        Assert.Equal(90.00m, Line(result, Insurance.Medical).Employee);
    }

    [Fact]
    public void Case05BoundsKeepTheirDecimals()
    {
        var result = ContributionCalculator.Calculate(new(5000, AverageWage: 8188));

        Assert.Equal(4912.80m, result.Base.Floor);
        Assert.Equal(24564.00m, result.Base.Ceiling);
        Assert.Null(result.Base.Clamped);
    }

    [Fact]
    public void Case06HalfUpRoundingGives19Point79NotBankers19Point78()
    {
        var result = ContributionCalculator.Calculate(new(3957, Rates: new(Unemployment: new(0.5m, null))));

        Assert.Equal(19.79m, Line(result, Insurance.Unemployment).Employee);
        Assert.NotEqual(Math.Round(19.785m, 2), Line(result, Insurance.Unemployment).Employee);
    }

    [Fact]
    public void Case07BeijingMedicalIsTwoPercentPlusThreeYuanAtTheFloor()
    {
        var result = ContributionCalculator.Calculate(new(6000, "110105", BeijingDate));

        Assert.Equal("floor", result.Base.Clamped);
        Assert.Equal(6821m, result.Base.Applied);
        Assert.Equal(139.42m, Line(result, Insurance.Medical).Employee);
        Assert.Equal(3m, Line(result, Insurance.Medical).EmployeeFixedAddOn);
        Assert.True(result.Policy!.Verified);
        Assert.Equal("110000", result.Policy.RegionCode);
        Assert.Contains(result.Policy.Sources, s => s.Url.Contains("forvismazars", StringComparison.Ordinal));
    }

    [Fact]
    public void Case08ShanghaiHousingFundFy2025CeilingAndFloor()
    {
        var date = new DateOnly(2025, 9, 1);
        var high = HousingFundCalculator.Calculate(new(50000, 7, 7, "310000", date));
        var low = HousingFundCalculator.Calculate(new(2000, 7, 7, "310115", date));

        Assert.Equal((2611m, 5222m, "ceiling"), (high.Employee, high.Total, high.Base.Clamped));
        Assert.Equal((188m, 376m, "floor"), (low.Employee, low.Total, low.Base.Clamped));
        Assert.Equal(MoneyRounding.Yuan, high.Rounding);
        Assert.Equal("shanghai-hpf-fy2025", high.Policy!.EntryId);
    }

    [Fact]
    public void Case09HousingFundTieRoundsHalfUpPerSide()
    {
        var tie = HousingFundCalculator.Calculate(new(2570, 5, 5));
        var fy2023 = HousingFundCalculator.Calculate(new(2000, 5, 5, "310000", new DateOnly(2023, 12, 1)));

        Assert.Equal(129m, tie.Employee);
        Assert.Equal(2590m, fy2023.Base.Applied);
        Assert.Equal(130m, fy2023.Employee);
        Assert.Equal(260m, fy2023.Total);
    }

    [Fact]
    public void Case10HousingFundBaseIsCappedAtThreeTimesCityAverage()
    {
        var result = HousingFundCalculator.Calculate(new(28600, 12, 12, CityAverageWage: 9000));

        Assert.Equal(27000m, result.Base.Applied);
        Assert.Equal(3240m, result.Employee);
        Assert.Equal(6480m, result.Total);
    }

    [Fact]
    public void Case11BasicPensionAtIndexOneFor20Years()
    {
        var result = PensionCalculator.Calculate(new(20, 0, PensionBase: 8000, AverageIndex: 1.0m, RetirementAge: new(60, 0)));

        Assert.Equal(1600.00m, result.BasicPension);
    }

    [Fact]
    public void Case12BasicPensionAtLowIndex()
    {
        var result = PensionCalculator.Calculate(new(15, 0, PensionBase: 7000, AverageIndex: 0.6m, RetirementAge: new(60, 0)));

        Assert.Equal(840.00m, result.BasicPension);
    }

    [Theory]
    [InlineData(60, 139, 719.42)]
    [InlineData(55, 170, 588.24)]
    [InlineData(50, 195, 512.82)]
    [InlineData(47, 208, 480.77)]
    public void Case13PersonalAccountPensionUsesTheDivisorTable(int age, int divisor, double expected)
    {
        var result = PensionCalculator.Calculate(new(20, 100000, PensionBase: 8000, AverageIndex: 1, RetirementAge: new(age, 0)));

        Assert.Equal(divisor, result.Divisor);
        Assert.Equal((decimal)expected, result.PersonalAccountPension);
        Assert.NotEqual(483.09m, result.PersonalAccountPension);
    }

    [Fact]
    public void Case14TotalPensionFlagsTransitionalPensionAsNotIncluded()
    {
        var result = PensionCalculator.Calculate(new(30, 150000, PensionBase: 8000, AverageIndex: 1.2m, RetirementAge: new(60, 0)));

        Assert.Equal(2640.00m, result.BasicPension);
        Assert.Equal(1079.14m, result.PersonalAccountPension);
        Assert.Equal(3719.14m, result.Total);
        Assert.Contains(result.Notes, n => n.Contains("Transitional pension", StringComparison.Ordinal) && n.Contains("not included", StringComparison.Ordinal));
    }

    [Fact]
    public void Case15AverageIndexClampsEachYearThenAverages()
    {
        var history = new ContributionYear[] { new(2700, 4500), new(6000, 6000), new(9750, 6500), new(20300, 7000) };
        var result = PensionCalculator.Calculate(new(20, 0, PensionBase: 8000, History: history, RetirementAge: new(60, 0)));

        Assert.Equal([0.6m, 1.0m, 1.5m, 2.9m], result.YearlyIndexes!);
        Assert.Equal(1.5m, result.AverageIndex);
    }

    [Fact]
    public void Case15YearlyIndexAboveThreeIsClamped()
    {
        var (index, yearly) = PensionCalculator.ResolveIndex(new(1, 0, History: [new(40000, 8000), new(1000, 8000)]));

        Assert.Equal([3.0m, 0.6m], yearly!);
        Assert.Equal(1.8m, index);
    }

    [Fact]
    public void Case16FlexibleEmploymentPaysTwentyPercentAndCreditsEight()
    {
        var low = FlexibleEmploymentCalculator.Calculate(new(GradePercent: 60, AverageWage: 7500));
        var full = FlexibleEmploymentCalculator.Calculate(new(GradePercent: 100, AverageWage: 7500));

        Assert.Equal((4500m, 900.00m, 360.00m), (low.Base.Applied, low.Monthly, low.PersonalAccountCredit));
        Assert.Equal(1500.00m, full.Monthly);
    }

    [Fact]
    public void Case17InServiceMedicalAccountIsOnlyTheEmployeeTwoPercent()
    {
        var result = MedicalAccountCalculator.Calculate(new(false, 8400));

        Assert.True(result.Known);
        Assert.Equal(168.00m, result.MonthlyCredit);
        Assert.NotEqual(319.20m, result.MonthlyCredit);
    }

    [Fact]
    public void Case17RetireeCreditWithoutRegionDataIsUnknown()
    {
        var noRegion = MedicalAccountCalculator.Calculate(new(true));
        var pingxiang = MedicalAccountCalculator.Calculate(new(true, null, "360300", new DateOnly(2026, 11, 23)));

        Assert.False(noRegion.Known);
        Assert.Null(noRegion.MonthlyCredit);
        Assert.StartsWith("Unknown for this region", pingxiang.Basis, StringComparison.Ordinal);
        Assert.Contains("360300", pingxiang.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Case18OutpatientIsLimitedByTheRemainingAnnualCap()
    {
        var result = OutpatientCalculator.Calculate(new(1500, 200, 0, 60, 2000, 1500));

        Assert.Equal(780.00m, result.ByRatio);
        Assert.Equal(500.00m, result.RemainingCap);
        Assert.Equal(500.00m, result.Payable);
        Assert.True(result.CapReached);
        Assert.Equal(5, result.Steps.Count);
        Assert.EndsWith("= 500.00", result.Steps[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1971, 1, RetirementCategory.Male, 61, 7, "2032-08")]
    [InlineData(1971, 5, RetirementCategory.Male, 61, 8, "2033-01")]
    [InlineData(1964, 12, RetirementCategory.Male, 60, 0, "2024-12")]
    [InlineData(1975, 3, RetirementCategory.FemaleWorker, 50, 2, "2025-05")]
    public void Case19RetirementDatesFollowTheReformSchedule(int year, int month, RetirementCategory category, int ageYears, int ageMonths, string expected)
    {
        var result = RetirementAge.For(new DateOnly(year, month, 15), category);

        Assert.Equal(new YearsMonths(ageYears, ageMonths), result.Age);
        Assert.Equal(expected, result.RetirementYearMonth);
    }

    [Theory]
    [InlineData(2029, 15, 0)]
    [InlineData(2030, 15, 6)]
    [InlineData(2034, 17, 6)]
    [InlineData(2039, 20, 0)]
    [InlineData(2045, 20, 0)]
    public void Case20MinimumContributionYearsRiseFrom2030(int year, int years, int months)
    {
        Assert.Equal(new YearsMonths(years, months), NationalRules.MinimumContributionYears(year));
    }

    internal static ContributionLine Line(ContributionResult result, Insurance insurance) =>
        result.Lines.Single(l => l.Insurance == insurance);
}
