using System.ComponentModel;
using MedInsure.Calculations;

namespace MedInsure.Articles.Calculations;

// Wire shapes of the calculator results. Money always carries at least two decimals (672.00, 5222.00) and is never
// rounded here: the core rounds each line once, and published bounds keep their decimals (4912.80).

public sealed record BaseResponse(
    [property: Description("Base as requested")] decimal Requested,
    [property: Description("Base after clamping to [floor, ceiling]")] decimal Applied,
    [property: Description("Floor used, or null when none is known")] decimal? Floor,
    [property: Description("Ceiling used, or null when none is known")] decimal? Ceiling,
    [property: Description("\"floor\", \"ceiling\" or null")] string? Clamped);

public sealed record ContributionLineResponse(
    Insurance Insurance,
    [property: Description("Percent; null when unknown (listed in missing)")] decimal? EmployeeRate,
    [property: Description("Percent; null when unknown (listed in missing)")] decimal? EmployerRate,
    [property: Description("Yuan/month, incl. employeeFixedAddOn")] decimal? Employee,
    [property: Description("Yuan/month")] decimal? Employer,
    [property: Description("Fixed yuan/month included in employee (medical only)")] decimal EmployeeFixedAddOn,
    [property: Description("override, region or national")] string? EmployeeRateSource,
    [property: Description("override, region or national")] string? EmployerRateSource);

public sealed record ContributionTotalsResponse(
    decimal Employee,
    decimal Employer,
    decimal Total,
    [property: Description("False when an employee rate is missing: employee covers only the known lines")] bool EmployeeComplete,
    [property: Description("False when an employer rate is missing")] bool EmployerComplete);

public sealed record PolicyResponse(
    [property: Description("GB/T 2260 code of the parameter set")] string Region,
    string RegionName,
    DateOnly EffectiveFrom,
    [property: Description("Inclusive; null while in force")] DateOnly? EffectiveTo,
    IReadOnlyList<SourceRef> Sources,
    bool Verified,
    [property: Description("Entry id in region-parameters.json")] string EntryId);

public sealed record ContributionsResponse(
    BaseResponse Base,
    IReadOnlyList<ContributionLineResponse> Lines,
    ContributionTotalsResponse Totals,
    [property: Description("The verified parameter set used, or null")] PolicyResponse? Policy,
    [property: Description("Rates nobody supplied: pass them in rates to complete the totals")] IReadOnlyList<MissingRate> Missing,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes,
    [property: Description("True when no rate is missing")] bool Complete,
    [property: Description("Date whose parameters applied")] DateOnly Date);

public sealed record HousingFundResponse(
    BaseResponse Base,
    decimal EmployeeRate,
    decimal EmployerRate,
    decimal Employee,
    decimal Employer,
    decimal Total,
    MoneyRounding Rounding,
    PolicyResponse? Policy,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes,
    [property: Description("Date whose parameters applied (null without a region)")] DateOnly? Date);

public sealed record YearsMonthsResponse(int Years, int Months);

public sealed record PensionResponse(
    [property: Description("计发基数 used")] decimal PensionBase,
    decimal AverageIndex,
    [property: Description("Per-year indexes when history was given")] IReadOnlyList<decimal>? YearlyIndexes,
    decimal Years,
    [property: Description("计发基数 × (1 + index) ÷ 2 × years × 1%")] decimal BasicPension,
    [property: Description("Balance ÷ 计发月数")] decimal PersonalAccountPension,
    [property: Description("计发月数")] int Divisor,
    [property: Description("Whole age that picked the divisor")] int DivisorAge,
    [property: Description("Basic + personal-account pension (transitional pension not included)")] decimal Total,
    YearsMonthsResponse RetirementAge,
    [property: Description("yyyy-MM, when birthDate was given")] string? RetirementDate,
    YearsMonthsResponse? MinimumYears,
    [property: Description("Years ≥ minimum; null when the retirement year is unknown")] bool? Eligible,
    PolicyResponse? Policy,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes);

public sealed record MedicalAccountResponse(
    [property: Description("False when the credit cannot be stated for this region (not an error)")] bool Known,
    [property: Description("Yuan/month credited to the personal account, or null when unknown")] decimal? MonthlyCredit,
    BaseResponse? Base,
    [property: Description("How the figure was obtained")] string Basis,
    [property: Description("Why it is unknown (null when known)")] string? Reason,
    PolicyResponse? Policy,
    IReadOnlyList<string> Notes,
    DateOnly? Date);

public sealed record OutpatientResponse(
    [property: Description("min(byRatio, remainingCap)")] decimal Payable,
    decimal RemainingDeductible,
    decimal AfterDeductible,
    decimal ByRatio,
    decimal RemainingCap,
    bool CapReached,
    [property: Description("The computation, one line per step")] IReadOnlyList<string> Steps);

public static class CalcMapping
{
    /// <summary>At least two decimals without changing the value (decimal addition keeps the larger scale).</summary>
    public static decimal Money(decimal value) => value + 0.00m;

    public static decimal? Money(decimal? value) => value is { } v ? Money(v) : null;

    public static BaseResponse ToResponse(this BaseBlock b) =>
        new(Money(b.Requested), Money(b.Applied), Money(b.Floor), Money(b.Ceiling), b.Clamped);

    public static PolicyResponse? ToResponse(this PolicyInfo? p) =>
        p is null ? null : new(p.RegionCode, p.RegionName, p.EffectiveFrom, p.EffectiveTo, p.Sources, p.Verified, p.EntryId);

    public static ContributionsResponse ToResponse(this ContributionResult r, DateOnly date) => new(
        r.Base.ToResponse(),
        [.. r.Lines.Select(l => new ContributionLineResponse(
            l.Insurance, l.EmployeeRate, l.EmployerRate, Money(l.Employee), Money(l.Employer), Money(l.EmployeeFixedAddOn), l.EmployeeRateSource, l.EmployerRateSource))],
        new(Money(r.Totals.Employee), Money(r.Totals.Employer), Money(r.Totals.Total), r.Totals.EmployeeComplete, r.Totals.EmployerComplete),
        r.Policy.ToResponse(),
        r.Missing,
        r.Warnings,
        r.Notes,
        r.Complete,
        date);

    public static HousingFundResponse ToResponse(this HousingFundResult r, DateOnly? date) => new(
        r.Base.ToResponse(), r.EmployeeRate, r.EmployerRate, Money(r.Employee), Money(r.Employer), Money(r.Total), r.Rounding,
        r.Policy.ToResponse(), r.Warnings, r.Notes, date);

    public static PensionResponse ToResponse(this PensionResult r) => new(
        Money(r.PensionBase), r.AverageIndex, r.YearlyIndexes, r.Years, Money(r.BasicPension), Money(r.PersonalAccountPension), r.Divisor,
        r.DivisorAge, Money(r.Total), new(r.RetirementAge.Years, r.RetirementAge.Months), r.RetirementDate,
        r.MinimumYears is { } m ? new(m.Years, m.Months) : null, r.Eligible, r.Policy.ToResponse(), r.Warnings, r.Notes);

    public static MedicalAccountResponse ToResponse(this MedicalAccountResult r, DateOnly? date) => new(
        r.Known, Money(r.MonthlyCredit), r.Base?.ToResponse(), r.Basis, r.Known ? null : r.Basis, r.Policy.ToResponse(), r.Notes, date);

    public static OutpatientResponse ToResponse(this OutpatientResult r) => new(
        Money(r.Payable), Money(r.RemainingDeductible), Money(r.AfterDeductible), Money(r.ByRatio), Money(r.RemainingCap), r.CapReached, r.Steps);
}
