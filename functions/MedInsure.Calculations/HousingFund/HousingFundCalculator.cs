namespace MedInsure.Calculations;

/// <param name="EmployeeRate">Percent, 1–12 (5–12 is the legal band; outside it only with approval, so a warning).</param>
/// <param name="Floor">Explicit base floor; wins over region data.</param>
/// <param name="CityAverageWage">City average monthly wage: caps the base at 3× when no ceiling is given.</param>
/// <param name="Rounding">Per-side rounding; default is the region's setting, else whole yuan half-up.</param>
public sealed record HousingFundRequest(
    decimal Base,
    decimal EmployeeRate,
    decimal EmployerRate,
    string? RegionCode = null,
    DateOnly? Date = null,
    decimal? Floor = null,
    decimal? Ceiling = null,
    decimal? CityAverageWage = null,
    MoneyRounding? Rounding = null);

public sealed record HousingFundResult(
    BaseBlock Base,
    decimal EmployeeRate,
    decimal EmployerRate,
    decimal Employee,
    decimal Employer,
    decimal Total,
    MoneyRounding Rounding,
    PolicyInfo? Policy,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes);

/// <summary>住房公积金 monthly deposit: base × rate per side, each side rounded on its own (条例 art. 16).</summary>
public static class HousingFundCalculator
{
    public static HousingFundResult Calculate(HousingFundRequest request, RegionParameters? data = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);
        var warnings = new List<string>();
        var notes = new List<string>();

        var set = ContributionCalculator.ResolveRegion(request.RegionCode, request.Date, data, warnings);
        var hf = set?.HousingFund;
        if (set is not null && hf is null)
        {
            warnings.Add($"Region set '{set.Id}' has no housing-fund parameters.");
        }

        var floor = request.Floor ?? hf?.Floor;
        var ceiling = request.Ceiling ?? hf?.Ceiling;
        if (ceiling is null && request.CityAverageWage is { } w)
        {
            ceiling = w * NationalRules.HousingFundCapMultiple;
            notes.Add($"Ceiling = 3 × city average wage {Money.FormatPlain(w)} (建金〔2005〕5号: in principle at most 3×).");
        }

        if (floor > ceiling)
        {
            throw new CalculationValidationException("floor", $"floor {floor} is above ceiling {ceiling}.");
        }

        var rounding = request.Rounding ?? hf?.Rounding ?? MoneyRounding.Yuan;
        if (request.Rounding is null && hf?.Rounding is null)
        {
            notes.Add("Rounding: whole yuan, half-up, per side (default; set rounding to override).");
        }

        CheckRate(request.EmployeeRate, "employeeRate", hf, warnings);
        CheckRate(request.EmployerRate, "employerRate", hf, warnings);

        var baseBlock = BaseBlock.Clamp(request.Base, floor, ceiling);
        var employee = Money.Round(Money.OfPercent(baseBlock.Applied, request.EmployeeRate), rounding);
        var employer = Money.Round(Money.OfPercent(baseBlock.Applied, request.EmployerRate), rounding);
        return new(baseBlock, request.EmployeeRate, request.EmployerRate, employee, employer, employee + employer, rounding, set?.ToPolicy(), warnings, notes);
    }

    private static void Validate(HousingFundRequest r)
    {
        Guard.Positive(r.Base, "base");
        ValidateRate(r.EmployeeRate, "employeeRate");
        ValidateRate(r.EmployerRate, "employerRate");
        if (r.RegionCode is not null)
        {
            Guard.RegionCode(r.RegionCode, "regionCode");
            if (r.Date is null)
            {
                throw new CalculationValidationException("date", "date is required with regionCode: parameter sets are dated.");
            }
        }

        if (r.Floor is { } f)
        {
            Guard.Positive(f, "floor");
        }

        if (r.Ceiling is { } c)
        {
            Guard.Positive(c, "ceiling");
        }

        if (r.CityAverageWage is { } w)
        {
            Guard.Positive(w, "cityAverageWage");
        }
    }

    private static void ValidateRate(decimal rate, string field)
    {
        Guard.Rate(rate, field);
        if (rate is < 1 or > NationalRules.HousingFundMaxRate)
        {
            throw new CalculationValidationException(field, $"{field} must be between 1 and 12 (percent); got {Money.FormatPlain(rate)}.");
        }
    }

    private static void CheckRate(decimal rate, string field, HousingFundParameters? hf, List<string> warnings)
    {
        if (rate < NationalRules.HousingFundMinRate)
        {
            warnings.Add($"{field} {Money.FormatPlain(rate)}% is below the 5% legal minimum (allowed only with approval).");
        }

        if (hf is null)
        {
            return;
        }

        var min = hf.MinRate ?? NationalRules.HousingFundMinRate;
        var max = hf.MaxRate ?? NationalRules.HousingFundMaxRate;
        if (rate < min || rate > max)
        {
            warnings.Add($"{field} {Money.FormatPlain(rate)}% is outside the city's band {Money.FormatPlain(min)}%–{Money.FormatPlain(max)}%.");
        }
    }
}
