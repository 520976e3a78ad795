using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace MedInsure.Parsing;

/// <summary>A trimmed, non-blank line of the normalised text.</summary>
internal readonly record struct Line(int Start, int Length, int Number);

/// <summary>Normalised text cut into trimmed non-blank lines; blank lines only matter as separators.</summary>
internal sealed record NormalizedText(string Text, List<Line> Lines, List<string> Warnings)
{
    public ReadOnlySpan<char> this[Line line] => Text.AsSpan(line.Start, line.Length);

    public string ToString(Line line) => Text.Substring(line.Start, line.Length);
}

internal static class TextNormalizer
{
    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\r\n");

    // With InvariantGlobalization the runtime's Normalize() is a silent no-op for non-ASCII text; detect that once.
    internal static readonly bool NormalizationAvailable = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00E9";

    public static NormalizedText Normalize(string text)
    {
        var warnings = new List<string>();
        if (!IsPlain(text))
        {
            text = StripControls(text, warnings);
            text = ToNfc(text, warnings);
        }

        return new NormalizedText(text, SplitLines(text, warnings), warnings);
    }

    private static string StripControls(string text, List<string> warnings)
    {
        var first = text.AsSpan().IndexOfAny(DumpDecoder.ControlChars);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text.AsSpan(0, first));
        var removed = 0;
        foreach (var c in text.AsSpan(first))
        {
            if (DumpDecoder.ControlChars.Contains(c))
            {
                removed++;
            }
            else
            {
                builder.Append(c);
            }
        }

        warnings.Add($"removed {removed} control character{(removed == 1 ? "" : "s")}");
        return builder.ToString();
    }

    private static string ToNfc(string text, List<string> warnings)
    {
        if (IsTriviallyNfc(text))
        {
            return text;
        }

        if (!NormalizationAvailable)
        {
            warnings.Add("text may not be in Unicode NFC: normalisation is unavailable in this runtime (invariant globalization)");
            return text;
        }

        return text.Normalize(NormalizationForm.FormC);
    }

    // One vectorised pass over the common case: no control characters and nothing NFC could change.
    private static bool IsPlain(ReadOnlySpan<char> text)
    {
        var chars = MemoryMarshal.Cast<char, ushort>(text);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Vector256<ushort>.Count <= chars.Length; i += Vector256<ushort>.Count)
            {
                if (!AllPlain(Vector256.Create(chars.Slice(i, Vector256<ushort>.Count))))
                {
                    return false;
                }
            }
        }

        for (; i < chars.Length; i++)
        {
            if (!IsPlainChar((char)chars[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllPlain(Vector256<ushort> c)
    {
        var plain = InRange(c, 0x20, 0x7E) | InRange(c, 0xA0, 0x2FF) | Vector256.Equals(c, Vector256.Create((ushort)'\n'))
            | Vector256.Equals(c, Vector256.Create((ushort)'\r')) | Vector256.Equals(c, Vector256.Create((ushort)'\t'))
            | InRange(c, 0x4E00, 0x9FFF) | InRange(c, 0x3000, 0x3029) | InRange(c, 0x3030, 0x303F) | InRange(c, 0xFF01, 0xFF5E)
            | InRange(c, 0x2010, 0x2027) | InRange(c, 0x2030, 0x205E) | InRange(c, 0x3400, 0x4DBF);
        return plain == Vector256<ushort>.AllBitsSet;
    }

    private static Vector256<ushort> InRange(Vector256<ushort> c, ushort low, ushort high) =>
        Vector256.LessThanOrEqual(c - Vector256.Create(low), Vector256.Create((ushort)(high - low)));

    private static bool IsPlainChar(char c) =>
        c is (>= ' ' and <= '~') or '\n' or '\r' or '\t' || (c >= '\u00A0' && IsNfcSafe(c));

    // Fast path: these ranges neither decompose nor compose under NFC, which covers nearly all Chinese pages.
    // Anything else (combining marks, CJK compatibility ideographs, ...) goes through the runtime's normaliser.
    private static bool IsTriviallyNfc(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!IsNfcSafe(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNfcSafe(char c) =>
        c < 0x0300
        || c is >= '\u4E00' and <= '\u9FFF'
        || c is >= '\u3000' and <= '\u3029'
        || c is >= '\u3030' and <= '\u303F'
        || c is >= '\uFF01' and <= '\uFF5E'
        || c is >= '\u2010' and <= '\u2027'
        || c is >= '\u2030' and <= '\u205E'
        || c is >= '\u3400' and <= '\u4DBF';

    private static List<Line> SplitLines(string text, List<string> warnings)
    {
        var lines = new List<Line>(Math.Max(16, text.Length / 64));
        var span = text.AsSpan();
        var position = 0;
        var number = 0;
        var blankRun = 0;
        var extraBlankRuns = 0;
        while (position <= span.Length)
        {
            number++;
            var rest = span[position..];
            var breakAt = rest.IndexOfAny(LineBreaks);
            var length = breakAt < 0 ? rest.Length : breakAt;
            var raw = rest[..length];
            var leading = raw.Length - raw.TrimStart().Length;
            var trimmed = raw[leading..].TrimEnd();
            if (trimmed.IsEmpty)
            {
                blankRun++;
            }
            else
            {
                if (blankRun > 1)
                {
                    extraBlankRuns++;
                }

                blankRun = 0;
                var start = position + leading;
                lines.Add(new Line(start, trimmed.Length, number));
            }

            if (breakAt < 0)
            {
                break;
            }

            position += length + (rest[length] == '\r' && length + 1 < rest.Length && rest[length + 1] == '\n' ? 2 : 1);
        }

        if (extraBlankRuns > 0)
        {
            warnings.Add($"collapsed {extraBlankRuns} run{(extraBlankRuns == 1 ? "" : "s")} of extra blank lines");
        }

        return lines;
    }
}
