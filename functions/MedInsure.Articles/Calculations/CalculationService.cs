using MedInsure.Calculations;
using MedInsure.Tagging.Regions;
using Core = MedInsure.Calculations;

namespace MedInsure.Articles.Calculations;

/// <summary>
/// Checks a request the way the HTTP API promises (known region codes, plausible dates, required fields), runs the pure
/// calculator and maps its result to the wire shape. Shared by the endpoints and the <c>calc</c> command so both give
/// the same answer and the same field names in errors.
/// </summary>
public sealed class CalculationService(Lazy<RegionGazetteer> gazetteer, TimeProvider time)
{
    private static readonly DateOnly EarliestDate = new(1990, 1, 1);
    private static readonly DateOnly LatestDate = new(2100, 12, 31);
    private static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Today in China (UTC+8, no daylight saving): parameter sets change at local midnight.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(ChinaOffset).DateTime);

    public ContributionsResponse Contributions(ContributionsRequest r)
    {
        var baseAmount = Required(r.Base, "base");
        var date = CheckDate(r.Date, "date") ?? Today;
        CheckRegion(r.Region);
        var result = Run(() => ContributionCalculator.Calculate(
            new ContributionRequest(baseAmount, r.Region, date, r.Rates, r.AverageWage, r.MedicalEmployeeAddOn)));
        return result.ToResponse(date);
    }

    public HousingFundResponse HousingFund(HousingFundRequest r)
    {
        var baseAmount = Required(r.Base, "base");
        var employee = Required(r.EmployeeRate, "employeeRate");
        var employer = Required(r.EmployerRate, "employerRate");
        var date = CheckDate(r.Date, "date") ?? Today;
        CheckRegion(r.Region);
        var regionDate = r.Region is null ? (DateOnly?)null : date;
        var result = Run(() => HousingFundCalculator.Calculate(new Core.HousingFundRequest(
            baseAmount, employee, employer, r.Region, regionDate, r.Floor, r.Ceiling, r.CityAverageWage, r.Rounding)));
        return result.ToResponse(regionDate);
    }

    public PensionResponse Pension(PensionRequest r)
    {
        var years = Required(r.Years, "years");
        var balance = Required(r.PersonalAccountBalance, "personalAccountBalance", allowZero: true);
        CheckRegion(r.Region);
        if (r.Year is { } year && (year < EarliestDate.Year || year > LatestDate.Year))
        {
            throw new CalculationValidationException("year", $"year must be between {EarliestDate.Year} and {LatestDate.Year}; got {year}.");
        }

        if (r.BirthDate is { } birth && birth > Today)
        {
            throw new CalculationValidationException("birthDate", $"birthDate {birth:yyyy-MM-dd} is in the future.");
        }

        var history = r.History?.Select((h, i) => new ContributionYear(
            Required(h?.Base, $"history[{i}].base"), Required(h?.AverageWage, $"history[{i}].averageWage"))).ToList();
        var age = r.RetirementAge is { } a ? new YearsMonths(a.Years, a.Months) : null;
        var result = Run(() => PensionCalculator.Calculate(new Core.PensionRequest(
            years, balance, r.PensionBase, r.Region, r.Year, r.AverageIndex, history, age, r.BirthDate, r.Category)));
        return result.ToResponse();
    }

    public MedicalAccountResponse MedicalAccount(MedicalAccountRequest r)
    {
        var date = CheckDate(r.Date, "date") ?? Today;
        CheckRegion(r.Region);
        var retired = r.Retired ?? false;
        if (!retired)
        {
            Required(r.Base, "base");
        }

        var result = Run(() => MedicalAccountCalculator.Calculate(new Core.MedicalAccountRequest(retired, r.Base, r.Region, date)));
        return result.ToResponse(date);
    }

    public OutpatientResponse Outpatient(OutpatientRequest r)
    {
        var request = new Core.OutpatientRequest(
            Required(r.EligibleSpend, "eligibleSpend", allowZero: true),
            Required(r.Deductible, "deductible", allowZero: true),
            r.DeductibleUsed ?? 0m,
            Required(r.Ratio, "ratio", allowZero: true),
            Required(r.AnnualCap, "annualCap", allowZero: true),
            r.PaidSoFar ?? 0m);
        return Run(() => OutpatientCalculator.Calculate(request)).ToResponse();
    }

    /// <summary>A region code must be a current GB/T 2260 division: the calculators never fall back to another region.</summary>
    public void CheckRegion(string? code, string field = "region")
    {
        if (code is null)
        {
            return;
        }

        if (!RegionCodes.IsWellFormed(code))
        {
            throw new CalculationValidationException(field, $"{field} must be a 6-digit GB/T 2260 code such as 360300; got '{code}'.");
        }

        if (!gazetteer.Value.IsValid(code))
        {
            throw new CalculationValidationException(field, $"{field} '{code}' is not a current GB/T 2260 division code.");
        }
    }

    public static DateOnly? CheckDate(DateOnly? date, string field)
    {
        if (date is { } d && (d < EarliestDate || d > LatestDate))
        {
            throw new CalculationValidationException(field, $"{field} must be between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}; got {d:yyyy-MM-dd}.");
        }

        return date;
    }

    private static decimal Required(decimal? value, string field, bool allowZero = false) => value switch
    {
        null => throw new CalculationValidationException(field, $"{field} is required."),
        < 0 when allowZero => throw new CalculationValidationException(field, $"{field} must not be negative."),
        <= 0 when !allowZero => throw new CalculationValidationException(field, $"{field} must be greater than 0."),
        { } v => v,
    };

    // The core names fields after its own records; the API calls regionCode "region" and ratioPercent "ratio".
    private static T Run<T>(Func<T> calculate)
    {
        try
        {
            return calculate();
        }
        catch (CalculationValidationException ex)
        {
            var field = ex.Field switch
            {
                "regionCode" => "region",
                "ratioPercent" => "ratio",
                var f => f,
            };
            var message = ex.Message.StartsWith(ex.Field + " ", StringComparison.Ordinal) ? field + ex.Message[ex.Field.Length..] : ex.Message;
            throw new CalculationValidationException(field, message);
        }
    }
}
