using System.Text.Json.Serialization;

namespace MedInsure.Calculations;

/// <summary>How a money line is rounded: to the fen (0.01) or to the whole yuan, always half-up.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MoneyRounding>))]
public enum MoneyRounding
{
    [JsonStringEnumMemberName("fen")] Fen,
    [JsonStringEnumMemberName("yuan")] Yuan,
}

internal static class Money
{
    // Half-up, never banker's: the social-insurance system sends 3957 × 0.5% = 19.785 as 19.79 ([ccschy]).
    public static decimal Round(decimal value, MoneyRounding rounding = MoneyRounding.Fen) =>
        Math.Round(value, rounding == MoneyRounding.Yuan ? 0 : 2, MidpointRounding.AwayFromZero);

    public static decimal OfPercent(decimal amount, decimal ratePercent) => amount * ratePercent / 100m;

    public static string Format(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static string FormatPlain(decimal value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}

internal static class Guard
{
    public static void Positive(decimal value, string field)
    {
        if (value <= 0)
        {
            throw new CalculationValidationException(field, $"{field} must be greater than 0.");
        }
    }

    public static void NonNegative(decimal value, string field)
    {
        if (value < 0)
        {
            throw new CalculationValidationException(field, $"{field} must not be negative.");
        }
    }

    public static void Rate(decimal? ratePercent, string field)
    {
        if (ratePercent is { } r && (r < 0 || r > 100))
        {
            throw new CalculationValidationException(field, $"{field} is a percentage and must be between 0 and 100 (8 means 8%).");
        }
    }

    public static void RegionCode(string code, string field)
    {
        if (!RegionCodes.IsWellFormed(code))
        {
            throw new CalculationValidationException(field, $"{field} must be a 6-digit GB/T 2260 code such as 360300; got '{code}'.");
        }
    }
}
