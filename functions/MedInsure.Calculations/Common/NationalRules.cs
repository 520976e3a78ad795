namespace MedInsure.Calculations;

/// <summary>Rules fixed nationally; every constant names its source (docs/policy-and-regions.md).</summary>
public static class NationalRules
{
    // 8% of the base, all to the personal account since 2006 ([TW], [78911-acct]).
    public const decimal PensionEmployeeRate = 8m;

    // Employer pension capped at 16% from 2019-05-01 (国办发〔2019〕13号; [TW], [Caixin], [Lockton]).
    public const decimal PensionEmployerCap = 16m;
    public static readonly DateOnly PensionEmployerCapFrom = new(2019, 5, 1);

    // Employee medical 2% ([CD-1998], [FM]); some cities add a fixed sum on top (region data).
    public const decimal MedicalEmployeeRate = 2m;

    // 工伤 and 生育 are employer-only ([Lexology], [Lockton]).
    public const decimal InjuryEmployeeRate = 0m;
    public const decimal MaternityEmployeeRate = 0m;

    // Base band: 60%–300% of the province's 全口径 average wage (国办发〔2019〕13号; [86917], [TW]).
    public const decimal BaseFloorShare = 0.6m;
    public const decimal BaseCeilingShare = 3m;

    // Flexible employment: 20% of a self-chosen base in the band, 8% of the base credited ([readke], [78911-acct]).
    public const decimal FlexiblePensionRate = 20m;

    // Housing fund: each side 5%–12% in principle (条例; [pass1688], [xgrcjt]); base cap ≤ 3× city average ([fymate-2005-5]).
    public const decimal HousingFundMinRate = 5m;
    public const decimal HousingFundMaxRate = 12m;
    public const decimal HousingFundCapMultiple = 3m;

    // Post-2021 in-service personal account: the employee's own contribution, capped at 2% of base (国办发〔2021〕14号; [gov.cn-en-2021]).
    public const decimal MedicalAccountEmployeeShare = 2m;

    // Yearly contribution index bounds, enforced in practice by the 60%–300% base clamp ([78911-formula]).
    public const decimal IndexMin = 0.6m;
    public const decimal IndexMax = 3.0m;

    // 计发月数 by whole age at retirement (国发〔2005〕38号 annex as reproduced by [wodefinance], [78911-formula]).
    // Only 50/55/60 are confirmed by prose sources; 47 is 208 (a circulating variant says 207) and 66–70 are 93/84/75/65/56.
    private static readonly int[] DivisorTable =
    [
        233, 230, 226, 223, 220, 216, 212, 208, 204, 199, // 40–49
        195, 190, 185, 180, 175, 170, 164, 158, 152, 145, // 50–59
        139, 132, 125, 117, 109, 101, 93, 84, 75, 65,     // 60–69
        56,                                               // 70
    ];

    public const int DivisorMinAge = 40;
    public const int DivisorMaxAge = 70;

    public static int PensionDivisor(int wholeAge)
    {
        if (wholeAge is < DivisorMinAge or > DivisorMaxAge)
        {
            throw new CalculationValidationException("retirementAge", $"计发月数 exists only for ages {DivisorMinAge}–{DivisorMaxAge}; got {wholeAge}.");
        }

        return DivisorTable[wholeAge - DivisorMinAge];
    }

    /// <summary>Minimum contribution years for a retirement year: 15 until 2029, +6 months a year from 2030, 20 from 2039 ([yuzhong-Xinhua], [wis]).</summary>
    public static YearsMonths MinimumContributionYears(int retirementYear)
    {
        var extraMonths = Math.Clamp(retirementYear - 2029, 0, 10) * 6;
        return YearsMonths.FromMonths(15 * 12 + extraMonths);
    }
}

/// <summary>A span in whole years and months (e.g. 61y7m).</summary>
public sealed record YearsMonths(int Years, int Months)
{
    public int TotalMonths => Years * 12 + Months;

    public decimal AsDecimalYears => TotalMonths / 12m;

    public static YearsMonths FromMonths(int months) => new(months / 12, months % 12);

    public override string ToString() => Months == 0 ? $"{Years}y" : $"{Years}y{Months}m";
}
