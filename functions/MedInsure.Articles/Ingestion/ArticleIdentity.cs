using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MedInsure.Articles.Ingestion;

/// <summary>Stable article ids: the same question asked in any dump, with any spacing or punctuation, is one article.</summary>
public static class ArticleIdentity
{
    /// <summary>NFKC (full-width digits and letters fold to ASCII), no white space, punctuation or symbols, lower case.</summary>
    public static string NormalizeTitle(string title)
    {
        // Full-width ASCII is folded by hand as well: ids must not change on a machine without ICU, where NFKC is a no-op.
        var folded = FoldFullWidth(title).Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(folded.Length);
        foreach (var rune in folded.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || IsPunctuationOrSymbol(category))
            {
                continue;
            }

            builder.Append(Rune.ToLowerInvariant(rune).ToString());
        }

        return builder.ToString();
    }

    /// <summary>16 lower-case hex characters of SHA-256 over the normalised title (64 bits: collisions are negligible at our scale).</summary>
    public static string IdFor(string title)
    {
        var normalized = NormalizeTitle(title);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(normalized.Length == 0 ? title : normalized), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary>Number of article partitions: the id's first hex digit divided by 4 names one of "0"–"3".</summary>
    /// <remarks>
    /// Few, so that the articles of concurrent dumps share partitions and travel in full transactions (16 partitions
    /// gave 7 articles a transaction and a quarter of an ingestion's requests); four still allow 8,000 entity
    /// operations a second in Azure. Stores written before 2026-12-02 used 16 (the digit itself): see
    /// <see cref="ArticleStore.MigrateLayoutAsync"/>.
    /// </remarks>
    public const int Partitions = 4;

    private static readonly string[] PartitionNames = [.. Enumerable.Range(0, Partitions).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public static string PartitionFor(string id) => PartitionNames[Convert.ToInt32(id[..1], 16) / (16 / Partitions)];

    public static bool IsValidId(string? id) =>
        id is { Length: 16 } && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string FoldFullWidth(string text)
    {
        if (!text.Any(c => c is >= '\uFF01' and <= '\uFF5E' or '\u3000'))
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c switch
                {
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' => ' ',
                    _ => c,
                };
            }
        });
    }

    private static bool IsPunctuationOrSymbol(UnicodeCategory category) => category is
        UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
        or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
        or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
        or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol;
}
