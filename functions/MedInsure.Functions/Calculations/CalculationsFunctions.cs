using System.ComponentModel;
using System.Globalization;
using MedInsure.Functions.OpenApi;
using Microsoft.Azure.Functions.Worker;
using CalculationValidationException = MedInsure.Calculations.CalculationValidationException;

namespace MedInsure.Functions.Calculations;

/// <summary>The query string of GET /api/answer.</summary>
public sealed record AnswerRequest(
    [property: Description("The question, e.g. 江西萍乡社保基数8400个人扣多少 (at most 200 characters)")] string? Q,
    [property: Description("Date whose parameter sets apply, yyyy-MM-dd; default today (Asia/Shanghai)")] string? Date);

/// <summary>The calculators over HTTP (POST /api/calc/*) and the question answerer (GET /api/answer).</summary>
internal sealed class CalculationsFunctions(CalculationService calc, AnswerService answers)
{
    private const int MaxBodyBytes = 64 * 1024;
    private const int MaxQuestionLength = 200;

    [Function("CalculateContributions")]
    [ApiOperation("Calculations", "五险 monthly contributions: base clamp, per-insurance lines, totals, what is missing", Problems = [400], UsesStorage = false)]
    [ApiBody(typeof(ContributionsRequest))]
    public Task<Results<Ok<ContributionsResponse>, ValidationProblem>> ContributionsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/calc/contributions")] HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync<ContributionsRequest, ContributionsResponse>(request, calc.Contributions, cancellationToken);

    [Function("CalculateHousingFund")]
    [ApiOperation("Calculations", "住房公积金 monthly deposit per side and in total", Problems = [400], UsesStorage = false)]
    [ApiBody(typeof(HousingFundRequest))]
    public Task<Results<Ok<HousingFundResponse>, ValidationProblem>> HousingFundAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/calc/housing-fund")] HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync<HousingFundRequest, HousingFundResponse>(request, calc.HousingFund, cancellationToken);

    [Function("CalculatePension")]
    [ApiOperation("Calculations", "Enterprise basic pension: basic + personal-account pension, retirement age and eligibility", Problems = [400], UsesStorage = false)]
    [ApiBody(typeof(PensionRequest))]
    public Task<Results<Ok<PensionResponse>, ValidationProblem>> PensionAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/calc/pension")] HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync<PensionRequest, PensionResponse>(request, calc.Pension, cancellationToken);

    [Function("CalculateMedicalAccount")]
    [ApiOperation("Calculations", "Monthly medical personal-account credit (known:false when the region has no verified figure)", Problems = [400], UsesStorage = false)]
    [ApiBody(typeof(MedicalAccountRequest))]
    public Task<Results<Ok<MedicalAccountResponse>, ValidationProblem>> MedicalAccountAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/calc/medical-account")] HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync<MedicalAccountRequest, MedicalAccountResponse>(request, calc.MedicalAccount, cancellationToken);

    [Function("CalculateOutpatient")]
    [ApiOperation("Calculations", "门诊统筹 payable amount for a claim, with the steps", Problems = [400], UsesStorage = false)]
    [ApiBody(typeof(OutpatientRequest))]
    public Task<Results<Ok<OutpatientResponse>, ValidationProblem>> OutpatientAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/calc/outpatient")] HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync<OutpatientRequest, OutpatientResponse>(request, calc.Outpatient, cancellationToken);

    [Function("AnswerQuestion")]
    [ApiOperation("Calculations", "Answers a short Chinese question with a calculation, its assumptions and what is missing", Problems = [400])]
    [ApiQuery(typeof(AnswerRequest))]
    public async Task<Results<Ok<AnswerResponse>, ValidationProblem>> AnswerAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/answer")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var q = request.Query["q"].ToString();
        var date = request.Query.TryGetValue("date", out var dates) ? dates.ToString() : null;
        try
        {
            if (string.IsNullOrWhiteSpace(q))
            {
                throw new CalculationValidationException("q", "q is required: pass the question as ?q=….");
            }

            if (q.Length > MaxQuestionLength)
            {
                throw new CalculationValidationException("q", $"q must be at most {MaxQuestionLength} characters.");
            }

            var asOf = answers.Today;
            if (date is not null)
            {
                asOf = DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                    ? CalculationService.CheckDate(parsed, "date")!.Value
                    : throw new CalculationValidationException("date", "date must be a real calendar date written yyyy-MM-dd.");
            }

            return TypedResults.Ok(await answers.AnswerAsync(q.Trim(), asOf, cancellationToken));
        }
        catch (CalculationValidationException ex)
        {
            return Invalid(ex);
        }
    }

    private static async Task<Results<Ok<TResponse>, ValidationProblem>> HandleAsync<TRequest, TResponse>(
        HttpRequest request, Func<TRequest, TResponse> calculate, CancellationToken cancellationToken)
        where TRequest : class
    {
        try
        {
            var body = await ReadBodyAsync(request, cancellationToken);
            return TypedResults.Ok(calculate(CalcJson.Read<TRequest>(body)));
        }
        catch (CalculationValidationException ex)
        {
            return Invalid(ex);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new CalculationValidationException("body", $"The body must be at most {MaxBodyBytes / 1024} KiB.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                throw new CalculationValidationException("body", $"The body must be at most {MaxBodyBytes / 1024} KiB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>RFC 9457 validation problem naming the field: <c>errors[field]</c> plus <c>parameter</c>, like HttpConventions.InvalidParameter.</summary>
    private static ValidationProblem Invalid(CalculationValidationException ex) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [ex.Field] = [ex.Message] },
        detail: ex.Message,
        title: "Invalid calculation request",
        extensions: new Dictionary<string, object?> { ["parameter"] = ex.Field });
}
