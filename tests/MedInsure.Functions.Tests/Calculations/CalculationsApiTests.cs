namespace MedInsure.Functions.Tests.Calculations;

public sealed class CalculationsApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EmployeeContributionsOnBase8400AddUpTo882()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/contributions", new
        {
            @base = 8400,
            date = "2025-08-01",
            rates = new
            {
                pension = new { employee = 8, employer = 16 },
                medical = new { employee = 2, employer = 8 },
                unemployment = new { employee = 0.5, employer = 0.5 },
                injury = new { employee = 0, employer = 0.4 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Contains("\"employee\":882.00", text, StringComparison.Ordinal);
        Assert.Equal(882.00m, body.GetProperty("totals").GetProperty("employee").GetDecimal());
        Assert.Equal(2091.60m, body.GetProperty("totals").GetProperty("employer").GetDecimal());
        Assert.Equal(2973.60m, body.GetProperty("totals").GetProperty("total").GetDecimal());
        var lines = body.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["pension", "medical", "unemployment", "injury"], lines.Select(l => l.GetProperty("insurance").GetString()));
        Assert.Equal([672.00m, 168.00m, 42.00m, 0m], lines.Select(l => l.GetProperty("employee").GetDecimal()));
        Assert.Equal(8400m, body.GetProperty("base").GetProperty("applied").GetDecimal());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("base").GetProperty("clamped").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("policy").ValueKind);
        Assert.True(body.GetProperty("complete").GetBoolean());
        Assert.Equal(0, body.GetProperty("missing").GetArrayLength());
        Assert.Equal("2025-08-01", body.GetProperty("date").GetString());
    }

    [Fact]
    public async Task BaseAboveThreeTimesTheAverageWageIsClampedToTheCeiling()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/contributions", new
        {
            @base = 28600,
            averageWage = 7500,
            rates = new { pension = new { employee = 8, employer = 16 } },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var baseBlock = body.GetProperty("base");
        Assert.Equal((28600m, 22500m, 4500m, 22500m, "ceiling"), (
            baseBlock.GetProperty("requested").GetDecimal(), baseBlock.GetProperty("applied").GetDecimal(), baseBlock.GetProperty("floor").GetDecimal(),
            baseBlock.GetProperty("ceiling").GetDecimal(), baseBlock.GetProperty("clamped").GetString()));
        var pension = body.GetProperty("lines")[0];
        Assert.Equal((1800.00m, 3600.00m), (pension.GetProperty("employee").GetDecimal(), pension.GetProperty("employer").GetDecimal()));

        // Unemployment has no rate anywhere: it is reported, not guessed.
        Assert.False(body.GetProperty("complete").GetBoolean());
        Assert.Contains(body.GetProperty("missing").EnumerateArray(), m => m.GetProperty("field").GetString() == "rates.unemployment.employee");
    }

    [Fact]
    public async Task ShanghaiHousingFundAtTheCeilingIs5222InFiscal2025()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/housing-fund", new
        {
            @base = 40000, employeeRate = 7, employerRate = 7, region = "310000", date = "2025-08-01",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(37302m, body.GetProperty("base").GetProperty("applied").GetDecimal());
        Assert.Equal("ceiling", body.GetProperty("base").GetProperty("clamped").GetString());
        Assert.Equal((2611m, 2611m, 5222m), (body.GetProperty("employee").GetDecimal(), body.GetProperty("employer").GetDecimal(), body.GetProperty("total").GetDecimal()));
        Assert.Contains("\"total\":5222.00", text, StringComparison.Ordinal);
        Assert.Equal("yuan", body.GetProperty("rounding").GetString());
        Assert.Equal("shanghai-hpf-fy2025", body.GetProperty("policy").GetProperty("entryId").GetString());
        Assert.True(body.GetProperty("policy").GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task PensionWithIndex12Over30YearsAt60Is371914()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/pension", new
        {
            pensionBase = 8000, averageIndex = 1.2, years = 30, personalAccountBalance = 150000, retirementAge = 60,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2640.00m, body.GetProperty("basicPension").GetDecimal());
        Assert.Equal(1079.14m, body.GetProperty("personalAccountPension").GetDecimal());
        Assert.Equal(3719.14m, body.GetProperty("total").GetDecimal());
        Assert.Equal(139, body.GetProperty("divisor").GetInt32());
        Assert.Equal(60, body.GetProperty("retirementAge").GetProperty("years").GetInt32());
        Assert.Contains(body.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("Transitional pension", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PensionFromBirthDateUsesTheReformedRetirementAge()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/pension", new
        {
            pensionBase = 8000, averageIndex = 1.0, years = 20, personalAccountBalance = 100000, birthDate = "1971-01-15", category = "male",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((61, 7), (body.GetProperty("retirementAge").GetProperty("years").GetInt32(), body.GetProperty("retirementAge").GetProperty("months").GetInt32()));
        Assert.Equal("2032-08", body.GetProperty("retirementDate").GetString());
        Assert.Equal(1600.00m, body.GetProperty("basicPension").GetDecimal());
        Assert.Equal((16, 6), (body.GetProperty("minimumYears").GetProperty("years").GetInt32(), body.GetProperty("minimumYears").GetProperty("months").GetInt32()));
        Assert.True(body.GetProperty("eligible").GetBoolean());
    }

    [Fact]
    public async Task InServiceMedicalAccountGetsTwoPercentOfTheBase()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/medical-account", new { @base = 8400 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("known").GetBoolean());
        Assert.Equal(168.00m, body.GetProperty("monthlyCredit").GetDecimal());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task RetireeMedicalAccountInARegionWithoutVerifiedDataIsUnknownNotAnError()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/medical-account", new { retired = true, region = "360300" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("known").GetBoolean());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("monthlyCredit").ValueKind);
        Assert.StartsWith("Unknown for this region: no verified retiree credit for region 360300", body.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task OutpatientClaimIsLimitedByTheRemainingAnnualCap()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsJsonAsync("/api/calc/outpatient", new
        {
            eligibleSpend = 1500, deductible = 200, ratio = 60, annualCap = 2000, paidSoFar = 1500,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(500.00m, body.GetProperty("payable").GetDecimal());
        Assert.Equal(780.00m, body.GetProperty("byRatio").GetDecimal());
        Assert.True(body.GetProperty("capReached").GetBoolean());
        Assert.Equal("Payable: min(780.00, 500.00) = 500.00", body.GetProperty("steps")[4].GetString());
    }

    [Theory]
    [InlineData("contributions", """{"rates":{"pension":{"employee":8}}}""", "base", "base is required.")]
    [InlineData("contributions", """{"base":0}""", "base", "base must be greater than 0.")]
    [InlineData("contributions", """{"base":-8400}""", "base", "base must be greater than 0.")]
    [InlineData("contributions", """{"base":"lots"}""", "base", "base must be a number (e.g. 8400 or 0.5).")]
    [InlineData("contributions", """{"base":8400,"rates":{"pension":{"employer":120}}}""", "rates.pension.employer", "rates.pension.employer is a percentage and must be between 0 and 100 (8 means 8%).")]
    [InlineData("contributions", """{"base":8400,"region":"990000"}""", "region", "region '990000' is not a current GB/T 2260 division code.")]
    [InlineData("contributions", """{"base":8400,"region":"36030"}""", "region", "region must be a 6-digit GB/T 2260 code such as 360300; got '36030'.")]
    [InlineData("contributions", """{"base":8400,"date":"2025-02-30"}""", "date", "date must be a real calendar date written yyyy-MM-dd.")]
    [InlineData("contributions", """{"base":8400,"averagWage":7500}""", "averagWage", "averagWage is not a field of this request (check the spelling; see Calculations/README.md).")]
    [InlineData("contributions", """{"base":8400,""", "body", "The body is not valid JSON (line 1, byte 13).")]
    [InlineData("housing-fund", """{"base":8400,"employeeRate":7,"employerRate":7,"rounding":"jiao"}""", "rounding", "rounding must be one of: fen, yuan.")]
    [InlineData("housing-fund", """{"base":8400,"employeeRate":15,"employerRate":7}""", "employeeRate", "employeeRate must be between 1 and 12 (percent); got 15.")]
    [InlineData("pension", """{"pensionBase":8000,"averageIndex":1,"years":20,"personalAccountBalance":1,"retirementAge":80}""", "retirementAge", "retirementAge must be 40–70 years and 0–11 months; got 80y.")]
    [InlineData("pension", """{"pensionBase":8000,"averageIndex":1,"years":20,"personalAccountBalance":1,"birthDate":"2030-01-01","category":"male"}""", "birthDate", "birthDate 2030-01-01 is in the future.")]
    [InlineData("pension", """{"pensionBase":8000,"averageIndex":1,"years":20,"personalAccountBalance":1,"retirementAge":{"years":60,"months":12}}""", "retirementAge", "retirementAge must be 40–70 years and 0–11 months; got 60y12m.")]
    [InlineData("pension", """{"region":"360300","year":2026,"averageIndex":1,"years":20,"personalAccountBalance":1,"retirementAge":60}""", "pensionBase", "no verified 计发基数 for region 360300 in 2026: pass pensionBase.")]
    [InlineData("outpatient", """{"eligibleSpend":1500,"deductible":200,"ratio":150,"annualCap":2000}""", "ratio", "ratio is a percentage and must be between 0 and 100 (8 means 8%).")]
    public async Task InvalidRequestIsAProblemNamingTheField(string calculator, string json, string field, string message)
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().PostAsync($"/api/calc/{calculator}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Invalid calculation request", problem.GetProperty("title").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.GetProperty("parameter").GetString());
        Assert.Equal(message, Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray()).GetString());
        Assert.Equal(message, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task CalculatorsNeedAFunctionKey()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateClient().PostAsJsonAsync("/api/calc/contributions", new { @base = 8400 });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unauthorized", problem.GetProperty("title").GetString());
        var answer = await app.CreateClient().GetAsync("/api/answer?q=" + Uri.EscapeDataString("社保基数8400个人扣多少"));
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
