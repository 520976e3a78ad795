using System.Globalization;

namespace MedInsure.Calculations;

/// <summary>A number found in text: "8400", "8,400", "1.2万", "8千", "一万二", "1万2".</summary>
internal readonly record struct NumberToken(decimal Value, int Start, int End, bool HasPercent, bool HasYuan, int Decimals);

/// <summary>Linear scanners for Arabic and Chinese numerals with 万/千 multipliers; no regexes.</summary>
internal static class ChineseNumber
{
    private const string Digits = "零〇一二两三四五六七八九";

    public static bool IsChineseDigit(char c) => Digits.Contains(c, StringComparison.Ordinal);

    private static int DigitValue(char c) => c switch
    {
        '零' or '〇' => 0, '一' => 1, '二' or '两' => 2, '三' => 3, '四' => 4,
        '五' => 5, '六' => 6, '七' => 7, '八' => 8, '九' => 9, _ => -1,
    };

    /// <summary>All numbers in <paramref name="text"/>, left to right.</summary>
    public static List<NumberToken> Scan(string text)
    {
        var result = new List<NumberToken>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsAsciiDigit(text[i]) && TryArabic(text, i, out var token))
            {
                result.Add(token);
                i = token.End;
            }
            else if ((IsChineseDigit(text[i]) || text[i] == '十') && TryChinese(text, i, out token))
            {
                result.Add(token);
                i = token.End;
            }
            else
            {
                i++;
            }
        }

        return result;
    }

    private static bool TryArabic(string s, int start, out NumberToken token)
    {
        var i = start;
        var decimals = -1;
        var digits = new System.Text.StringBuilder();
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
                if (decimals >= 0)
                {
                    decimals++;
                }

                i++;
            }
            else if (c == ',' && decimals < 0 && IsThousandsGroup(s, i))
            {
                i++;
            }
            else if (c == '.' && decimals < 0 && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
            {
                digits.Append('.');
                decimals = 0;
                i++;
            }
            else
            {
                break;
            }
        }

        var value = decimal.Parse(digits.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var d = Math.Max(decimals, 0);

        // 1.2万, 8千, 12k; "1万2" means 12,000 (a trailing digit after 万 counts thousands).
        if (i < s.Length && (s[i] is '万' or 'w' or 'W'))
        {
            value *= 10000m;
            i++;
            if (i < s.Length && char.IsAsciiDigit(s[i]) && (i + 1 >= s.Length || !char.IsAsciiDigit(s[i + 1])) && s[i - 1] == '万')
            {
                value += (s[i] - '0') * 1000m;
                i++;
            }

            d = 0;
        }
        else if (i < s.Length && (s[i] is '千' or 'k' or 'K'))
        {
            value *= 1000m;
            i++;
            d = 0;
        }

        token = Finish(s, start, i, value, d);
        return true;
    }

    private static bool IsThousandsGroup(string s, int comma) =>
        comma > 0 && char.IsAsciiDigit(s[comma - 1])
        && comma + 3 < s.Length
        && char.IsAsciiDigit(s[comma + 1]) && char.IsAsciiDigit(s[comma + 2]) && char.IsAsciiDigit(s[comma + 3])
        && (comma + 4 >= s.Length || !char.IsAsciiDigit(s[comma + 4]));

    private static bool TryChinese(string s, int start, out NumberToken token)
    {
        // Sections: total = Σ(section) where 万 closes a section; inside, 千/百/十 multiply the last digit.
        decimal total = 0, section = 0;
        var digit = -1;
        var lastUnit = 10000;
        var i = start;
        while (i < s.Length)
        {
            var c = s[i];
            var dv = DigitValue(c);
            if (dv >= 0)
            {
                digit = dv;
                i++;
                continue;
            }

            var unit = c switch { '十' => 10, '百' => 100, '千' => 1000, '万' => 10000, _ => 0 };
            if (unit == 0)
            {
                break;
            }

            if (unit == 10000)
            {
                total += (section + Math.Max(digit, 0)) * 10000;
                section = 0;
            }
            else
            {
                section += (digit < 0 ? 1 : digit) * unit;
            }

            lastUnit = unit;
            digit = -1;
            i++;
        }

        if (digit >= 0)
        {
            // "一万二" = 12,000 and "三千五" = 3,500: a trailing lone digit takes the next unit down.
            var scale = lastUnit switch { 10000 => 1000, 1000 => 100, 100 => 10, _ => 1 };
            section += digit * (i - start == 1 ? 1 : scale);
        }

        total += section;
        if (i == start || total == 0 && !s.AsSpan(start, i - start).ContainsAny('零', '〇'))
        {
            token = default;
            return false;
        }

        token = Finish(s, start, i, total, 0);
        return true;
    }

    private static NumberToken Finish(string s, int start, int end, decimal value, int decimals)
    {
        var j = end;
        while (j < s.Length && s[j] == ' ')
        {
            j++;
        }

        var percent = j < s.Length && s[j] == '%';
        var yuan = j < s.Length && (s[j] is '元' or '块');
        if (percent)
        {
            end = j + 1;
        }
        else if (yuan)
        {
            end = j + 1;
        }

        return new(value, start, end, percent, yuan, decimals);
    }
}
