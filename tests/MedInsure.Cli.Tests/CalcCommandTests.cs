using System.Text.Json.Nodes;
using MedInsure.Articles.Calculations;
using MedInsure.Tagging.Regions;

namespace MedInsure.Cli.Tests;

public sealed class CalcCommandTests
{
    [Fact]
    public async Task ContributionsAsJsonAreWhatTheCalculationServiceAnswersTheApi()
    {
        var run = await CommandLine.RunAsync(
            "calc", "contributions", "--base", "8400", "--date", "2025-08-01", "--rate", "pension=8/16", "--rate", "medical=2/8", "--rate", "unemployment=0.5/0.5", "--json");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        var body = JsonNode.Parse("""
            {"base": 8400, "date": "2025-08-01", "rates": {"pension": {"employee": 8, "employer": 16}, "medical": {"employee": 2, "employer": 8}, "unemployment": {"employee": 0.5, "employer": 0.5}}}
            """)!;
        var service = new CalculationService(new Lazy<RegionGazetteer>(RegionGazetteer.LoadDefault), TimeProvider.System);
        var api = JsonSerializer.Serialize(service.Contributions(CalcJson.Read<ContributionsRequest>(JsonSerializer.SerializeToElement(body))), CalcJson.Options);
        Assert.Equal(api, run.Stdout.TrimEnd());
        Assert.Equal(882.00m, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("totals").GetProperty("employee").GetDecimal());
    }

    [Fact]
    public async Task ContributionsSummaryIsReadable()
    {
        var run = await CommandLine.RunAsync("calc", "contributions", "--base=8400", "--rate", "pension=8/16", "--rate", "unemployment=0.5/");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Equal("base 8,400.00", run.Lines[0]);
        Assert.Equal(["insurance", "employee", "employer"], run.Lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["pension", "672.00", "(8%)", "1,344.00", "(16%)"], Words("pension"));
        Assert.Equal(["medical", "168.00", "(2%)", "—"], Words("medical"));
        Assert.Equal(["total", "882.00", "1,344.00", "=", "2,226.00"], Words("total"));
        Assert.Contains("missing: rates.medical.employer", run.Stdout, StringComparison.Ordinal);
        // Amounts are right-aligned under their headers.
        Assert.Equal(run.Lines[1].IndexOf("employer", StringComparison.Ordinal) + "employer".Length, Line("pension").IndexOf("(16%)", StringComparison.Ordinal) + "(16%)".Length);
        Assert.All(run.Lines, line => Assert.Equal(line.TrimEnd(), line));

        string Line(string first) => run.Lines.Single(l => l.StartsWith(first, StringComparison.Ordinal));
        string[] Words(string first) => Line(first).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task EveryCalculatorRunsFromTheCommandLine()
    {
        var housing = await CommandLine.RunAsync("calc", "housing-fund", "--base", "40000", "--employee-rate", "7", "--employer-rate", "7", "--region", "310000", "--date", "2025-08-01", "--json");
        var pension = await CommandLine.RunAsync("calc", "pension", "--pension-base", "8000", "--average-index", "1.2", "--years", "30", "--personal-account-balance", "150000", "--retirement-age", "60", "--json");
        var history = await CommandLine.RunAsync("calc", "pension", "--pension-base", "8000", "--history", "2700:4500", "--history", "20300:7000", "--years", "20", "--personal-account-balance", "0", "--retirement-age", "61y7m", "--json");
        var account = await CommandLine.RunAsync("calc", "medical-account", "--retired", "--region", "360300", "--json");
        var outpatient = await CommandLine.RunAsync("calc", "outpatient", "--eligible-spend", "1500", "--deductible", "200", "--ratio", "60", "--annual-cap", "2000", "--paid-so-far", "1500");

        Assert.All(new[] { housing, pension, history, account, outpatient }, r => Assert.Equal((0, ""), (r.Code, r.Stderr)));
        Assert.Equal(5222.00m, JsonDocument.Parse(housing.Stdout).RootElement.GetProperty("total").GetDecimal());
        Assert.Equal(3719.14m, JsonDocument.Parse(pension.Stdout).RootElement.GetProperty("total").GetDecimal());
        Assert.Equal(1.75m, JsonDocument.Parse(history.Stdout).RootElement.GetProperty("averageIndex").GetDecimal());
        Assert.Equal(61, JsonDocument.Parse(history.Stdout).RootElement.GetProperty("divisorAge").GetInt32());
        Assert.False(JsonDocument.Parse(account.Stdout).RootElement.GetProperty("known").GetBoolean());
        Assert.EndsWith("payable 500.00 (annual cap reached)", outpatient.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "contributions", "--base", "-5" }, "calc contributions: base: base must be greater than 0.")]
    [InlineData(new[] { "contributions", "--base", "abc" }, "calc contributions: base: base must be a number (e.g. 8400 or 0.5).")]
    [InlineData(new[] { "contributions", "--base", "8400", "--region", "990000" }, "calc contributions: region: region '990000' is not a current GB/T 2260 division code.")]
    [InlineData(new[] { "contributions", "--base", "8400", "--rate", "pension=8/120" }, "calc contributions: rates.pension.employer: rates.pension.employer is a percentage and must be between 0 and 100 (8 means 8%).")]
    [InlineData(new[] { "pension", "--years", "20", "--personal-account-balance", "1", "--pension-base", "8000", "--average-index", "1", "--retirement-age", "80" }, "calc pension: retirementAge: retirementAge must be 40–70 years and 0–11 months; got 80y.")]
    public async Task InvalidInputExitsOneAndNamesTheField(string[] args, string error)
    {
        var run = await CommandLine.RunAsync(["calc", .. args]);

        Assert.Equal((1, ""), (run.Code, run.Stdout));
        Assert.Equal(error, run.Stderr.TrimEnd());
    }
}
