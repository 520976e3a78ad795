namespace MedInsure.Parsing.Tests;

// Records compare lists by reference; this compares the warnings by content.
internal sealed class ArticleComparer : IEqualityComparer<ParsedArticle>
{
    public static readonly ArticleComparer Instance = new();

    private static readonly IReadOnlyList<string> None = [];

    public bool Equals(ParsedArticle? x, ParsedArticle? y) =>
        x is not null && y is not null && x with { Warnings = None } == y with { Warnings = None } && x.Warnings.SequenceEqual(y.Warnings);

    public int GetHashCode(ParsedArticle obj) => obj.Title.GetHashCode(StringComparison.Ordinal);
}
