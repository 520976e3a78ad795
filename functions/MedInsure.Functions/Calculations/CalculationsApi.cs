using System.ComponentModel;
using System.Globalization;
using CalculationValidationException = MedInsure.Calculations.CalculationValidationException;
using MedInsure.Functions.Http;

namespace MedInsure.Functions.Calculations;

/// <summary>Issue #6: the calculators over HTTP (POST /api/calc/*) and the question answerer (GET /api/answer).</summary>
internal static class CalculationsApi
{
    private const int MaxBodyBytes = 64 * 1024;
    private const int MaxQuestionLength = 200;

    public static IEndpointRouteBuilder MapCalculations(this IEndpointRouteBuilder routes)
    {
        var calc = routes.MapGroup("/api/calc").WithTags("Calculations").RequireFunctionKey();
        calc.MapPost("/contributions", Contributions).Accepts<ContributionsRequest>("application/json")
            .WithName("CalculateContributions").WithSummary("五险 monthly contributions: base clamp, per-insurance lines, totals, what is missing");
        calc.MapPost("/housing-fund", HousingFund).Accepts<HousingFundRequest>("application/json")
            .WithName("CalculateHousingFund").WithSummary("住房公积金 monthly deposit per side and in total");
        calc.MapPost("/pension", Pension).Accepts<PensionRequest>("application/json")
            .WithName("CalculatePension").WithSummary("Enterprise basic pension: basic + personal-account pension, retirement age and eligibility");
        calc.MapPost("/medical-account", MedicalAccount).Accepts<MedicalAccountRequest>("application/json")
            .WithName("CalculateMedicalAccount").WithSummary("Monthly medical personal-account credit (known:false when the region has no verified figure)");
        calc.MapPost("/outpatient", Outpatient).Accepts<OutpatientRequest>("application/json")
            .WithName("CalculateOutpatient").WithSummary("门诊统筹 payable amount for a claim, with the steps");

        routes.MapGet("/api/answer", Answer).WithTags("Calculations").RequireFunctionKey()
            .WithName("AnswerQuestion").WithSummary("Answers a short Chinese question with a calculation, its assumptions and what is missing");
        return routes;
    }

    public static Task<Results<Ok<ContributionsResponse>, ValidationProblem>> Contributions(HttpRequest request, CalculationService calc, CancellationToken cancellationToken) =>
        HandleAsync<ContributionsRequest, ContributionsResponse>(request, calc.Contributions, cancellationToken);

    public static Task<Results<Ok<HousingFundResponse>, ValidationProblem>> HousingFund(HttpRequest request, CalculationService calc, CancellationToken cancellationToken) =>
        HandleAsync<HousingFundRequest, HousingFundResponse>(request, calc.HousingFund, cancellationToken);

    public static Task<Results<Ok<PensionResponse>, ValidationProblem>> Pension(HttpRequest request, CalculationService calc, CancellationToken cancellationToken) =>
        HandleAsync<PensionRequest, PensionResponse>(request, calc.Pension, cancellationToken);

    public static Task<Results<Ok<MedicalAccountResponse>, ValidationProblem>> MedicalAccount(HttpRequest request, CalculationService calc, CancellationToken cancellationToken) =>
        HandleAsync<MedicalAccountRequest, MedicalAccountResponse>(request, calc.MedicalAccount, cancellationToken);

    public static Task<Results<Ok<OutpatientResponse>, ValidationProblem>> Outpatient(HttpRequest request, CalculationService calc, CancellationToken cancellationToken) =>
        HandleAsync<OutpatientRequest, OutpatientResponse>(request, calc.Outpatient, cancellationToken);

    public static async Task<Results<Ok<AnswerResponse>, ValidationProblem>> Answer(
        [Description("The question, e.g. 江西萍乡社保基数8400个人扣多少 (at most 200 characters)")] string? q,
        [Description("Date whose parameter sets apply, yyyy-MM-dd; default today (Asia/Shanghai)")] string? date,
        AnswerService answers,
        CancellationToken cancellationToken)
    {
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

    /// <summary>RFC 9457 validation problem naming the field: <c>errors[field]</c> plus <c>parameter</c>, like HttpExtensions.InvalidParameter.</summary>
    public static ValidationProblem Invalid(CalculationValidationException ex) => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { [ex.Field] = [ex.Message] },
        detail: ex.Message,
        title: "Invalid calculation request",
        extensions: new Dictionary<string, object?> { ["parameter"] = ex.Field });
}
