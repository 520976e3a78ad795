namespace MedInsure.Calculations;

/// <param name="Base">Declared monthly base (previous-year average monthly wage), yuan.</param>
/// <param name="RegionCode">GB/T 2260 code; requires <paramref name="Date"/>.</param>
/// <param name="Rates">Caller's rates, percent; they win over region data and national rules.</param>
/// <param name="AverageWage">Province average wage W: the base is clamped to [60% W, 300% W] (overrides region bounds).</param>
/// <param name="MedicalEmployeeAddOn">Fixed monthly yuan added to the employee medical line (overrides region data).</param>
public sealed record ContributionRequest(
    decimal Base,
    string? RegionCode = null,
    DateOnly? Date = null,
    InsuranceRates? Rates = null,
    decimal? AverageWage = null,
    decimal? MedicalEmployeeAddOn = null);

/// <param name="EmployeeRate">Percent; null when unknown (the side is then listed in Missing).</param>
/// <param name="RateSource">Per side: "override", "region", "national" or null.</param>
public sealed record ContributionLine(
    Insurance Insurance,
    decimal? EmployeeRate,
    decimal? EmployerRate,
    decimal? Employee,
    decimal? Employer,
    decimal EmployeeFixedAddOn,
    string? EmployeeRateSource,
    string? EmployerRateSource);

/// <summary>Totals of the known lines. A side is complete only when no rate for it is missing.</summary>
public sealed record ContributionTotals(decimal Employee, decimal Employer, decimal Total, bool EmployeeComplete, bool EmployerComplete);

/// <param name="Side">"employee" or "employer".</param>
/// <param name="Field">Request path that would supply it, e.g. "rates.unemployment.employee".</param>
public sealed record MissingRate(Insurance Insurance, string Side, string Field, string Reason);

public sealed record ContributionResult(
    BaseBlock Base,
    IReadOnlyList<ContributionLine> Lines,
    ContributionTotals Totals,
    PolicyInfo? Policy,
    IReadOnlyList<MissingRate> Missing,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes)
{
    public bool Complete => Missing.Count == 0;
}

/// <summary>
/// 五险 monthly contributions. Rates come from the caller, then the region's verified set, then the few national rules;
/// anything else is reported as missing instead of guessed.
/// </summary>
public static class ContributionCalculator
{
    private static readonly Insurance[] Order =
        [Insurance.Pension, Insurance.Medical, Insurance.Unemployment, Insurance.Injury, Insurance.Maternity];

    public static ContributionResult Calculate(ContributionRequest request, RegionParameters? data = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var warnings = new List<string>();
        var notes = new List<string>();

        var set = ResolveRegion(request.RegionCode, request.Date, data, warnings);
        var baseBlock = ResolveBase(request, set, warnings, notes);
        var rounding = set?.ContributionRounding ?? MoneyRounding.Fen;
        var addOn = request.MedicalEmployeeAddOn ?? set?.MedicalFixedAddOn?.Employee ?? 0m;

        var lines = new List<ContributionLine>();
        var missing = new List<MissingRate>();
        foreach (var insurance in Order)
        {
            var (employeeRate, employeeSource) = ResolveRate(insurance, employee: true, request.Rates, set);
            var (employerRate, employerSource) = ResolveRate(insurance, employee: false, request.Rates, set);

            // Maternity has been merged into medical since 2019: no line unless someone supplies a separate rate.
            if (insurance == Insurance.Maternity && employeeSource == "national" && employerRate is null)
            {
                notes.Add("Maternity (生育) is merged into medical since 2019; no separate line unless a maternity rate is passed.");
                continue;
            }

            if (employeeRate is null)
            {
                missing.Add(Missing(insurance, "employee", request.RegionCode, set));
            }

            if (employerRate is null)
            {
                missing.Add(Missing(insurance, "employer", request.RegionCode, set));
            }

            if (employeeRate is null && employerRate is null)
            {
                continue;
            }

            var lineAddOn = insurance == Insurance.Medical && employeeRate is not null ? addOn : 0m;
            decimal? employee = employeeRate is { } er ? Money.Round(Money.OfPercent(baseBlock.Applied, er), rounding) + lineAddOn : null;
            decimal? employer = employerRate is { } pr ? Money.Round(Money.OfPercent(baseBlock.Applied, pr), rounding) : null;
            lines.Add(new(insurance, employeeRate, employerRate, employee, employer, lineAddOn, employeeSource, employerSource));
        }

        CheckCaps(request, lines, warnings);
        if (AddOnApplied(lines) is { } applied)
        {
            notes.Add($"Medical employee line includes a fixed {Money.FormatPlain(applied)} yuan/month add-on.");
        }

        var employeeTotal = lines.Sum(l => l.Employee ?? 0m);
        var employerTotal = lines.Sum(l => l.Employer ?? 0m);
        var totals = new ContributionTotals(
            employeeTotal,
            employerTotal,
            employeeTotal + employerTotal,
            missing.All(m => m.Side != "employee"),
            missing.All(m => m.Side != "employer"));
        if (missing.Count > 0)
        {
            warnings.Add("Totals cover only the lines whose rates are known: " + string.Join(", ", missing.Select(m => m.Field)) + " missing.");
        }

        return new(baseBlock, lines, totals, set?.ToPolicy(), missing, warnings, notes);

        static decimal? AddOnApplied(List<ContributionLine> lines) =>
            lines.FirstOrDefault(l => l.EmployeeFixedAddOn != 0)?.EmployeeFixedAddOn;
    }

    internal static RegionParameterSet? ResolveRegion(string? code, DateOnly? date, RegionParameters? data, List<string> warnings)
    {
        if (code is null)
        {
            return null;
        }

        var set = (data ?? RegionParameters.Default).FindFor(code, date!.Value);
        if (set is null)
        {
            warnings.Add($"No verified parameters for region {code} on {date:yyyy-MM-dd}; only national rules and the rates you passed are used.");
        }

        return set;
    }

    private static void Validate(ContributionRequest r)
    {
        Guard.Positive(r.Base, "base");
        if (r.RegionCode is not null)
        {
            Guard.RegionCode(r.RegionCode, "regionCode");
            if (r.Date is null)
            {
                throw new CalculationValidationException("date", "date is required with regionCode: parameter sets are dated.");
            }
        }

        if (r.AverageWage is { } w)
        {
            Guard.Positive(w, "averageWage");
        }

        if (r.MedicalEmployeeAddOn is { } a)
        {
            Guard.NonNegative(a, "medicalEmployeeAddOn");
        }

        foreach (var insurance in Order)
        {
            var pair = r.Rates?.For(insurance);
            var name = insurance.ToString().ToLowerInvariant();
            Guard.Rate(pair?.Employee, $"rates.{name}.employee");
            Guard.Rate(pair?.Employer, $"rates.{name}.employer");
        }
    }

    private static BaseBlock ResolveBase(ContributionRequest r, RegionParameterSet? set, List<string> warnings, List<string> notes)
    {
        if (r.AverageWage is { } w)
        {
            // Bounds are kept exact (4,912.80 stays 4,912.80): published bounds carry decimals.
            notes.Add($"Base band from averageWage {Money.FormatPlain(w)}: 60%–300%.");
            return BaseBlock.Clamp(r.Base, w * NationalRules.BaseFloorShare, w * NationalRules.BaseCeilingShare);
        }

        var bounds = set?.ContributionBase;
        if (set is not null && (bounds?.Floor is null || bounds.Ceiling is null))
        {
            warnings.Add($"The region data has no verified base {(bounds?.Floor is null ? "floor" : "ceiling")}; the base was not clamped on that side.");
        }
        else if (set is null)
        {
            notes.Add("Base not checked against a local floor/ceiling (no region bounds and no averageWage).");
        }

        return BaseBlock.Clamp(r.Base, bounds?.Floor, bounds?.Ceiling);
    }

    private static (decimal? Rate, string? Source) ResolveRate(Insurance insurance, bool employee, InsuranceRates? overrides, RegionParameterSet? set)
    {
        var given = overrides?.For(insurance);
        if ((employee ? given?.Employee : given?.Employer) is { } o)
        {
            return (o, "override");
        }

        var regional = set?.Rates?.For(insurance);
        if ((employee ? regional?.Employee : regional?.Employer) is { } reg)
        {
            return (reg, "region");
        }

        if (!employee)
        {
            return (null, null);
        }

        return insurance switch
        {
            Insurance.Pension => (NationalRules.PensionEmployeeRate, "national"),
            Insurance.Medical => (NationalRules.MedicalEmployeeRate, "national"),
            Insurance.Injury => (NationalRules.InjuryEmployeeRate, "national"),
            Insurance.Maternity => (NationalRules.MaternityEmployeeRate, "national"),
            _ => (null, null),
        };
    }

    private static MissingRate Missing(Insurance insurance, string side, string? regionCode, RegionParameterSet? set)
    {
        var name = insurance.ToString().ToLowerInvariant();
        var where = set is not null ? $"region set '{set.Id}'" : regionCode is not null ? $"region {regionCode}" : "the request (no region)";
        return new(insurance, side, $"rates.{name}.{side}", $"No verified {name} {side} rate in {where}: pass rates.{name}.{side}.");
    }

    private static void CheckCaps(ContributionRequest r, List<ContributionLine> lines, List<string> warnings)
    {
        var pension = lines.FirstOrDefault(l => l.Insurance == Insurance.Pension);
        var capApplies = r.Date is null || r.Date >= NationalRules.PensionEmployerCapFrom;
        if (capApplies && pension?.EmployerRate > NationalRules.PensionEmployerCap)
        {
            warnings.Add($"Employer pension rate {Money.FormatPlain(pension.EmployerRate.Value)}% exceeds the national 16% cap in force since 2019-05-01.");
        }

        if (pension?.EmployeeRate is { } e && e != NationalRules.PensionEmployeeRate)
        {
            warnings.Add($"Employee pension rate {Money.FormatPlain(e)}% differs from the uniform national 8%.");
        }
    }
}
