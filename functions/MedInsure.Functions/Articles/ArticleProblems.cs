namespace MedInsure.Functions.Articles;

/// <summary>400s that name the parameter and, where the set is closed, the values it accepts (extension "allowed").</summary>
internal static class ArticleProblems
{
    public static ProblemHttpResult Invalid(string parameter, string detail, IEnumerable<string>? allowed = null)
    {
        var extensions = new Dictionary<string, object?> { ["parameter"] = parameter };
        if (allowed is not null)
        {
            extensions["allowed"] = allowed.ToArray();
        }

        return TypedResults.Problem(
            title: "Invalid request parameter",
            detail: $"{parameter}: {detail}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: extensions);
    }

    public static NotFound<ProblemDetails> NotFound(string detail) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Not found", Detail = detail, Status = StatusCodes.Status404NotFound });
}
