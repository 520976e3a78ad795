namespace MedInsure.Functions.Tests.Calculations;

public sealed class AnswerApiTests(AzuriteFixture azurite)
{
    private static Task<HttpResponseMessage> AskAsync(HttpClient client, string question, string? date = null) =>
        client.GetAsync("/api/answer?q=" + Uri.EscapeDataString(question) + (date is null ? "" : "&date=" + date));

    [Fact]
    public async Task WithStorageDownAnswersAndCalculationsStillWorkAndDataRoutesAnswer503WithRetryAfter()
    {
        var down = await Azurite.StartAsync();
        await using var app = await MedInsureApplication.StartAsync(down);
        await down.StopAsync();
        var client = app.CreateKeyedClient();

        var answer = await AskAsync(client, "江西萍乡社保基数8400个人扣多少");
        var calc = await client.PostAsJsonAsync("/api/calc/contributions", new { @base = 8400 });
        var topics = await client.GetAsync("/api/topics");

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("养老保险672.00元（8%）", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, body.GetProperty("articles").GetArrayLength());
        Assert.Equal(AnswerService.RelatedArticlesUnavailable, Assert.Single(body.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Equal(HttpStatusCode.OK, calc.StatusCode);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, topics.StatusCode);
        Assert.Equal("application/problem+json", topics.Content.Headers.ContentType?.MediaType);
        Assert.True(topics.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await topics.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", problem.GetProperty("traceId").GetString());
        var text = problem.GetRawText();
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotContain("127.0.0.1", text);
        await down.DisposeAsync();
    }

    [Fact]
    public async Task PingxiangQuestionStatesTheNationalPartAndWhatIsMissingWithoutBorrowingAnotherRegion()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await AskAsync(app.CreateKeyedClient(), "江西萍乡社保基数8400个人扣多少");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var parsed = body.GetProperty("parsed");
        Assert.Equal("360300", parsed.GetProperty("regionCode").GetString());
        Assert.Equal(8400m, parsed.GetProperty("baseAmount").GetDecimal());
        Assert.Equal("contributions-employee", parsed.GetProperty("intent").GetString());
        Assert.Equal(0, body.GetProperty("warnings").GetArrayLength());

        var answer = body.GetProperty("answer").GetString()!;
        Assert.Contains("养老保险672.00元（8%）", answer, StringComparison.Ordinal);
        Assert.Contains("医疗保险168.00元（2%）", answer, StringComparison.Ordinal);
        Assert.Contains("= 840.00元", answer, StringComparison.Ordinal);
        Assert.Contains("失业保险个人费率由当地规定", answer, StringComparison.Ordinal);
        Assert.Contains(body.GetProperty("missing").EnumerateArray(), m => m.GetString()!.Contains("rates.unemployment.employee", StringComparison.Ordinal));

        var calculation = body.GetProperty("calculation");
        Assert.Equal(JsonValueKind.Null, calculation.GetProperty("policy").ValueKind);
        Assert.Equal(840.00m, calculation.GetProperty("totals").GetProperty("employee").GetDecimal());
        Assert.False(calculation.GetProperty("totals").GetProperty("employeeComplete").GetBoolean());
        Assert.All(calculation.GetProperty("lines").EnumerateArray(), l => Assert.NotEqual("region", l.GetProperty("employeeRateSource").GetString()));
        Assert.All(body.GetProperty("assumptions").EnumerateArray(), a => Assert.False(string.IsNullOrEmpty(a.GetProperty("source").GetString())));
        Assert.Equal(0, body.GetProperty("articles").GetArrayLength());
    }

    [Fact]
    public async Task ShanghaiHousingFundQuestionGivesTheCityBandRange()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await AskAsync(app.CreateKeyedClient(), "上海公积金基数10000每月交多少", "2025-08-01");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("310000", body.GetProperty("parsed").GetProperty("regionCode").GetString());
        Assert.Equal("housing-fund", body.GetProperty("parsed").GetProperty("intent").GetString());
        Assert.Contains("5%–7%", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Contains("各500–700元", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        var range = body.GetProperty("calculation");
        Assert.Equal(2, range.GetArrayLength());
        Assert.Equal("shanghai-hpf-fy2025", range[1].GetProperty("policy").GetProperty("entryId").GetString());
        Assert.Contains(body.GetProperty("missing").EnumerateArray(), m => m.GetString()!.StartsWith("housing fund rate", StringComparison.Ordinal));
        Assert.Equal("2025-08-01", body.GetProperty("date").GetString());
    }

    [Fact]
    public async Task MedicalAccountQuestionIsAnsweredWithTheTwoPercentRule()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await AskAsync(app.CreateKeyedClient(), "工资8400医保个人账户每月划入多少");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("medical-account", body.GetProperty("parsed").GetProperty("intent").GetString());
        Assert.Contains("168.00元", body.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Equal(168.00m, body.GetProperty("calculation").GetProperty("monthlyCredit").GetDecimal());
        Assert.Equal(0, body.GetProperty("missing").GetArrayLength());
    }

    [Fact]
    public async Task EmployerQuestionWithoutRegionAnswersNothingAndListsTheMissingRates()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await AskAsync(app.CreateKeyedClient(), "社保基数8400公司每月交多少");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("contributions-employer", body.GetProperty("parsed").GetProperty("intent").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("answer").ValueKind);
        var missing = body.GetProperty("missing").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Contains(missing, m => m.Contains("rates.pension.employer", StringComparison.Ordinal));
        Assert.Contains(missing, m => m.Contains("rates.medical.employer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PensionQuestionListsEverythingItNeeds()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await AskAsync(app.CreateKeyedClient(), "甘肃交了15年社保退休能领多少");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pension", body.GetProperty("parsed").GetProperty("intent").GetString());
        Assert.Equal(15m, body.GetProperty("parsed").GetProperty("years").GetDecimal());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("answer").ValueKind);
        Assert.Contains(body.GetProperty("missing").EnumerateArray(), m => m.GetString()!.StartsWith("pensionBase: no verified 计发基数", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RelatedArticlesComeFromTheSameRegionAndTopic()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        await app.UploadAsync("pingxiang.txt", TestDumps.Page(
            "萍乡社保缴费基数8400元个人每月交多少钱",
            "萍乡职工按缴费基数8400元计算，养老保险个人缴纳8%，即672元；医疗保险个人缴纳2%，即168元。\n失业保险个人部分按当地比例执行。",
            new TestDumps.Related("盐城市公积金缴存比例是多少", "盐城住房公积金缴存比例为5%至12%。")));
        await app.TriggerAsync();

        var response = await AskAsync(app.CreateKeyedClient(), "江西萍乡社保基数8400个人扣多少");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var article = Assert.Single(body.GetProperty("articles").EnumerateArray());
        Assert.Equal("萍乡社保缴费基数8400元个人每月交多少钱", article.GetProperty("title").GetString());
        Assert.Equal("360300", article.GetProperty("region").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("", "q", "q is required: pass the question as ?q=….")]
    [InlineData("社保基数8400个人扣多少&date=2025-13-01", "date", "date must be a real calendar date written yyyy-MM-dd.")]
    public async Task BadAnswerQueryIsAProblemNamingTheParameter(string query, string field, string message)
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);

        var response = await app.CreateKeyedClient().GetAsync("/api/answer?q=" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(field, problem.GetProperty("parameter").GetString());
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
