namespace MedInsure.Calculations;

/// <summary>One contribution year for the average index: own monthly base and that year's provincial average wage.</summary>
public sealed record ContributionYear(decimal Base, decimal AverageWage);

/// <param name="PensionBase">计发基数; else looked up from region data by <paramref name="RegionCode"/> and <paramref name="Year"/>.</param>
/// <param name="Year">Retirement year for the 计发基数 lookup and the minimum-years rule (defaults to the computed retirement year).</param>
/// <param name="AverageIndex">Average contribution index (0.6–3.0); or pass <paramref name="History"/>.</param>
/// <param name="Years">Contribution years incl. deemed years; fractions allowed (months ÷ 12).</param>
/// <param name="RetirementAge">Explicit age; else derived from <paramref name="BirthDate"/> and <paramref name="Category"/>.</param>
public sealed record PensionRequest(
    decimal Years,
    decimal PersonalAccountBalance,
    decimal? PensionBase = null,
    string? RegionCode = null,
    int? Year = null,
    decimal? AverageIndex = null,
    IReadOnlyList<ContributionYear>? History = null,
    YearsMonths? RetirementAge = null,
    DateOnly? BirthDate = null,
    RetirementCategory? Category = null);

/// <param name="DivisorAge">Whole age used for 计发月数 (age floored to whole years).</param>
/// <param name="RetirementDate">"yyyy-MM", when a birth date was given.</param>
/// <param name="Eligible">Years ≥ minimum; null when the retirement year is unknown.</param>
public sealed record PensionResult(
    decimal PensionBase,
    decimal AverageIndex,
    IReadOnlyList<decimal>? YearlyIndexes,
    decimal Years,
    decimal BasicPension,
    decimal PersonalAccountPension,
    int Divisor,
    int DivisorAge,
    decimal Total,
    YearsMonths RetirementAge,
    string? RetirementDate,
    YearsMonths? MinimumYears,
    bool? Eligible,
    PolicyInfo? Policy,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes);

/// <summary>Enterprise basic pension (国发〔2005〕38号): basic pension + personal-account pension; transitional pension excluded.</summary>
public static class PensionCalculator
{
    public static PensionResult Calculate(PensionRequest request, RegionParameters? data = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var warnings = new List<string>();
        var notes = new List<string>
        {
            "Transitional pension (过渡性养老金) is not included: each province sets its own formula.",
        };

        Guard.NonNegative(request.Years, "years");
        if (request.Years > 60)
        {
            throw new CalculationValidationException("years", "years above 60 are not plausible.");
        }

        Guard.NonNegative(request.PersonalAccountBalance, "personalAccountBalance");

        var (age, retirementMonth) = ResolveAge(request, notes);
        var year = request.Year ?? retirementMonth?.Year;
        var (pensionBase, policy) = ResolvePensionBase(request, year, data);
        var (index, yearly) = ResolveIndex(request);

        // Basic pension: average of the local base wage and the indexed own wage, 1% per contribution year.
        var basic = Money.Round(pensionBase * (1 + index) / 2m * request.Years / 100m);

        // No official month-level 计发月数 exists; the whole age (years, months dropped) picks the divisor.
        var divisorAge = age.Years;
        var divisor = NationalRules.PensionDivisor(divisorAge);
        if (age.Months != 0)
        {
            notes.Add($"Retirement age {age} is not a whole number of years: 计发月数 uses {divisorAge} (floored); no official month-level divisor was found.");
        }

        var account = Money.Round(request.PersonalAccountBalance / divisor);

        YearsMonths? minimum = null;
        bool? eligible = null;
        if (year is { } y)
        {
            minimum = NationalRules.MinimumContributionYears(y);
            eligible = request.Years >= minimum.AsDecimalYears;
            if (eligible == false)
            {
                warnings.Add($"{Money.FormatPlain(request.Years)} contribution years are below the minimum {minimum} for retirement in {y}.");
            }
        }
        else
        {
            notes.Add("Minimum contribution years not checked: pass year or birthDate + category.");
        }

        return new(
            pensionBase, index, yearly, request.Years, basic, account, divisor, divisorAge, basic + account, age,
            retirementMonth?.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), minimum, eligible, policy, warnings, notes);
    }

    private static (YearsMonths Age, DateOnly? Month) ResolveAge(PensionRequest r, List<string> notes)
    {
        if (r.BirthDate is { } birth)
        {
            var category = r.Category ?? throw new CalculationValidationException("category", "category (male, female-cadre, female-worker) is required with birthDate.");
            var statutory = RetirementAge.For(birth, category);
            if (r.RetirementAge is { } given && given.TotalMonths != statutory.Age.TotalMonths)
            {
                notes.Add($"Using the given retirement age {given}; the statutory age for this birth month is {statutory.Age}.");
                ValidateAge(given);
                return (given, new DateOnly(birth.Year, birth.Month, 1).AddMonths(given.TotalMonths));
            }

            return (statutory.Age, statutory.RetirementMonth);
        }

        var age = r.RetirementAge ?? throw new CalculationValidationException("retirementAge", "pass retirementAge or birthDate + category.");
        ValidateAge(age);
        return (age, null);
    }

    private static void ValidateAge(YearsMonths age)
    {
        if (age.Months is < 0 or > 11 || age.Years is < NationalRules.DivisorMinAge or > NationalRules.DivisorMaxAge)
        {
            throw new CalculationValidationException("retirementAge", $"retirementAge must be {NationalRules.DivisorMinAge}–{NationalRules.DivisorMaxAge} years and 0–11 months; got {age}.");
        }
    }

    private static (decimal Base, PolicyInfo? Policy) ResolvePensionBase(PensionRequest r, int? year, RegionParameters? data)
    {
        if (r.PensionBase is { } given)
        {
            Guard.Positive(given, "pensionBase");
            return (given, null);
        }

        if (r.RegionCode is null)
        {
            throw new CalculationValidationException("pensionBase", "pass pensionBase (计发基数) or regionCode + year.");
        }

        Guard.RegionCode(r.RegionCode, "regionCode");
        var y = year ?? throw new CalculationValidationException("year", "year is required to look up 计发基数 for a region.");
        var set = (data ?? RegionParameters.Default).FindFor(r.RegionCode, new DateOnly(y, 1, 1));
        if (set?.PensionBase is not { } found)
        {
            throw new CalculationValidationException("pensionBase", $"no verified 计发基数 for region {r.RegionCode} in {y}: pass pensionBase.");
        }

        return (found, set.ToPolicy());
    }

    internal static (decimal Index, IReadOnlyList<decimal>? Yearly) ResolveIndex(PensionRequest r)
    {
        if (r.History is { Count: > 0 } history)
        {
            var yearly = new List<decimal>(history.Count);
            for (var i = 0; i < history.Count; i++)
            {
                Guard.Positive(history[i].Base, $"history[{i}].base");
                Guard.Positive(history[i].AverageWage, $"history[{i}].averageWage");
                yearly.Add(Math.Clamp(history[i].Base / history[i].AverageWage, NationalRules.IndexMin, NationalRules.IndexMax));
            }

            return (yearly.Average(), yearly);
        }

        var index = r.AverageIndex ?? throw new CalculationValidationException("averageIndex", "pass averageIndex or history.");
        if (index is < NationalRules.IndexMin or > NationalRules.IndexMax)
        {
            throw new CalculationValidationException("averageIndex", "averageIndex must be between 0.6 and 3.0.");
        }

        return (index, null);
    }
}
