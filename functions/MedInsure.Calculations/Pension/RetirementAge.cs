using System.Text.Json.Serialization;

namespace MedInsure.Calculations;

/// <summary>Group under the 2024 retirement-age reform: original statutory age and phase-in speed differ per group.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RetirementCategory>))]
public enum RetirementCategory
{
    [JsonStringEnumMemberName("male")] Male,
    [JsonStringEnumMemberName("female-cadre")] FemaleCadre,
    [JsonStringEnumMemberName("female-worker")] FemaleWorker,
}

/// <param name="RetirementMonth">First day of the month in which the statutory age is reached.</param>
/// <param name="DelayMonths">Months added by the reform (0 for people who reached the old age before 2025).</param>
public sealed record StatutoryRetirement(YearsMonths Age, DateOnly RetirementMonth, int DelayMonths, int OriginalAge)
{
    public string RetirementYearMonth => RetirementMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Statutory retirement age under the NPC decision of 2024-09-13 (effective 2025-01-01, [china-briefing], [newser-AP]).
/// Men 60→63 and female cadres 55→58 gain 1 month per 4 birth-months; female workers 50→55 gain 1 month per 2 birth-months,
/// counting from the first cohort that would have retired in January 2025.
/// </summary>
public static class RetirementAge
{
    private sealed record Rule(int OriginalAge, int FirstCohortYear, int BirthMonthsPerStep, int MaxDelayMonths);

    private static Rule RuleFor(RetirementCategory category) => category switch
    {
        RetirementCategory.Male => new(60, 1965, 4, 36),
        RetirementCategory.FemaleCadre => new(55, 1970, 4, 36),
        RetirementCategory.FemaleWorker => new(50, 1975, 2, 60),
        _ => throw new CalculationValidationException("category", $"unknown retirement category {category}."),
    };

    /// <summary>Only the birth year and month matter; the day is ignored.</summary>
    public static StatutoryRetirement For(DateOnly birthDate, RetirementCategory category)
    {
        if (birthDate.Year < 1900)
        {
            throw new CalculationValidationException("birthDate", "birthDate is implausibly early.");
        }

        var rule = RuleFor(category);

        // Cohort index: 0 for January of the first affected birth year (men 1965-01 would have retired 2025-01).
        var cohort = (birthDate.Year - rule.FirstCohortYear) * 12 + (birthDate.Month - 1);
        var delay = cohort < 0 ? 0 : Math.Min(cohort / rule.BirthMonthsPerStep + 1, rule.MaxDelayMonths);
        var age = YearsMonths.FromMonths(rule.OriginalAge * 12 + delay);
        var month = new DateOnly(birthDate.Year, birthDate.Month, 1).AddMonths(age.TotalMonths);
        return new(age, month, delay, rule.OriginalAge);
    }
}
