using System.Text;

namespace MedInsure.Calculations;

/// <param name="Calculation">The calculator result the answer rests on (ContributionResult, HousingFundResult, …) or null.</param>
/// <param name="Answer">Short Chinese sentence; null when nothing could be computed.</param>
/// <param name="Missing">What the caller must supply for a complete answer; empty when the answer is complete.</param>
public sealed record QuestionAnswer(
    ParsedQuestion Parsed,
    object? Calculation,
    string? Answer,
    IReadOnlyList<Assumption> Assumptions,
    IReadOnlyList<string> Missing);

/// <summary>Parses a question, runs the matching calculator and states only what the rules and verified data support.</summary>
public sealed class QuestionAnswerer(RegionParameters? data = null, Func<string, (string Code, string Name)?>? regionResolver = null)
{
    private readonly RegionParameters data = data ?? RegionParameters.Default;

    private static readonly Dictionary<Insurance, string> Names = new()
    {
        [Insurance.Pension] = "养老保险",
        [Insurance.Medical] = "医疗保险",
        [Insurance.Unemployment] = "失业保险",
        [Insurance.Injury] = "工伤保险",
        [Insurance.Maternity] = "生育保险",
    };

    /// <param name="asOf">Date whose parameter sets apply (the caller's "today"; kept explicit so answers are reproducible).</param>
    public QuestionAnswer Answer(string question, DateOnly asOf)
    {
        var parsed = QuestionParser.Parse(question, regionResolver);
        var missing = new List<string>();
        if (parsed.Intent is null)
        {
            missing.Add("intent: could not tell what is asked (个人扣多少 / 公司交多少 / 公积金 / 医保卡 / 养老金 …)");
            return new(parsed, null, null, [], missing);
        }

        if (regionResolver is not null && parsed.RegionText is not null && parsed.RegionCode is null)
        {
            missing.Add($"region: '{parsed.RegionText}' was not recognised; local rates and bounds unknown");
        }

        return parsed.Intent switch
        {
            QuestionIntent.ContributionsEmployee or QuestionIntent.ContributionsEmployer or QuestionIntent.ContributionsTotal
                => Contributions(parsed, asOf, missing),
            QuestionIntent.HousingFund => HousingFund(parsed, asOf, missing),
            QuestionIntent.MedicalAccount => MedicalAccount(parsed, asOf, missing),
            QuestionIntent.Pension => Pension(parsed, missing),
            _ => Grade(parsed, missing),
        };
    }

    private static string Place(ParsedQuestion p) =>
        p.RegionCode is null ? (p.RegionText ?? "未指定地区") : $"{p.RegionName ?? p.RegionText}（{p.RegionCode}）";

    private static bool NeedBase(ParsedQuestion p, List<string> missing)
    {
        if (p.BaseAmount is > 0)
        {
            return true;
        }

        missing.Add("base: no contribution base or wage found in the question (e.g. 社保基数8400)");
        return false;
    }

    private QuestionAnswer Contributions(ParsedQuestion p, DateOnly asOf, List<string> missing)
    {
        if (!NeedBase(p, missing))
        {
            return new(p, null, null, [], missing);
        }

        var result = ContributionCalculator.Calculate(new(p.BaseAmount!.Value, p.RegionCode, p.RegionCode is null ? null : asOf), data);
        var assumptions = new List<Assumption> { BaseAssumption(result.Base, result.Policy) };
        var wantEmployee = p.Intent != QuestionIntent.ContributionsEmployer;
        var wantEmployer = p.Intent != QuestionIntent.ContributionsEmployee;

        var text = new StringBuilder($"按{Place(p)}缴费基数{Money.FormatPlain(result.Base.Applied)}元计算，");
        var known = false;
        if (wantEmployee)
        {
            known |= Side(text, "个人", result, employee: true, assumptions);
        }

        if (wantEmployer)
        {
            known |= Side(text, "单位", result, employee: false, assumptions);
        }

        var relevant = result.Missing.Where(m => m.Side == "employee" ? wantEmployee : wantEmployer).ToList();
        foreach (var m in relevant)
        {
            var name = m.Insurance.ToString().ToLowerInvariant();
            missing.Add($"no verified {name} {m.Side} rate for {Place(p)}: pass {m.Field}");
        }

        if (relevant.Count > 0)
        {
            var labels = relevant.Select(m => Names[m.Insurance] + (m.Side == "employee" ? "个人" : "单位") + "费率").Distinct();
            text.Append($"{string.Join("、", labels)}由当地规定，未找到{Place(p)}的已核实数据，未计入。");
        }

        return new(p, result, known ? text.ToString() : null, assumptions, missing);
    }

    private static bool Side(StringBuilder text, string label, ContributionResult result, bool employee, List<Assumption> assumptions)
    {
        var parts = result.Lines
            .Where(l => (employee ? l.Employee : l.Employer) is > 0)
            .Select(l => (Line: l, Amount: (employee ? l.Employee : l.Employer)!.Value, Rate: (employee ? l.EmployeeRate : l.EmployerRate)!.Value))
            .ToList();
        if (parts.Count == 0)
        {
            return false;
        }

        foreach (var (line, _, rate) in parts)
        {
            var source = employee ? line.EmployeeRateSource : line.EmployerRateSource;
            assumptions.Add(new(
                $"{line.Insurance.ToString().ToLowerInvariant()} {(employee ? "employee" : "employer")} rate",
                $"{Money.FormatPlain(rate)}%" + (employee && line.EmployeeFixedAddOn != 0 ? $" + {Money.FormatPlain(line.EmployeeFixedAddOn)}元" : ""),
                source == "national" ? "national rule (docs/policy-and-regions.md §1)" : $"region data ({result.Policy?.EntryId})"));
        }

        var sum = parts.Sum(x => x.Amount);
        text.Append($"{label}每月：");
        text.Append(string.Join(" + ", parts.Select(x => $"{Names[x.Line.Insurance]}{Money.Format(x.Amount)}元（{Money.FormatPlain(x.Rate)}%）")));
        text.Append(parts.Count > 1 ? $" = {Money.Format(sum)}元。" : "。");
        return true;
    }

    private static Assumption BaseAssumption(BaseBlock block, PolicyInfo? policy) => new(
        "contribution base",
        Money.FormatPlain(block.Applied),
        block.Clamped is null
            ? policy is null ? "from the question; not checked against a local floor/ceiling (no verified bounds)" : $"from the question, within the bounds of {policy.EntryId}"
            : $"clamped to the {block.Clamped} of {policy?.EntryId}");

    private QuestionAnswer HousingFund(ParsedQuestion p, DateOnly asOf, List<string> missing)
    {
        if (!NeedBase(p, missing))
        {
            return new(p, null, null, [], missing);
        }

        // The rate is chosen by the employer within the city band, so the honest answer is a range plus what is missing.
        var date = p.RegionCode is null ? (DateOnly?)null : asOf;
        var set = p.RegionCode is null ? null : data.FindFor(p.RegionCode, asOf);
        var low = set?.HousingFund?.MinRate ?? NationalRules.HousingFundMinRate;
        var high = set?.HousingFund?.MaxRate ?? NationalRules.HousingFundMaxRate;
        var lowResult = HousingFundCalculator.Calculate(new(p.BaseAmount!.Value, low, low, p.RegionCode, date), data);
        var highResult = HousingFundCalculator.Calculate(new(p.BaseAmount!.Value, high, high, p.RegionCode, date), data);
        missing.Add("housing fund rate: pass employeeRate/employerRate (set by the employer within the city band)");
        var answer = $"公积金比例由单位在{Money.FormatPlain(low)}%–{Money.FormatPlain(high)}%之间确定：按基数{Money.FormatPlain(lowResult.Base.Applied)}元，"
            + $"个人和单位每月各{Money.FormatPlain(lowResult.Employee)}–{Money.FormatPlain(highResult.Employee)}元（合计{Money.FormatPlain(lowResult.Total)}–{Money.FormatPlain(highResult.Total)}元）。";
        var assumptions = new List<Assumption>
        {
            new("housing fund rate band", $"{Money.FormatPlain(low)}%–{Money.FormatPlain(high)}%", set?.HousingFund is null ? "national band 5%–12% (住房公积金管理条例)" : $"region data ({set.Id})"),
            new("rounding", lowResult.Rounding.ToString().ToLowerInvariant(), set?.HousingFund?.Rounding is null ? "default: whole yuan, half-up, per side" : $"region data ({set.Id})"),
        };
        return new(p, new[] { lowResult, highResult }, answer, assumptions, missing);
    }

    private QuestionAnswer MedicalAccount(ParsedQuestion p, DateOnly asOf, List<string> missing)
    {
        if (!p.Retired && !NeedBase(p, missing))
        {
            return new(p, null, null, [], missing);
        }

        var result = MedicalAccountCalculator.Calculate(new(p.Retired, p.BaseAmount, p.RegionCode, p.RegionCode is null ? null : asOf), data);
        if (!result.Known)
        {
            missing.Add($"retiree medical account credit: {result.Basis}");
            return new(p, result, null, [], missing);
        }

        var assumptions = new List<Assumption>
        {
            new("medical account credit", p.Retired ? "regional constant" : "2% of base", p.Retired ? $"region data ({result.Policy?.EntryId})" : "国办发〔2021〕14号: employee's own 2% only"),
        };
        var answer = p.Retired
            ? $"{Place(p)}退休人员医保个人账户每月划入{Money.Format(result.MonthlyCredit!.Value)}元。"
            : $"在职职工医保个人账户每月划入个人缴费部分：{Money.FormatPlain(result.Base!.Applied)} × 2% = {Money.Format(result.MonthlyCredit!.Value)}元（2021年改革后单位缴费不再划入）。";
        return new(p, result, answer, assumptions, missing);
    }

    private QuestionAnswer Pension(ParsedQuestion p, List<string> missing)
    {
        var hasBase = p.RegionCode is not null && data.Entries.Any(e => e.Verified && e.PensionBase is not null && e.Region.Code == p.RegionCode);
        if (!hasBase)
        {
            missing.Add($"pensionBase: no verified 计发基数 for {Place(p)}: pass pensionBase");
        }

        missing.Add("averageIndex or history: average contribution index (0.6–3.0)");
        missing.Add("personalAccountBalance: personal account balance at retirement");
        missing.Add("retirementAge or birthDate + category");
        if (p.Years is null)
        {
            missing.Add("years: contribution years (e.g. 交了15年)");
        }

        return new(p, null, null, p.Years is { } y ? [new("contribution years", Money.FormatPlain(y), "from the question")] : [], missing);
    }

    private static QuestionAnswer Grade(ParsedQuestion p, List<string> missing)
    {
        missing.Add($"grade table: no verified contribution grades (档次) for {Place(p)}; grades are set locally (e.g. 60%/100%/300% of the average wage)");
        return new(p, null, null, [], missing);
    }
}
