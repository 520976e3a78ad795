using MedInsure.Functions.Cli;

namespace MedInsure.Functions.Tests.Calculations;

public sealed class CalcCommandTests(AzuriteFixture azurite)
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CalcCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task ContributionsAsJsonMatchTheApiResponse()
    {
        await using var app = new MedInsureApplication(azurite.Azurite);

        var (code, stdout, stderr) = await RunAsync(
            "contributions", "--base", "8400", "--date", "2025-08-01", "--rate", "pension=8/16", "--rate", "medical=2/8", "--rate", "unemployment=0.5/0.5", "--json");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal("", stderr);
        var api = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/contributions", new
        {
            @base = 8400, date = "2025-08-01",
            rates = new { pension = new { employee = 8, employer = 16 }, medical = new { employee = 2, employer = 8 }, unemployment = new { employee = 0.5, employer = 0.5 } },
        });
        Assert.Equal(await api.Content.ReadAsStringAsync(), stdout.TrimEnd());
        Assert.Equal(882.00m, JsonDocument.Parse(stdout).RootElement.GetProperty("totals").GetProperty("employee").GetDecimal());
    }

    [Fact]
    public async Task ContributionsSummaryIsReadable()
    {
        var (code, stdout, _) = await RunAsync("contributions", "--base=8400", "--rate", "pension=8/16", "--rate", "unemployment=0.5/");

        Assert.Equal(CommandLine.Ok, code);
        Assert.Contains("base 8,400.00", stdout, StringComparison.Ordinal);
        var lines = stdout.Split('\n');
        Assert.Equal(["pension", "672.00", "(8%)", "1,344.00", "(16%)"], lines.Single(l => l.StartsWith("pension", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["medical", "168.00", "(2%)", "—"], lines.Single(l => l.StartsWith("medical", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["total", "882.00", "1,344.00", "=", "2,226.00"], lines.Single(l => l.StartsWith("total", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("missing: rates.medical.employer", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCalculatorRunsFromTheCommandLine()
    {
        var housing = await RunAsync("housing-fund", "--base", "40000", "--employee-rate", "7", "--employer-rate", "7", "--region", "310000", "--date", "2025-08-01", "--json");
        var pension = await RunAsync("pension", "--pension-base", "8000", "--average-index", "1.2", "--years", "30", "--personal-account-balance", "150000", "--retirement-age", "60", "--json");
        var history = await RunAsync("pension", "--pension-base", "8000", "--history", "2700:4500", "--history", "20300:7000", "--years", "20", "--personal-account-balance", "0", "--retirement-age", "61y7m", "--json");
        var account = await RunAsync("medical-account", "--retired", "--region", "360300", "--json");
        var outpatient = await RunAsync("outpatient", "--eligible-spend", "1500", "--deductible", "200", "--ratio", "60", "--annual-cap", "2000", "--paid-so-far", "1500");

        Assert.Equal(5222.00m, JsonDocument.Parse(housing.Stdout).RootElement.GetProperty("total").GetDecimal());
        Assert.Equal(3719.14m, JsonDocument.Parse(pension.Stdout).RootElement.GetProperty("total").GetDecimal());
        Assert.Equal(1.75m, JsonDocument.Parse(history.Stdout).RootElement.GetProperty("averageIndex").GetDecimal());
        Assert.Equal(61, JsonDocument.Parse(history.Stdout).RootElement.GetProperty("divisorAge").GetInt32());
        Assert.False(JsonDocument.Parse(account.Stdout).RootElement.GetProperty("known").GetBoolean());
        Assert.EndsWith("payable 500.00 (annual cap reached)", outpatient.Stdout.TrimEnd(), StringComparison.Ordinal);
        Assert.All([housing, pension, history, account, outpatient], r => Assert.Equal((CommandLine.Ok, ""), (r.Code, r.Stderr)));
    }

    [Theory]
    [InlineData(new[] { "contributions", "--base", "-5" }, "calc contributions: base: base must be greater than 0.")]
    [InlineData(new[] { "contributions", "--base", "abc" }, "calc contributions: base: base must be a number (e.g. 8400 or 0.5).")]
    [InlineData(new[] { "contributions", "--base", "8400", "--region", "990000" }, "calc contributions: region: region '990000' is not a current GB/T 2260 division code.")]
    [InlineData(new[] { "contributions", "--base", "8400", "--rate", "pension=8/120" }, "calc contributions: rates.pension.employer: rates.pension.employer is a percentage and must be between 0 and 100 (8 means 8%).")]
    [InlineData(new[] { "pension", "--years", "20", "--personal-account-balance", "1", "--pension-base", "8000", "--average-index", "1", "--retirement-age", "80" }, "calc pension: retirementAge: retirementAge must be 40–70 years and 0–11 months; got 80y.")]
    public async Task InvalidInputExitsWithOneAndNamesTheField(string[] args, string error)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CommandLine.InputRejected, code);
        Assert.Equal("", stdout);
        Assert.Equal(error, stderr.TrimEnd());
    }

    [Theory]
    [InlineData(new string[0], "calc: missing calculator")]
    [InlineData(new[] { "salary" }, "calc: unknown calculator 'salary'")]
    [InlineData(new[] { "contributions", "--bass", "8400" }, "calc contributions: unknown option '--bass'")]
    [InlineData(new[] { "contributions", "--base" }, "calc contributions: option '--base' needs a value")]
    [InlineData(new[] { "contributions", "--base", "8400", "--rate", "housing=8/8" }, "calc contributions: --rate takes INSURANCE=EMPLOYEE/EMPLOYER")]
    public async Task UsageErrorsExitWithTwoAndPrintTheUsage(string[] args, string error)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Equal("", stdout);
        Assert.StartsWith(error, stderr, StringComparison.Ordinal);
        Assert.Contains("usage: calc <contributions|housing-fund|pension|medical-account|outpatient>", stderr, StringComparison.Ordinal);
    }
}
