using System.Globalization;
using MedInsure.Functions.Http;
using MedInsure.Functions.OpenApi;
using MedInsure.Tagging;
using MedInsure.Tagging.Regions;
using Microsoft.Azure.Functions.Worker;

namespace MedInsure.Functions.Articles;

/// <summary>Filtered, paged article queries for lightweight clients, served from <c>articleindex</c>.</summary>
internal sealed class ArticlesFunctions(
    Lazy<RegionGazetteer> regions,
    ArticleQueryService queries,
    ArticleStore articles,
    SightingStore sightings,
    StorageProvisioner storage,
    ContinuationTokens tokens)
{
    private const string TokenScope = "articles";
    private const string SourcesTokenScope = "sources";
    private const int DefaultSourcesLimit = 50;
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;
    private const int MaxKeywordChars = 50;

    [Function("ListArticles")]
    [ApiOperation("Articles", "Articles, newest first, filtered and paged", Problems = [400], ConditionalGet = true, Returns = typeof(ArticlePage),
        Description = "Every filter combination is served from an index range (docs/storage.md, \"articleindex00 … articleindex31\"). " +
            "Pass `continuation` back unchanged, with the same filters, for the next page. Responses carry an ETag; send it as If-None-Match to get 304 when nothing changed.")]
    [ApiQuery(typeof(ArticleListRequest))]
    public async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/articles")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConditionalGet.WithJsonETag(request, ArticleListRequest.TryBind(request, out var bound, out var problem)
            ? await ListAsync(bound, cancellationToken)
            : problem!);

    [Function("GetArticle")]
    [ApiOperation("Articles", "One article: full text, tags with model version, flags, and a page of its sources", Problems = [400, 404], ConditionalGet = true, Returns = typeof(ArticleDetail),
        Description = "`sources` lists the dumps that named the article (dump, position, ingestion, when), one page at a time in a stable order: " +
            "pass `sourcesContinuation` back as the query parameter of the same name for the next page. An article may be named by any number of dumps.")]
    [ApiRouteParameter("id", "Article id: 16 lower-case hex characters, from a list item's `id`.")]
    [ApiQuery(typeof(ArticleDetailRequest))]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/articles/{id}")] HttpRequest request,
        CancellationToken cancellationToken) =>
        ConditionalGet.WithJsonETag(request, ArticleDetailRequest.TryBind(request, out var bound, out var problem)
            ? await GetAsync(request.RouteValue("id"), bound, cancellationToken)
            : problem!);

    private async Task<Results<Ok<ArticlePage>, ProblemHttpResult>> ListAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        var validation = Validate(request, regions.Value);
        if (validation.Filter is not { } filter)
        {
            return validation.Problem!;
        }

        var limit = validation.Limit;
        string? cursor = null;
        var fingerprint = filter.Fingerprint();
        if (request.Continuation is { } continuation)
        {
            if (!tokens.TryUnprotect(TokenScope, continuation, out var resume) || resume.Split(' ', 2) is not [var issuedFor, var last] || issuedFor != fingerprint)
            {
                return ArticleProblems.Invalid("continuation", "is not a token this API issued for these filters (pass back `continuation` from the previous page unchanged, with the same filters)");
            }

            cursor = last;
        }

        await storage.EnsureAsync(cancellationToken);
        var (rows, next) = await queries.RunAsync(ArticleQueryPlanner.Plan(filter), cursor, limit, cancellationToken);
        return TypedResults.Ok(new ArticlePage(
            rows.Select(r => r.AsListItem()).ToList(),
            next is null ? null : tokens.Protect(TokenScope, $"{fingerprint} {next}")));
    }

    private async Task<Results<Ok<ArticleDetail>, NotFound<ProblemDetails>, ProblemHttpResult>> GetAsync(string id, ArticleDetailRequest request, CancellationToken cancellationToken)
    {
        if (!ArticleIdentity.IsValidId(id))
        {
            return ArticleProblems.NotFound("No article with that id (ids are 16 lower-case hex characters).");
        }

        if (request.SourcesLimit is < 1 or > SightingStore.MaxPage)
        {
            return ArticleProblems.Invalid("sourcesLimit", $"must be between 1 and {SightingStore.MaxPage}");
        }

        string? after = null;
        if (request.SourcesContinuation is { } continuation)
        {
            // The token names its article, so one issued for another article is refused rather than read from.
            if (!tokens.TryUnprotect(SourcesTokenScope, continuation, out var resume) || !resume.StartsWith(id + "|", StringComparison.Ordinal))
            {
                return ArticleProblems.Invalid("sourcesContinuation", "is not a token this API issued for this article (pass back `sourcesContinuation` from the previous response unchanged)");
            }

            after = resume;
        }

        await storage.EnsureAsync(cancellationToken);
        var article = await articles.FindAsync(id, cancellationToken);
        if (article is null)
        {
            return ArticleProblems.NotFound($"No article with id '{id}'.");
        }

        var (sources, next) = await sightings.PageAsync(id, after, request.SourcesLimit ?? DefaultSourcesLimit, cancellationToken);
        return TypedResults.Ok(article.AsDetail(sources, next is null ? null : tokens.Protect(SourcesTokenScope, next)));
    }

    private sealed record Validation(ArticleFilter? Filter, int Limit, ProblemHttpResult? Problem);

    private static Validation Validate(ArticleListRequest request, RegionGazetteer gazetteer)
    {
        static Validation Fail(ProblemHttpResult problem) => new(null, 0, problem);

        var topics = SplitList(request.Topic);
        if (topics.FirstOrDefault(t => !Topics.Codes.Contains(t)) is { } unknownTopic)
        {
            return Fail(ArticleProblems.Invalid("topic", $"unknown topic '{unknownTopic}'; allowed: {string.Join(", ", Topics.All.Select(t => t.Code))}", Topics.All.Select(t => t.Code)));
        }

        var flags = SplitList(request.Flag);
        if (flags.FirstOrDefault(f => !ArticleIndex.FlagCodes.Contains(f)) is { } unknownFlag)
        {
            return Fail(ArticleProblems.Invalid("flag", $"unknown flag '{unknownFlag}'; allowed: {string.Join(", ", ArticleIndex.FlagCodes)}", ArticleIndex.FlagCodes));
        }

        string? region = null;
        RegionLevel? level = null;
        if (!string.IsNullOrWhiteSpace(request.Region))
        {
            region = request.Region.Trim();
            if (region != ArticleIndex.Nationwide && !gazetteer.IsValid(region))
            {
                return Fail(ArticleProblems.Invalid("region", $"'{Truncate(region)}' is not a current GB/T 2260 division code; allowed: a 6-digit province, city or county code (GET /api/regions lists them) or 000000 for nationwide articles"));
            }

            level = region == ArticleIndex.Nationwide ? null : gazetteer.Find(region)!.Level;
        }

        if (!TryParseDate(request.From, out var from))
        {
            return Fail(ArticleProblems.Invalid("from", $"'{Truncate(request.From)}' is not a date; allowed: yyyy-MM-dd, e.g. 2026-10-01"));
        }

        if (!TryParseDate(request.To, out var to))
        {
            return Fail(ArticleProblems.Invalid("to", $"'{Truncate(request.To)}' is not a date; allowed: yyyy-MM-dd, e.g. 2026-10-31"));
        }

        if (from > to)
        {
            return Fail(ArticleProblems.Invalid("from", $"{from:yyyy-MM-dd} is after to ({to:yyyy-MM-dd}); allowed: a date on or before `to`"));
        }

        var limit = request.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            return Fail(ArticleProblems.Invalid("limit", $"must be between 1 and {MaxLimit} (default {DefaultLimit})"));
        }

        string? keyword = null;
        if (!string.IsNullOrWhiteSpace(request.Q))
        {
            if (request.Q.Length > MaxKeywordChars)
            {
                return Fail(ArticleProblems.Invalid("q", $"is {request.Q.Length} characters long; allowed: at most {MaxKeywordChars}"));
            }

            keyword = ArticleIndex.NormalizeText(request.Q);
            if (keyword.Length < 2)
            {
                return Fail(ArticleProblems.Invalid("q", "needs at least 2 letters or characters once spaces and punctuation are removed"));
            }
        }

        return new(new ArticleFilter(topics, region, level, from, to, keyword, flags), limit, null);
    }

    private static List<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal).ToList();

    private static bool TryParseDate(string? value, out DateOnly? date)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }

    // Echo enough of a bad value to recognise it, never an unbounded amount of it.
    private static string Truncate(string? value) => value is null ? "" : value.Length <= 20 ? value : value[..20] + "…";
}
