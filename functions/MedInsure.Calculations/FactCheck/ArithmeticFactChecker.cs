using System.Globalization;

namespace MedInsure.Calculations;

/// <param name="Kind">"arithmetic-mismatch", "sum-mismatch" or "title-body-mismatch".</param>
/// <param name="Expression">The claim as written in the text (trimmed).</param>
/// <param name="Position">Start offset of the claim in the body (or title for title claims).</param>
public sealed record FactCheckFlag(string Kind, string Expression, decimal Stated, decimal Computed, string Message, int Position);

/// <summary>
/// Re-computes arithmetic stated in an article. Tolerance: a stated value passes when it is within 0.01 of the computed
/// value, or equals the computed value rounded half-up to the stated number of decimals (680 for 680.4, 19.79 for 19.785);
/// "约"/"≈" claims also pass within max(1, 1%). Everything is a single left-to-right scan (no regexes).
/// </summary>
public static class ArithmeticFactChecker
{
    public const string ArithmeticMismatch = "arithmetic-mismatch";
    public const string SumMismatch = "sum-mismatch";
    public const string TitleBodyMismatch = "title-body-mismatch";

    private static readonly string[] SumWords = ["合计", "总计", "共计", "总共", "一共", "总额"];
    private static readonly string[] ClampWords = ["上限", "下限", "封顶", "保底", "最高", "最低"];
    private const int MaxExpressionTokens = 40;

    public static IReadOnlyList<FactCheckFlag> Check(string title, string body)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(body);
        var text = TextNormalizer.Fold(body);
        var tokens = MathTokenizer.Tokenize(text);
        var flags = new List<FactCheckFlag>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bodyBases = new List<(decimal Base, string Expression, int Position)>();

        foreach (var run in Runs(tokens))
        {
            // Folding is char-for-char, so offsets in the folded text quote the original body.
            CheckEquations(body, run, flags, seen, bodyBases);
        }

        CheckSums(text, body, flags, seen);
        CheckTitle(title, text, bodyBases, flags);
        return flags;
    }

    internal static bool Matches(decimal stated, decimal computed, int statedDecimals, bool approx)
    {
        if (Math.Abs(stated - computed) <= 0.01m)
        {
            return true;
        }

        if (Math.Round(computed, Math.Min(statedDecimals, 28), MidpointRounding.AwayFromZero) == stated)
        {
            return true;
        }

        return approx && Math.Abs(stated - computed) <= Math.Max(1m, Math.Abs(computed) * 0.01m);
    }

    private static IEnumerable<List<MathToken>> Runs(List<MathToken> tokens)
    {
        var run = new List<MathToken>();
        foreach (var t in tokens)
        {
            if (t.Kind == MathKind.Sep)
            {
                if (run.Count > 0)
                {
                    yield return run;
                    run = [];
                }
            }
            else
            {
                run.Add(t);
            }
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private static void CheckEquations(string text, List<MathToken> run, List<FactCheckFlag> flags, HashSet<string> seen, List<(decimal, string, int)> bodyBases)
    {
        var segments = new List<List<MathToken>> { new() };
        var eqs = new List<MathToken>();
        foreach (var t in run)
        {
            if (t.Kind == MathKind.Eq)
            {
                segments.Add([]);
                eqs.Add(t);
            }
            else
            {
                segments[^1].Add(t);
            }
        }

        for (var k = 0; k + 1 < segments.Count; k++)
        {
            var left = LongestExpression(segments[k]);
            var right = segments[k + 1];
            while (right.Count > 1 && right[^1].Kind == MathKind.Op)
            {
                right = right[..^1];
            }

            // The claimed value is the first number of the next segment when nothing else follows it.
            if (left is null || right.Count != 1 || right[0].Kind != MathKind.Number)
            {
                continue;
            }

            var (tokens, computed) = left.Value;
            var stated = right[0];
            var statedValue = stated.Percent ? stated.Value / 100m : stated.Value;
            var expression = text[tokens[0].Start..stated.End].Trim();
            var key = Canonical(tokens) + "=" + Canonical([stated]);
            CollectBase(tokens, expression, bodyBases);
            if (Matches(statedValue, computed, stated.Decimals + (stated.Percent ? 2 : 0), eqs[k].Approx) || !seen.Add(key))
            {
                continue;
            }

            flags.Add(new(ArithmeticMismatch, expression, stated.Value, Money.Round(stated.Percent ? computed * 100m : computed),
                $"{Canonical(tokens)} = {Money.FormatPlain(Money.Round(stated.Percent ? computed * 100m : computed))}{(stated.Percent ? "%" : "")}, not {Money.FormatPlain(stated.Value)}{(stated.Percent ? "%" : "")}.",
                tokens[0].Start));
        }
    }

    // The longest suffix of the segment that parses with at least one operator, so "第1步 8400×8%" keeps "8400×8%".
    private static (List<MathToken> Tokens, decimal Value)? LongestExpression(List<MathToken> segment)
    {
        var from = Math.Max(0, segment.Count - MaxExpressionTokens);
        for (var i = from; i < segment.Count; i++)
        {
            if (segment[i].Kind is not (MathKind.Number or MathKind.LParen))
            {
                continue;
            }

            var slice = segment[i..];
            if (!slice.Any(t => t.Kind == MathKind.Op) || slice.Count(t => t.Kind == MathKind.Number) < 2)
            {
                return null;
            }

            if (Evaluator.TryEvaluate(slice, out var value))
            {
                return (slice, value);
            }
        }

        return null;
    }

    private static void CollectBase(List<MathToken> tokens, string expression, List<(decimal, string, int)> bases)
    {
        if (!tokens.Any(t => t.Percent) || !tokens.Any(t => t.Kind == MathKind.Op && t.Op == '*'))
        {
            return;
        }

        var first = tokens.FirstOrDefault(t => t.Kind == MathKind.Number && !t.Percent && t.Value >= 1000);
        if (first.Kind == MathKind.Number)
        {
            bases.Add((first.Value, expression, first.Start));
        }
    }

    private static string Canonical(IEnumerable<MathToken> tokens) => string.Concat(tokens.Select(t => t.Kind switch
    {
        MathKind.Number => t.Value.ToString("0.##########", CultureInfo.InvariantCulture) + (t.Percent ? "%" : ""),
        MathKind.Op => t.Op == '*' ? "×" : t.Op.ToString(),
        MathKind.LParen => "(",
        MathKind.RParen => ")",
        _ => "",
    }));

    private static void CheckSums(string text, string original, List<FactCheckFlag> flags, HashSet<string> seen)
    {
        var windowStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '。' or '\n' or '；' or ';' or '！' or '？')
            {
                windowStart = i + 1;
                i++;
                continue;
            }

            var word = SumWords.FirstOrDefault(w => string.CompareOrdinal(text, i, w, 0, w.Length) == 0);
            if (word is null)
            {
                i++;
                continue;
            }

            var afterWord = i + word.Length;
            if (TryStated(text, afterWord, out var stated, out var approx, out var statedEnd))
            {
                var parts = PartsAfter(text, statedEnd) ?? PartsBefore(text, windowStart, i);
                if (parts is { Count: >= 2 })
                {
                    var sum = parts.Sum(p => p.Value);
                    var dropFirst = parts.Count > 2 ? parts.Skip(1).Sum(p => p.Value) : (decimal?)null;
                    var ok = Matches(stated.Value, sum, stated.Decimals, approx)
                        || dropFirst is { } d && Matches(stated.Value, d, stated.Decimals, approx);
                    var expression = original[Math.Min(parts[0].Start, i)..Math.Max(statedEnd, parts[^1].End)].Trim();
                    if (!ok && seen.Add("sum:" + expression))
                    {
                        flags.Add(new(SumMismatch, expression, stated.Value, sum,
                            $"The parts add up to {Money.FormatPlain(sum)}, not {Money.FormatPlain(stated.Value)}.", i));
                    }
                }
            }

            windowStart = statedEnd > afterWord ? statedEnd : afterWord;
            i = windowStart;
        }
    }

    private static bool TryStated(string text, int from, out MathToken stated, out bool approx, out int end)
    {
        approx = false;
        stated = default;
        end = from;
        var j = from;
        var skipped = 0;
        while (j < text.Length && skipped < 6 && !char.IsAsciiDigit(text[j]))
        {
            if (text[j] is '。' or '\n' or '；' or '(' or ')' or '，' or ',')
            {
                return false;
            }

            approx |= text[j] is '约' or '≈';
            j++;
            skipped++;
        }

        if (j >= text.Length || !char.IsAsciiDigit(text[j]))
        {
            return false;
        }

        var tokens = MathTokenizer.Tokenize(text[j..Math.Min(text.Length, j + 24)]);
        if (tokens.Count == 0 || tokens[0].Kind != MathKind.Number || tokens[0].Percent)
        {
            return false;
        }

        var t = tokens[0];
        stated = t with { Start = j + t.Start, End = j + t.End };
        end = stated.End;
        return true;
    }

    // "(养老保险680元+医疗保险170元+…)" right after the stated total.
    private static List<MathToken>? PartsAfter(string text, int from)
    {
        var j = from;
        while (j < text.Length && text[j] is ' ' or '，' or ',')
        {
            j++;
        }

        return j < text.Length && text[j] == '(' ? ParenParts(text, j) : null;
    }

    private static List<MathToken>? PartsBefore(string text, int windowStart, int keyword)
    {
        var j = keyword - 1;
        while (j >= windowStart && text[j] is ' ' or '，' or ',' or ':' or '：')
        {
            j--;
        }

        if (j >= windowStart && text[j] == ')')
        {
            var open = text.LastIndexOf('(', j, j - windowStart + 1);
            if (open >= windowStart)
            {
                return ParenParts(text, open);
            }
        }

        // A run of "X元" amounts in the same sentence, skipping operands of × ÷ = (bases, rates).
        var tokens = MathTokenizer.Tokenize(text[windowStart..keyword]);
        var parts = new List<MathToken>();
        for (var k = 0; k < tokens.Count; k++)
        {
            var t = tokens[k];
            if (t.Kind != MathKind.Number || !t.Yuan || t.Percent)
            {
                continue;
            }

            var next = k + 1 < tokens.Count ? tokens[k + 1] : default;
            var prev = k > 0 ? tokens[k - 1] : default;
            var operand = next.Kind == MathKind.Eq || next.Kind == MathKind.Op && next.Op is '*' or '/' || prev.Kind == MathKind.Op && prev.Op is '*' or '/';
            if (!operand)
            {
                parts.Add(t with { Start = windowStart + t.Start, End = windowStart + t.End });
            }
        }

        return parts;
    }

    private static List<MathToken>? ParenParts(string text, int open)
    {
        var close = text.IndexOf(')', open);
        if (close < 0 || close - open > 400)
        {
            return null;
        }

        var tokens = MathTokenizer.Tokenize(text[(open + 1)..close]);
        if (tokens.Any(t => t.Kind == MathKind.Op && t.Op is '*' or '/'))
        {
            return null;
        }

        return tokens.Where(t => t.Kind == MathKind.Number && !t.Percent)
            .Select(t => t with { Start = open + 1 + t.Start, End = open + 1 + t.End })
            .ToList();
    }

    private static void CheckTitle(string title, string body, List<(decimal Base, string Expression, int Position)> bodyBases, List<FactCheckFlag> flags)
    {
        var folded = TextNormalizer.Fold(title);
        var namesBase = folded.Contains("基数", StringComparison.Ordinal);
        var namesWage = folded.Contains("工资", StringComparison.Ordinal) || folded.Contains("月薪", StringComparison.Ordinal)
            || folded.Contains("薪资", StringComparison.Ordinal) || folded.Contains("收入", StringComparison.Ordinal);
        if (!namesBase && !namesWage || bodyBases.Count == 0)
        {
            return;
        }

        // A wage may legitimately be clamped to a different base; only a stated 基数 must match exactly.
        if (!namesBase && ClampWords.Any(w => body.Contains(w, StringComparison.Ordinal)))
        {
            return;
        }

        if (QuestionParser.Parse(title).BaseAmount is not { } titleBase || bodyBases.Any(b => b.Base == titleBase))
        {
            return;
        }

        var (used, expression, position) = bodyBases[0];
        flags.Add(new(TitleBodyMismatch, expression, titleBase, used,
            $"The title's base is {Money.FormatPlain(titleBase)} but the body computes with {Money.FormatPlain(used)}.", position));
    }
}
