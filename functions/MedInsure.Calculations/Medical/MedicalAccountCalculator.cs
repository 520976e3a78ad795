namespace MedInsure.Calculations;

/// <param name="Base">Contribution base, required while in service.</param>
/// <param name="RegionCode">Needed for retirees (a regional constant) and for base bounds.</param>
public sealed record MedicalAccountRequest(
    bool Retired,
    decimal? Base = null,
    string? RegionCode = null,
    DateOnly? Date = null);

/// <param name="Known">False when the credit cannot be stated (retiree without verified regional figure).</param>
/// <param name="Basis">How the figure was obtained, or why it is unknown.</param>
public sealed record MedicalAccountResult(
    bool Known,
    decimal? MonthlyCredit,
    BaseBlock? Base,
    string Basis,
    PolicyInfo? Policy,
    IReadOnlyList<string> Notes);

/// <summary>职工医保 personal-account monthly credit after the 2021 reform (国办发〔2021〕14号).</summary>
public static class MedicalAccountCalculator
{
    public static MedicalAccountResult Calculate(MedicalAccountRequest request, RegionParameters? data = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var warnings = new List<string>();
        if (request.RegionCode is not null)
        {
            Guard.RegionCode(request.RegionCode, "regionCode");
            if (request.Date is null)
            {
                throw new CalculationValidationException("date", "date is required with regionCode: parameter sets are dated.");
            }
        }

        var set = ContributionCalculator.ResolveRegion(request.RegionCode, request.Date, data, warnings);
        var notes = new List<string>(warnings);

        if (request.Retired)
        {
            // Retiree credit is a fixed regional amount set at reform time, never a formula.
            if (set?.RetireeMedicalCredit is { } credit)
            {
                return new(true, credit, null, $"Retiree fixed monthly credit from region set '{set.Id}'.", set.ToPolicy(), notes);
            }

            var where = request.RegionCode is null ? "no region given" : $"no verified retiree credit for region {request.RegionCode}";
            return new(false, null, null, $"Unknown for this region: {where}. Retirees receive a fixed amount set by each province/city (about 2% of the local average pension in the reform year).", set?.ToPolicy(), notes);
        }

        var requested = request.Base ?? throw new CalculationValidationException("base", "base is required for an in-service employee.");
        Guard.Positive(requested, "base");
        var block = BaseBlock.Clamp(requested, set?.ContributionBase?.Floor, set?.ContributionBase?.Ceiling);

        // Only the employee's own 2% goes to the account since 2021; the old 30%-of-employer transfer must not be added.
        var monthly = Money.Round(Money.OfPercent(block.Applied, NationalRules.MedicalAccountEmployeeShare));
        notes.Add("Post-2021 rule: the employer contribution goes entirely to the pooled fund.");
        if (set?.MedicalFixedAddOn?.Employee is { } addOn)
        {
            notes.Add($"The region's fixed {Money.FormatPlain(addOn)} yuan employee add-on is not counted: no source says it reaches the personal account.");
        }

        return new(true, monthly, block, "In service: employee contribution, 2% of the base.", set?.ToPolicy(), notes);
    }
}
