namespace MedInsure.Calculations;

/// <summary>
/// Char-for-char folding of full-width ASCII and math signs, so positions in the folded text match the original.
/// The full-width comma and stop stay as they are: they separate clauses, not digit groups.
/// </summary>
internal static class TextNormalizer
{
    public static string Fold(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            chars[i] = c switch
            {
                '\u3000' or '\u00A0' or '\t' => ' ',
                '，' or '。' or '；' or '：' => c,
                >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                '\u2212' or '\u2013' or '\uFE63' => '-',
                '\u00D7' or '\u2715' or '\u2716' or '\u22C5' => '*',
                '\u00F7' => '/',
                '\u2248' => '≈',
                _ => c,
            };
        }

        return new string(chars);
    }
}
