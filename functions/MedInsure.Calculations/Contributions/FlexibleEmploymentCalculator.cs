namespace MedInsure.Calculations;

/// <summary>Either a base or a grade (percent of <paramref name="AverageWage"/>, e.g. 60 or 100).</summary>
/// <param name="RatePercent">Pension rate for flexible workers; 20% nationally ([readke]).</param>
public sealed record FlexiblePensionRequest(
    decimal? Base = null,
    decimal? GradePercent = null,
    decimal? AverageWage = null,
    decimal RatePercent = NationalRules.FlexiblePensionRate);

/// <param name="PersonalAccountCredit">The part credited to the personal account: 8% of the base.</param>
public sealed record FlexiblePensionResult(BaseBlock Base, decimal RatePercent, decimal Monthly, decimal PersonalAccountCredit, IReadOnlyList<string> Warnings);

/// <summary>灵活就业 pension: fully self-paid at 20% of a base inside the 60%–300% band.</summary>
public static class FlexibleEmploymentCalculator
{
    public static FlexiblePensionResult Calculate(FlexiblePensionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.Rate(request.RatePercent, "ratePercent");
        var warnings = new List<string>();
        decimal requested;
        if (request.GradePercent is { } grade)
        {
            Guard.Positive(grade, "gradePercent");
            var w = request.AverageWage ?? throw new CalculationValidationException("averageWage", "averageWage is required with gradePercent.");
            Guard.Positive(w, "averageWage");
            requested = w * grade / 100m;
        }
        else
        {
            requested = request.Base ?? throw new CalculationValidationException("base", "pass base or gradePercent.");
            Guard.Positive(requested, "base");
        }

        var w2 = request.AverageWage;
        var block = BaseBlock.Clamp(requested, w2 * NationalRules.BaseFloorShare, w2 * NationalRules.BaseCeilingShare);
        if (w2 is null)
        {
            warnings.Add("No averageWage: the base was not checked against the 60%–300% band.");
        }

        if (request.RatePercent != NationalRules.FlexiblePensionRate)
        {
            warnings.Add($"Rate {Money.FormatPlain(request.RatePercent)}% differs from the usual 20%.");
        }

        var monthly = Money.Round(Money.OfPercent(block.Applied, request.RatePercent));
        var credit = Money.Round(Money.OfPercent(block.Applied, NationalRules.PensionEmployeeRate));
        return new(block, request.RatePercent, monthly, credit, warnings);
    }
}
