namespace MedInsure.Parsing;

/// <summary>One article found in a dump: the main article (position 0) or a related item (1..n).</summary>
/// <param name="Title">Normalised title (NFC, trimmed); never empty.</param>
/// <param name="ShortAnswer">A one-line answer token such as "496元" or "能", when the dump gives one.</param>
/// <param name="Body">Main article: the full body. Related item: the summary snippet. Paragraphs separated by "\n".</param>
/// <param name="Category">Related items: the category before the date (e.g. "健康新闻"); null for the main article.</param>
/// <param name="Date">The item's date; see the parser README for the main article's rule.</param>
/// <param name="IsMain">True for the page's main article.</param>
/// <param name="Position">0-based position in the dump; the main article is 0.</param>
/// <param name="Warnings">What the parser tolerated for this article (lenient cases).</param>
public sealed record ParsedArticle(
    string Title,
    string? ShortAnswer,
    string Body,
    string? Category,
    DateOnly? Date,
    bool IsMain,
    int Position,
    IReadOnlyList<string> Warnings);

/// <summary>A dump that parsed: its articles in page order.</summary>
/// <param name="Name">The dump's name (file name, or "bundle.zip/member.txt" for a zip member).</param>
/// <param name="Encoding">The encoding detected from the bytes (e.g. "utf-8", "utf-16le", "gb18030").</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the raw bytes: identifies a dump's content across uploads.</param>
public sealed record ParsedDump(
    string Name,
    string Encoding,
    string ContentHash,
    IReadOnlyList<ParsedArticle> Articles,
    IReadOnlyList<string> Warnings)
{
    /// <summary>The page's 大家都在搜 keywords, when it has that block (kept out of every article).</summary>
    public IReadOnlyList<string> SearchTerms { get; init; } = [];
}

/// <summary>The outcome for one input (a file, or one member of a zip): parsed, or rejected with a reason.</summary>
public sealed record DumpOutcome(string Name, ParsedDump? Dump, string? RejectionReason, string ContentHash)
{
    public bool Accepted => Dump is not null;

    public static DumpOutcome Parsed(ParsedDump dump) => new(dump.Name, dump, null, dump.ContentHash);

    public static DumpOutcome Rejected(string name, string reason, string contentHash) => new(name, null, reason, contentHash);
}
