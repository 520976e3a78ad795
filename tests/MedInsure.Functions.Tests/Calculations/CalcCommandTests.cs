using MedInsure.Cli;

namespace MedInsure.Functions.Tests.Calculations;

// The command line's other calc behaviour is tested in MedInsure.Cli.Tests; this compares it with the HTTP API.
public sealed class CalcCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ContributionsAsJsonMatchTheApiResponse()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await CliApp.RunAsync(
            ["calc", "contributions", "--base", "8400", "--date", "2025-08-01", "--rate", "pension=8/16", "--rate", "medical=2/8", "--rate", "unemployment=0.5/0.5", "--json"],
            stdout,
            stderr);

        Assert.Equal(0, code);
        Assert.Equal("", stderr.ToString());
        var api = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/contributions", new
        {
            @base = 8400, date = "2025-08-01",
            rates = new { pension = new { employee = 8, employer = 16 }, medical = new { employee = 2, employer = 8 }, unemployment = new { employee = 0.5, employer = 0.5 } },
        });
        Assert.Equal(await api.Content.ReadAsStringAsync(), stdout.ToString().TrimEnd());
        Assert.Equal(882.00m, JsonDocument.Parse(stdout.ToString()).RootElement.GetProperty("totals").GetProperty("employee").GetDecimal());
    }
}
