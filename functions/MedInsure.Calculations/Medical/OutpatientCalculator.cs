namespace MedInsure.Calculations;

/// <param name="EligibleSpend">Policy-eligible outpatient spend for this claim.</param>
/// <param name="Deductible">起付标准 for the period.</param>
/// <param name="DeductibleUsed">Part of the deductible already met earlier in the period.</param>
/// <param name="RatioPercent">Reimbursement ratio, percent (local; differs by hospital level and retiree status).</param>
/// <param name="AnnualCap">Annual payment cap; <paramref name="PaidSoFar"/> already paid this year.</param>
public sealed record OutpatientRequest(
    decimal EligibleSpend,
    decimal Deductible,
    decimal DeductibleUsed,
    decimal RatioPercent,
    decimal AnnualCap,
    decimal PaidSoFar);

public sealed record OutpatientResult(
    decimal Payable,
    decimal RemainingDeductible,
    decimal AfterDeductible,
    decimal ByRatio,
    decimal RemainingCap,
    bool CapReached,
    IReadOnlyList<string> Steps);

/// <summary>门诊统筹: payable = min(max(0, eligible − remaining deductible) × ratio, cap − paid so far).</summary>
public static class OutpatientCalculator
{
    public static OutpatientResult Calculate(OutpatientRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        Guard.NonNegative(r.EligibleSpend, "eligibleSpend");
        Guard.NonNegative(r.Deductible, "deductible");
        Guard.NonNegative(r.DeductibleUsed, "deductibleUsed");
        Guard.Rate(r.RatioPercent, "ratioPercent");
        Guard.NonNegative(r.AnnualCap, "annualCap");
        Guard.NonNegative(r.PaidSoFar, "paidSoFar");

        var remainingDeductible = Math.Max(0, r.Deductible - r.DeductibleUsed);
        var afterDeductible = Math.Max(0, r.EligibleSpend - remainingDeductible);
        var byRatio = Money.Round(Money.OfPercent(afterDeductible, r.RatioPercent));
        var remainingCap = Math.Max(0, r.AnnualCap - r.PaidSoFar);
        var payable = Math.Min(byRatio, remainingCap);
        var steps = new List<string>
        {
            $"Remaining deductible: max(0, {Money.Format(r.Deductible)} − {Money.Format(r.DeductibleUsed)}) = {Money.Format(remainingDeductible)}",
            $"Spend above deductible: max(0, {Money.Format(r.EligibleSpend)} − {Money.Format(remainingDeductible)}) = {Money.Format(afterDeductible)}",
            $"By ratio: {Money.Format(afterDeductible)} × {Money.FormatPlain(r.RatioPercent)}% = {Money.Format(byRatio)}",
            $"Remaining annual cap: max(0, {Money.Format(r.AnnualCap)} − {Money.Format(r.PaidSoFar)}) = {Money.Format(remainingCap)}",
            $"Payable: min({Money.Format(byRatio)}, {Money.Format(remainingCap)}) = {Money.Format(payable)}",
        };
        return new(payable, remainingDeductible, afterDeductible, byRatio, remainingCap, byRatio > remainingCap, steps);
    }
}
