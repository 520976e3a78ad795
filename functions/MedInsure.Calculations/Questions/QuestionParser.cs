using System.Text.Json.Serialization;

namespace MedInsure.Calculations;

[JsonConverter(typeof(JsonStringEnumConverter<QuestionIntent>))]
public enum QuestionIntent
{
    [JsonStringEnumMemberName("contributions-employee")] ContributionsEmployee,
    [JsonStringEnumMemberName("contributions-employer")] ContributionsEmployer,
    [JsonStringEnumMemberName("contributions-total")] ContributionsTotal,
    [JsonStringEnumMemberName("housing-fund")] HousingFund,
    [JsonStringEnumMemberName("medical-account")] MedicalAccount,
    [JsonStringEnumMemberName("pension")] Pension,
    [JsonStringEnumMemberName("grade")] Grade,
}

/// <param name="RegionText">Raw place text before the first topic keyword (e.g. "江西萍乡"), for the region tagger.</param>
/// <param name="RegionCode">Set only when a resolver was injected and recognised the place.</param>
/// <param name="Retired">The question is about a retiree (退休后/退休人员).</param>
public sealed record ParsedQuestion(
    string Text,
    string? RegionText,
    string? RegionCode,
    string? RegionName,
    decimal? BaseAmount,
    QuestionIntent? Intent,
    decimal? Years,
    bool Retired);

/// <summary>Keyword parser for short Chinese questions such as 「江西萍乡社保基数8400个人扣多少」.</summary>
public static class QuestionParser
{
    // Words after which the next number is the base; longest first so 社保基数 wins over 基数.
    private static readonly string[] BaseLeadWords =
        ["社保基数", "缴费基数", "缴纳基数", "基数", "月工资", "工资", "月薪", "薪资", "薪水", "税前", "底薪", "月收入", "收入", "月入", "按"];

    // Topic words that end the place prefix.
    private static readonly string[] TopicWords =
        ["社保", "医保", "公积金", "住房", "养老", "五险", "基数", "工资", "月薪", "薪资", "薪水", "税前", "退休", "个人", "公司", "单位",
         "企业", "职工", "灵活就业", "每月", "一个月", "我", "失业", "工伤", "生育", "交", "缴", "扣", "收入", "底薪", "月入", "按"];

    private static readonly string[] PrefixNoise = ["请问", "我在", "我是", "在", "想问", "问下", "问一下"];

    public static ParsedQuestion Parse(string question, Func<string, (string Code, string Name)?>? regionResolver = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        var text = TextNormalizer.Fold(question).Trim();
        var numbers = ChineseNumber.Scan(text);

        var years = FindYears(text, numbers);
        var baseAmount = FindBase(text, numbers, years.Token);
        var regionText = FindRegionText(text);
        string? code = null, name = null;
        if (regionResolver is not null && regionResolver(regionText ?? text) is { } resolved)
        {
            (code, name) = resolved;
        }

        var retired = text.Contains("退休后", StringComparison.Ordinal) || text.Contains("退休人员", StringComparison.Ordinal)
            || text.Contains("退休了", StringComparison.Ordinal) || text.Contains("已退休", StringComparison.Ordinal);
        return new(question, regionText, code, name, baseAmount, DetectIntent(text), years.Value, retired);
    }

    internal static QuestionIntent? DetectIntent(string t)
    {
        bool Has(params string[] words) => words.Any(w => t.Contains(w, StringComparison.Ordinal));

        if (Has("公积金"))
        {
            return QuestionIntent.HousingFund;
        }

        if (Has("医保卡", "个人账户", "医保账户", "账户每月", "划入", "划拨", "返还"))
        {
            return QuestionIntent.MedicalAccount;
        }

        if (Has("退休金", "养老金", "退休领", "退休后能领", "退休后领", "能领多少", "领多少"))
        {
            return QuestionIntent.Pension;
        }

        if (Has("几档", "哪档", "哪一档", "哪个档", "什么档", "档次"))
        {
            return QuestionIntent.Grade;
        }

        var employer = Has("公司", "单位", "企业", "雇主", "老板");
        var employee = Has("个人", "自己", "本人", "扣", "到手", "我交", "我缴", "员工");
        if (employer && employee || Has("一共", "总共", "合计", "总计", "两边"))
        {
            return QuestionIntent.ContributionsTotal;
        }

        if (employer)
        {
            return QuestionIntent.ContributionsEmployer;
        }

        if (employee)
        {
            return QuestionIntent.ContributionsEmployee;
        }

        if (Has("交多少", "缴多少", "缴费多少", "交费多少", "多少钱", "每月交", "每个月交", "要交", "社保费"))
        {
            return QuestionIntent.ContributionsTotal;
        }

        return null;
    }

    private static (decimal? Value, NumberToken? Token) FindYears(string t, List<NumberToken> numbers)
    {
        foreach (var n in numbers)
        {
            // "交了15年", "缴费20年", "工龄25年"; calendar years (2025年) are dates, not durations.
            var after = n.End < t.Length ? t[n.End] : '\0';
            if (after == '年' && n.Value is > 0 and <= 60 && !n.HasPercent && !n.HasYuan)
            {
                return (n.Value, n);
            }
        }

        return (null, null);
    }

    private static decimal? FindBase(string t, List<NumberToken> numbers, NumberToken? yearsToken)
    {
        var candidates = numbers.Where(n => !n.HasPercent && n != yearsToken && !IsCalendar(t, n) && n.Value >= 100).ToList();

        // 1) A lead word right before the number: 社保基数8400, 工资1.2万, 基数是8400.
        foreach (var n in candidates)
        {
            var k = n.Start;
            var skipped = 0;
            while (k > 0 && skipped < 3 && "是为: ：按约了的每月个月".Contains(t[k - 1], StringComparison.Ordinal))
            {
                k--;
                skipped++;
            }

            foreach (var word in BaseLeadWords)
            {
                if (k >= word.Length && string.CompareOrdinal(t, k - word.Length, word, 0, word.Length) == 0)
                {
                    return n.Value;
                }
            }
        }

        // 2) The base named after the number: 8400的基数, 8400元社保基数, 8400工资.
        foreach (var n in candidates)
        {
            var rest = t.AsSpan(n.End).TrimStart("元块的 ");
            if (rest.StartsWith("基数", StringComparison.Ordinal) || rest.StartsWith("社保基数", StringComparison.Ordinal)
                || rest.StartsWith("缴费基数", StringComparison.Ordinal) || rest.StartsWith("工资", StringComparison.Ordinal)
                || rest.StartsWith("月薪", StringComparison.Ordinal))
            {
                return n.Value;
            }
        }

        // 3) A lone money amount: 8400元 / 月入8千 already handled; accept one unambiguous amount.
        return candidates.Count == 1 ? candidates[0].Value : null;
    }

    private static bool IsCalendar(string t, NumberToken n) =>
        n.End < t.Length && (t[n.End] is '年' or '月' or '日' or '号' or '岁');

    private static string? FindRegionText(string t)
    {
        // Drop a leading "请问/我在…" first, so "我" as a topic word does not swallow the place.
        var start = 0;
        var stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (var noise in PrefixNoise)
            {
                if (string.CompareOrdinal(t, start, noise, 0, noise.Length) == 0)
                {
                    start += noise.Length;
                    stripped = true;
                }
            }
        }

        var cut = t.Length;
        foreach (var word in TopicWords)
        {
            var at = t.IndexOf(word, start, StringComparison.Ordinal);
            if (at >= 0 && at < cut)
            {
                cut = at;
            }
        }

        for (var i = start; i < cut; i++)
        {
            if (char.IsAsciiDigit(t[i]))
            {
                cut = i;
                break;
            }
        }

        var prefix = t[start..cut].Trim(' ', ',', '，', '?', '？', '、').TrimEnd('的');
        return prefix.Length == 0 ? null : prefix;
    }
}
