using System.Globalization;

namespace MedInsure.Parsing;

/// <summary>Articles found in one page, or the reason the page is rejected.</summary>
internal sealed record PageParse(
    IReadOnlyList<ParsedArticle> Articles,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> SearchTerms,
    string? Error);

/// <summary>Turns a normalised page into its main article and related items; one forward pass, no regexes.</summary>
internal static class DumpParser
{
    public const int MaxTitleLength = 80;
    public const int MaxShortAnswerLineLength = 20;
    public const string InferredDateWarning = "main date inferred from related items";
    public const string MainWithoutText = "main article has no text";

    private const string RelatedHeading = "相关推荐";
    private const string SearchHeading = "大家都在搜";
    private const string NewsCategory = "健康新闻";

    // Navigation left over from the web page ("首页 顶部"); only removed from the end of the page.
    private static readonly HashSet<string> ResidueWords = new(StringComparer.Ordinal) { "首页", "顶部", "返回顶部", "回到顶部", "返回首页", "上一页", "下一页" };

    private static readonly HashSet<string> AnswerWords = new(StringComparer.Ordinal)
    {
        "是", "不是", "能", "不能", "可以", "不可以", "有", "没有", "会", "不会", "需要", "不需要",
        "要", "不要", "不用", "算", "不算", "属于", "不属于", "对", "不对", "否", "行", "不行",
    };

    // Static so the formats array is not allocated again for every date line.
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-M-d"];

    private static readonly string[] AmountUnits =
        ["个工作日", "工作日", "个月", "万元", "小时", "分钟", "元", "块", "万", "亿", "%", "％", "天", "月", "年", "岁", "次", "倍", "个", "人"];

    public static PageParse Parse(string decoded, int maxArticles)
    {
        var page = TextNormalizer.Normalize(decoded);
        var warnings = page.Warnings;
        var lines = page.Lines;
        var end = lines.Count;
        while (end > 0 && IsResidue(page[lines[end - 1]]))
        {
            end--;
        }

        if (end == 0)
        {
            return Fail(lines.Count == 0 ? "dump has no text: every line is blank" : "dump has only navigation residue and no article");
        }

        var title = lines[0];
        if (ParagraphReason(page[title]) is { } notTitle)
        {
            return Fail($"line {title.Number} is not a title: it {notTitle}");
        }

        // The main body runs to the disclaimer, or to the first section heading when the disclaimer is missing.
        var bodyEnd = 1;
        while (bodyEnd < end && !IsDisclaimer(page[lines[bodyEnd]]) && !IsHeading(page[lines[bodyEnd]]))
        {
            bodyEnd++;
        }

        var mainWarnings = new List<string>();
        var next = bodyEnd;
        if (next < end && IsDisclaimer(page[lines[next]]))
        {
            next++;
        }
        else
        {
            mainWarnings.Add("no 提示 disclaimer line after the body");
        }

        var searchTerms = new List<string>();
        var relatedStart = FindRelatedStart(page, next, end, searchTerms, warnings);

        var articles = new List<ParsedArticle>();
        var related = new List<ParsedArticle>();
        if (ParseRelated(page, relatedStart, end, related, warnings, maxArticles - 1) is { } tooMany)
        {
            return Fail(tooMany);
        }

        if (related.Count == 0)
        {
            warnings.Add("no related items");
        }

        var main = BuildMain(page, title, 1, bodyEnd, related, mainWarnings);
        if (string.IsNullOrWhiteSpace(main.Body) && string.IsNullOrWhiteSpace(main.ShortAnswer))
        {
            // Stored, a title alone would be an article with nothing to read; merged, it must not blank fuller text.
            return Fail(MainWithoutText);
        }

        articles.Add(main);
        articles.AddRange(related);
        return new PageParse(articles, warnings, searchTerms, null);

        PageParse Fail(string error) => new([], warnings, [], error);
    }

    private static int FindRelatedStart(NormalizedText page, int start, int end, List<string> searchTerms, List<string> warnings)
    {
        var heading = -1;
        for (var i = start; i < end; i++)
        {
            if (page[page.Lines[i]].SequenceEqual(RelatedHeading))
            {
                heading = i;
                break;
            }
        }

        if (heading < 0)
        {
            if (start < end && page[page.Lines[start]].SequenceEqual(SearchHeading))
            {
                start++;
            }

            if (start < end)
            {
                warnings.Add($"no {RelatedHeading} heading: lines after the body from line {page.Lines[start].Number} read as related items");
            }

            return start;
        }

        var ignored = 0;
        var inSearch = false;
        for (var i = start; i < heading; i++)
        {
            var text = page[page.Lines[i]];
            if (text.SequenceEqual(SearchHeading))
            {
                inSearch = true;
            }
            else if (inSearch)
            {
                searchTerms.Add(page.ToString(page.Lines[i]));
            }
            else
            {
                ignored++;
            }
        }

        if (ignored > 0)
        {
            warnings.Add($"ignored {ignored} unexpected line{(ignored == 1 ? "" : "s")} between the body and the {RelatedHeading} heading");
        }

        return heading + 1;
    }

    private static string? ParseRelated(NormalizedText page, int start, int end, List<ParsedArticle> related, List<string> warnings, int maxRelated)
    {
        var lines = page.Lines;
        var i = start;
        while (i < end)
        {
            var titleLine = lines[i];
            var titleText = page[titleLine];
            if (IsDateLine(titleText, out _, out _))
            {
                warnings.Add($"line {titleLine.Number}: date line without a related item ignored");
                i++;
                continue;
            }

            if (IsHeading(titleText) || IsDisclaimer(titleText))
            {
                warnings.Add($"line {titleLine.Number}: stray '{page.ToString(titleLine)}' line ignored");
                i++;
                continue;
            }

            if (ParagraphReason(titleText) is { } notTitle)
            {
                // Without a believable title the item cannot be trusted; skip through its date line.
                i++;
                while (i < end && !IsDateLine(page[lines[i]], out _, out _))
                {
                    i++;
                }

                warnings.Add($"line {titleLine.Number}: related item dropped because its title line {notTitle}");
                i++;
                continue;
            }

            i++;
            var summaryFirst = i;
            while (i < end && !IsDateLine(page[lines[i]], out _, out _) && (i == summaryFirst || ParagraphReason(page[lines[i]]) is not null))
            {
                i++;
            }

            var summaryEnd = i;
            var itemWarnings = new List<string>();
            string? category = null;
            DateOnly? date = null;
            if (i < end && IsDateLine(page[lines[i]], out var categorySpan, out var dateSpan))
            {
                var dateLine = lines[i];
                i++;
                if (!TryParseDate(dateSpan, out var parsed))
                {
                    warnings.Add(dateSpan.IsEmpty
                        ? $"line {dateLine.Number}: related item '{page.ToString(titleLine)}' dropped because its date line has no date"
                        : $"line {dateLine.Number}: related item '{page.ToString(titleLine)}' dropped because '{dateSpan}' is not a valid YYYY-MM-DD date");
                    continue;
                }

                // Nearly every item is filed under 健康新闻: share that string instead of allocating one per item.
                category = categorySpan.SequenceEqual(NewsCategory) ? NewsCategory : categorySpan.ToString();
                date = parsed;
            }
            else
            {
                itemWarnings.Add("no date line");
            }

            if (summaryEnd == summaryFirst)
            {
                itemWarnings.Add("no summary");
            }

            if (related.Count >= maxRelated)
            {
                return $"dump has more than {maxRelated + 1} articles, the limit per dump";
            }

            // The answer token is cut from the first summary line before joining, so the summary is built once.
            var skip = 0;
            var shortAnswer = summaryEnd > summaryFirst ? SplitShortAnswer(page[lines[summaryFirst]], page[titleLine], out skip) : null;
            var summary = JoinLines(page, summaryFirst, summaryEnd, skip);
            related.Add(new ParsedArticle(page.ToString(titleLine), shortAnswer, summary, category, date, false, related.Count + 1, itemWarnings));
        }

        return null;
    }

    private static ParsedArticle BuildMain(NormalizedText page, Line title, int bodyStart, int bodyEnd, List<ParsedArticle> related, List<string> warnings)
    {
        string? shortAnswer = null;
        if (bodyEnd - bodyStart >= 2 && IsShortAnswerLine(page[page.Lines[bodyStart]]))
        {
            shortAnswer = page.ToString(page.Lines[bodyStart]);
            bodyStart++;
        }

        if (bodyEnd == bodyStart)
        {
            warnings.Add("main article has no body");
        }

        var date = MostCommonDate(related);
        warnings.Add(date is null ? "main article has no date: no related item carries one" : InferredDateWarning);
        return new ParsedArticle(page.ToString(title), shortAnswer, JoinLines(page, bodyStart, bodyEnd), null, date, true, 0, warnings);
    }

    // Ties go to the latest date: the page was crawled no earlier than its newest related item.
    private static DateOnly? MostCommonDate(List<ParsedArticle> related)
    {
        var counts = new Dictionary<DateOnly, int>();
        DateOnly? best = null;
        var bestCount = 0;
        foreach (var item in related)
        {
            if (item.Date is not { } date)
            {
                continue;
            }

            var count = counts[date] = counts.GetValueOrDefault(date) + 1;
            if (count > bestCount || (count == bestCount && date > best))
            {
                best = date;
                bestCount = count;
            }
        }

        return best;
    }

    /// <summary>Lines start..end joined with "\n", the first one without its first <paramref name="skipFirst"/> characters.</summary>
    private static string JoinLines(NormalizedText page, int start, int end, int skipFirst = 0)
    {
        if (end == start)
        {
            return "";
        }

        if (end - start == 1)
        {
            var line = page.Lines[start];
            return page.Text.Substring(line.Start + skipFirst, line.Length - skipFirst);
        }

        // Exact length up front: one allocation and one copy per body, no StringBuilder buffer to grow and copy again.
        var length = end - start - 1 - skipFirst;
        for (var i = start; i < end; i++)
        {
            length += page.Lines[i].Length;
        }

        return string.Create(length, (page, start, end, skipFirst), static (target, state) =>
        {
            var (page, start, end, skipFirst) = state;
            var written = 0;
            for (var i = start; i < end; i++)
            {
                if (i > start)
                {
                    target[written++] = '\n';
                }

                var text = page[page.Lines[i]];
                if (i == start)
                {
                    text = text[skipFirst..];
                }

                text.CopyTo(target[written..]);
                written += text.Length;
            }
        });
    }

    /// <summary>Why a line reads as a body paragraph rather than a title, or null when it can be a title.</summary>
    internal static string? ParagraphReason(ReadOnlySpan<char> line) =>
        line.Length > MaxTitleLength ? $"is {line.Length} characters long (titles have at most {MaxTitleLength})"
        : line.EndsWith('。') ? "ends with 。 like a sentence"
        : null;

    internal static bool IsDisclaimer(ReadOnlySpan<char> line)
    {
        if (!line.StartsWith("提示") || line.Length < 3 || line[2] is not (':' or '：'))
        {
            return false;
        }

        return line[3..].TrimStart().StartsWith("本内容");
    }

    private static bool IsHeading(ReadOnlySpan<char> line) => line.SequenceEqual(RelatedHeading) || line.SequenceEqual(SearchHeading);

    private static bool IsResidue(ReadOnlySpan<char> line)
    {
        var lookup = ResidueWords.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var range in line.SplitAny(' ', '\u3000', '\t'))
        {
            var word = line[range];
            if (!word.IsEmpty && !lookup.Contains(word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>"健康新闻 2025-04-28": a short CJK category, whitespace, then a date-like token (optionally a time).</summary>
    internal static bool IsDateLine(ReadOnlySpan<char> line, out ReadOnlySpan<char> category, out ReadOnlySpan<char> date)
    {
        category = default;
        date = default;
        if (line.IsEmpty || !IsCjk(line[0]))
        {
            return false;
        }

        var gap = line.IndexOfAny(' ', '\u3000', '\t');
        if (gap < 0)
        {
            // A bare category line has lost its date.
            category = line;
            return line.SequenceEqual(NewsCategory);
        }

        if (gap is < 2 or > 8)
        {
            return false;
        }

        foreach (var c in line[..gap])
        {
            if (!IsCjk(c))
            {
                return false;
            }
        }

        var rest = line[gap..].Trim();
        var tokenEnd = rest.IndexOfAny(' ', '\u3000', '\t');
        var token = tokenEnd < 0 ? rest : rest[..tokenEnd];
        var tail = tokenEnd < 0 ? [] : rest[tokenEnd..].Trim();
        if (token.IsEmpty || !char.IsAsciiDigit(token[0]) || token.ContainsAnyExcept("0123456789-/.") || !token.ContainsAny("-/."))
        {
            return false;
        }

        if (tail.ContainsAnyExcept("0123456789: "))
        {
            return false;
        }

        category = line[..gap];
        date = token;
        return true;
    }

    private static bool TryParseDate(ReadOnlySpan<char> token, out DateOnly date) =>
        DateOnly.TryParseExact(token, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    /// <summary>A one-line answer directly under the main title: short, one phrase, not a list item.</summary>
    internal static bool IsShortAnswerLine(ReadOnlySpan<char> line)
    {
        if (line.Length > MaxShortAnswerLineLength || line.ContainsAny("。，,；;：:！!？?、 \u3000\t") || IsDisclaimer(line))
        {
            return false;
        }

        return !IsListItem(line) && !IsDateLine(line, out _, out _);
    }

    private static bool IsListItem(ReadOnlySpan<char> line)
    {
        if (line[0] is '•' or '·' or '-' or '*' or '–' or '—' or '●' or '○' or '■' or '◆' or '（' or '(' or '【' or '[')
        {
            return true;
        }

        var digits = 0;
        while (digits < line.Length && (char.IsAsciiDigit(line[digits]) || "一二三四五六七八九十".Contains(line[digits])))
        {
            digits++;
        }

        return digits > 0 && digits < line.Length && line[digits] is '.' or '、' or '．' or ')' or '）';
    }

    /// <summary>
    /// A leading answer token such as "496元" or "不可以" on a related summary's first line, conservatively;
    /// <paramref name="skip"/> is how many characters of that line the token and the spaces after it take.
    /// </summary>
    /// <remarks>
    /// Only the first line can hold the token: no answer word or amount unit contains "\n", and lines are trimmed,
    /// so text follows the token on its own line.
    /// </remarks>
    internal static string? SplitShortAnswer(ReadOnlySpan<char> firstLine, ReadOnlySpan<char> title, out int skip)
    {
        skip = 0;
        var gap = firstLine.IndexOfAny(' ', '\u3000');
        if (gap is <= 0 or > 10)
        {
            return null;
        }

        var token = firstLine[..gap];
        var rest = firstLine[gap..].TrimStart();
        if (rest.IsEmpty || title.StartsWith(token) || !(AnswerWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(token) || IsAmount(token)))
        {
            return null;
        }

        skip = firstLine.Length - rest.Length;
        return token.ToString();
    }

    private static bool IsAmount(ReadOnlySpan<char> token)
    {
        if (token.StartsWith('约'))
        {
            token = token[1..];
        }

        var digits = 0;
        while (digits < token.Length && (char.IsAsciiDigit(token[digits]) || (digits > 0 && token[digits] is '.' or ',')))
        {
            digits++;
        }

        if (digits == 0)
        {
            return false;
        }

        var unit = token[digits..];
        foreach (var known in AmountUnits)
        {
            if (unit.SequenceEqual(known))
            {
                // "2025年" opens a sentence far more often than it answers one.
                return !(known == "年" && digits == 4 && token[0] is '1' or '2');
            }
        }

        return false;
    }

    private static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF';
}
