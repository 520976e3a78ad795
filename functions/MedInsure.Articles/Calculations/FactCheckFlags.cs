using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using MedInsure.Calculations;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Articles.Calculations;

/// <summary>
/// Article quality flags from <see cref="ArithmeticFactChecker"/>. Codes: <c>arithmetic-mismatch</c> (a product, quotient
/// or 合计 that does not compute; the core's sum-mismatch is folded in) and <c>title-body-mismatch</c> (the title's base
/// differs from the base the body computes with). Detail is compact JSON: expression, stated, computed, message.
/// </summary>
internal static class FactCheckFlags
{
    public const string ArithmeticMismatch = ArithmeticFactChecker.ArithmeticMismatch;
    public const string TitleBodyMismatch = ArithmeticFactChecker.TitleBodyMismatch;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static IReadOnlyList<ArticleFlag> For(string title, string? body) =>
        [.. ArithmeticFactChecker.Check(title, body ?? "").Select(f => new ArticleFlag(
            f.Kind == ArithmeticFactChecker.SumMismatch ? ArithmeticMismatch : f.Kind,
            JsonSerializer.Serialize(new FlagDetail(f.Expression, f.Stated, f.Computed, f.Message), Json)))];

    private sealed record FlagDetail(string Expression, decimal Stated, decimal Computed, string Message);
}
