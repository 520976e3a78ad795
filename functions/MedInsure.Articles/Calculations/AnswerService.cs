using System.ComponentModel;
using MedInsure.Calculations;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Storage;
using MedInsure.Tagging;

namespace MedInsure.Articles.Calculations;

public sealed record AnswerResponse(
    [property: Description("The question as asked")] string Question,
    [property: Description("Date whose parameter sets applied")] DateOnly Date,
    [property: Description("What the parser read: place, base, intent, years, retired")] ParsedQuestion Parsed,
    [property: Description("The calculator result the answer rests on, in the /api/calc response shape (an array of two for a housing-fund rate range), or null")] object? Calculation,
    [property: Description("Short Chinese sentence; null when nothing could be computed")] string? Answer,
    [property: Description("Rates, bases and defaults used, each with its source")] IReadOnlyList<Assumption> Assumptions,
    [property: Description("What is missing for a complete answer; empty when complete")] IReadOnlyList<string> Missing,
    [property: Description("Up to 5 stored articles on the same region and topic (either one when only one is known), newest first")] IReadOnlyList<ArticleListItem> Articles,
    [property: Description("What the answer had to leave out and why (e.g. related articles while storage is unreachable); empty when nothing was")] IReadOnlyList<string> Warnings);

/// <summary>Answers short questions (「江西萍乡社保基数8400个人扣多少」): the region tagger resolves the place, the core computes only what verified data supports.</summary>
public sealed class AnswerService(Lazy<IRegionTagger> regions, CalculationService calculations, RelatedArticles related)
{
    public const int MaxArticles = 5;

    public const string RelatedArticlesUnavailable = "Related articles are left out: storage is unreachable right now. The calculation does not depend on them.";

    public async Task<AnswerResponse> AnswerAsync(string question, DateOnly date, CancellationToken cancellationToken)
    {
        var answer = new QuestionAnswerer(regionResolver: ResolveRegion).Answer(question, date);
        var calculation = answer.Calculation switch
        {
            ContributionResult c => c.ToResponse(date),
            HousingFundResult[] range => range.Select(h => h.ToResponse(answer.Parsed.RegionCode is null ? null : date)).ToArray(),
            MedicalAccountResult m => m.ToResponse(date),
            PensionResult p => p.ToResponse(),
            var other => other,
        };
        IReadOnlyList<ArticleListItem> articles = [];
        List<string> warnings = [];
        try
        {
            articles = await related.FindAsync(answer.Parsed.RegionCode, TopicOf(answer.Parsed.Intent), MaxArticles, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex.IsTransient())
        {
            // The calculation needs no storage: the answer stands, without the articles.
            warnings.Add(RelatedArticlesUnavailable);
        }

        return new(question, date, answer.Parsed, calculation, answer.Answer, answer.Assumptions, answer.Missing, [.. articles.Take(MaxArticles)], warnings);
    }

    public DateOnly Today => calculations.Today;

    // The tagger's primary place may be the province of a more precise place in the same text (江西 + 萍乡): use the most precise one.
    private (string Code, string Name)? ResolveRegion(string text)
    {
        var result = regions.Value.Tag(text, null);
        var best = result.Primary;
        if (best.IsNationwide)
        {
            return null;
        }

        foreach (var other in result.Others)
        {
            if (other.Code != best.Code && (other.ProvinceCode == best.Code || other.CityCode == best.Code))
            {
                best = other;
            }
        }

        return (best.Code, best.Name);
    }

    private static string? TopicOf(QuestionIntent? intent) => intent switch
    {
        QuestionIntent.ContributionsEmployee or QuestionIntent.ContributionsEmployer or QuestionIntent.ContributionsTotal or QuestionIntent.Grade => "contribution",
        QuestionIntent.HousingFund => "housing-fund",
        QuestionIntent.MedicalAccount => "account",
        QuestionIntent.Pension => "pension",
        _ => null,
    };
}
