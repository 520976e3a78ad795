using System.Globalization;

namespace MedInsure.Calculations;

internal enum MathKind { Number, Op, LParen, RParen, Eq, Sep }

internal readonly record struct MathToken(MathKind Kind, int Start, int End, decimal Value = 0, bool Percent = false, bool Yuan = false, int Decimals = 0, char Op = '\0', bool Approx = false);

/// <summary>
/// Single-pass tokenizer for arithmetic written in prose: "8400元 × 8% = 672元", "8500 \times 8\% = 680", full-width signs.
/// Anything that is not arithmetic becomes a separator, so runs never span words.
/// </summary>
internal static class MathTokenizer
{
    public static List<MathToken> Tokenize(string folded)
    {
        var s = folded;
        var tokens = new List<MathToken>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is ' ' or '$' or '{' or '}' or '元')
            {
                // Transparent inside a formula: spaces, LaTeX delimiters, a unit standing apart.
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var t = ReadNumber(s, i);
                tokens.Add(t);
                i = t.End;
            }
            else if (c is '*' or '/' or '+' or '-')
            {
                tokens.Add(new(MathKind.Op, i, i + 1, Op: c));
                i++;
            }
            else if ((c is 'x' or 'X') && PrevIsOperand(tokens) && NextNonSpaceIsDigit(s, i + 1) && !IsLetter(s, i - 1))
            {
                tokens.Add(new(MathKind.Op, i, i + 1, Op: '*'));
                i++;
            }
            else if (c is '=' or '≈')
            {
                var end = i + 1;
                var approx = c == '≈';
                while (end < s.Length && s[end] == ' ')
                {
                    end++;
                }

                if (end < s.Length && s[end] == '约')
                {
                    approx = true;
                    end++;
                }

                tokens.Add(new(MathKind.Eq, i, end, Approx: approx));
                i = end;
            }
            else if (c == '(')
            {
                tokens.Add(new(MathKind.LParen, i, i + 1));
                i++;
            }
            else if (c == ')')
            {
                tokens.Add(new(MathKind.RParen, i, i + 1));
                i++;
            }
            else if (c == '\\')
            {
                i = ReadCommand(s, i, tokens);
            }
            else
            {
                AddSep(tokens, i);
                i++;
            }
        }

        return tokens;
    }

    private static void AddSep(List<MathToken> tokens, int at)
    {
        if (tokens.Count == 0 || tokens[^1].Kind != MathKind.Sep)
        {
            tokens.Add(new(MathKind.Sep, at, at + 1));
        }
    }

    private static bool PrevIsOperand(List<MathToken> tokens) =>
        tokens.Count > 0 && tokens[^1].Kind is MathKind.Number or MathKind.RParen;

    private static bool IsLetter(string s, int i) => i >= 0 && char.IsAsciiLetter(s[i]);

    private static bool NextNonSpaceIsDigit(string s, int i)
    {
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        return i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '(');
    }

    private static int ReadCommand(string s, int start, List<MathToken> tokens)
    {
        var i = start + 1;
        if (i < s.Length && s[i] == '%')
        {
            // A bare "\%" not attached to a number: nothing to evaluate.
            return i + 1;
        }

        if (i < s.Length && s[i] is ',' or ';' or '!' or ' ')
        {
            // LaTeX spacing commands.
            return i + 1;
        }

        while (i < s.Length && char.IsAsciiLetter(s[i]))
        {
            i++;
        }

        var name = s[(start + 1)..i];
        switch (name)
        {
            case "times" or "cdot":
                tokens.Add(new(MathKind.Op, start, i, Op: '*'));
                break;
            case "div":
                tokens.Add(new(MathKind.Op, start, i, Op: '/'));
                break;
            case "left" or "right" or "text" or "mathrm" or "quad" or "":
                break;
            default:
                // \frac and friends: give up on this formula rather than misread it.
                AddSep(tokens, start);
                break;
        }

        return i;
    }

    private static MathToken ReadNumber(string s, int start)
    {
        var i = start;
        var buffer = new System.Text.StringBuilder();
        var decimals = -1;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                buffer.Append(c);
                decimals = decimals >= 0 ? decimals + 1 : decimals;
                i++;
            }
            else if (c == ',' && decimals < 0 && i + 3 < s.Length && char.IsAsciiDigit(s[i + 1]) && char.IsAsciiDigit(s[i + 2])
                     && char.IsAsciiDigit(s[i + 3]) && (i + 4 >= s.Length || !char.IsAsciiDigit(s[i + 4])))
            {
                i++;
            }
            else if (c == '.' && decimals < 0 && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                buffer.Append('.');
                decimals = 0;
                i++;
            }
            else
            {
                break;
            }
        }

        var value = decimal.Parse(buffer.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var d = Math.Max(decimals, 0);
        var j = i;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        if (j < s.Length && s[j] == '万')
        {
            value *= 10000m;
            d = Math.Max(0, d - 4);
            i = j + 1;
            j = i;
        }

        if (j < s.Length && s[j] == '%')
        {
            return new(MathKind.Number, start, j + 1, value, Percent: true, Decimals: d);
        }

        if (j + 1 < s.Length && s[j] == '\\' && s[j + 1] == '%')
        {
            return new(MathKind.Number, start, j + 2, value, Percent: true, Decimals: d);
        }

        if (j < s.Length && s[j] == '元')
        {
            return new(MathKind.Number, start, j + 1, value, Yuan: true, Decimals: d);
        }

        return new(MathKind.Number, start, i, value, Decimals: d);
    }
}
