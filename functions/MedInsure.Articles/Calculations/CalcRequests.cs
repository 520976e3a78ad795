using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MedInsure.Calculations;

namespace MedInsure.Articles.Calculations;

// Wire shapes for POST /api/calc/*: every field is nullable so a missing required field is reported by name (400)
// instead of defaulting to 0. Money is yuan, rates are percent (8 means 8%), dates are yyyy-MM-dd.

public sealed record ContributionsRequest(
    [property: Description("Declared monthly contribution base in yuan (previous-year average monthly wage); required, > 0")] decimal? Base,
    [property: Description("GB/T 2260 code of the insured's region (e.g. 310000); its verified parameter set supplies bounds and rates")] string? Region = null,
    [property: Description("Date whose parameter set applies, yyyy-MM-dd; default today (Asia/Shanghai)")] DateOnly? Date = null,
    [property: Description("Rate overrides in percent per insurance (pension, medical, unemployment, injury, maternity), each {employee, employer}")] InsuranceRates? Rates = null,
    [property: Description("Province average monthly wage: the base is clamped to 60%–300% of it (wins over region bounds)")] decimal? AverageWage = null,
    [property: Description("Fixed yuan/month added to the employee medical line (e.g. Beijing 3); default from region data")] decimal? MedicalEmployeeAddOn = null);

public sealed record HousingFundRequest(
    [property: Description("Monthly deposit base in yuan; required, > 0")] decimal? Base,
    [property: Description("Employee rate, percent (1–12; 5–12 is the legal band)")] decimal? EmployeeRate,
    [property: Description("Employer rate, percent (1–12)")] decimal? EmployerRate,
    [property: Description("GB/T 2260 region code; its verified housing-fund set supplies floor, ceiling, band and rounding")] string? Region = null,
    [property: Description("Date whose parameter set applies, yyyy-MM-dd; default today (Asia/Shanghai)")] DateOnly? Date = null,
    [property: Description("Base floor in yuan (wins over region data)")] decimal? Floor = null,
    [property: Description("Base ceiling in yuan (wins over region data)")] decimal? Ceiling = null,
    [property: Description("City average monthly wage: caps the base at 3× when no ceiling is known")] decimal? CityAverageWage = null,
    [property: Description("Per-side rounding, half-up: fen (0.01) or yuan; default the region's, else yuan")] MoneyRounding? Rounding = null);

public sealed record ContributionYearInput(
    [property: Description("Own average monthly contribution base that year")] decimal? Base,
    [property: Description("That year's provincial average monthly wage")] decimal? AverageWage);

public sealed record PensionRequest(
    [property: Description("Contribution years incl. deemed years; fractions allowed (months ÷ 12); required")] decimal? Years,
    [property: Description("Personal account balance at retirement, yuan; required")] decimal? PersonalAccountBalance,
    [property: Description("计发基数 (pension base) in yuan; else looked up from verified region data by region + year")] decimal? PensionBase = null,
    [property: Description("GB/T 2260 region code for the 计发基数 lookup")] string? Region = null,
    [property: Description("Retirement year (计发基数 lookup and minimum years); default the year of the statutory retirement date")] int? Year = null,
    [property: Description("Average contribution index, 0.6–3.0; or pass history")] decimal? AverageIndex = null,
    [property: Description("Yearly {base, averageWage} pairs; the index is their mean ratio, each bounded to 0.6–3.0")] IReadOnlyList<ContributionYearInput>? History = null,
    [property: Description("Retirement age: {years, months}, whole years, or \"61y7m\"; else derived from birthDate + category")] RetirementAgeInput? RetirementAge = null,
    [property: Description("Birth date, yyyy-MM-dd (only year and month matter)")] DateOnly? BirthDate = null,
    [property: Description("male, female-cadre or female-worker (needed with birthDate)")] RetirementCategory? Category = null);

public sealed record MedicalAccountRequest(
    [property: Description("True for a retiree (fixed regional credit); default false (in service: 2% of base)")] bool? Retired = null,
    [property: Description("Contribution base in yuan; required in service")] decimal? Base = null,
    [property: Description("GB/T 2260 region code; required to state a retiree's credit")] string? Region = null,
    [property: Description("Date whose parameter set applies, yyyy-MM-dd; default today (Asia/Shanghai)")] DateOnly? Date = null);

public sealed record OutpatientRequest(
    [property: Description("Policy-eligible outpatient spend for this claim, yuan; required")] decimal? EligibleSpend,
    [property: Description("Deductible (起付标准) for the period, yuan; required (0 if none)")] decimal? Deductible,
    [property: Description("Reimbursement ratio, percent; required")] decimal? Ratio,
    [property: Description("Annual payment cap, yuan; required")] decimal? AnnualCap,
    [property: Description("Part of the deductible already met this period; default 0")] decimal? DeductibleUsed = null,
    [property: Description("Already paid by the pool this year; default 0")] decimal? PaidSoFar = null);

/// <summary>A retirement age as {years, months}, a whole number of years, or text like "61y7m" (the CLI's form).</summary>
[JsonConverter(typeof(RetirementAgeInputConverter))]
public sealed record RetirementAgeInput(int Years, int Months)
{
    public static bool TryParse(string text, out RetirementAgeInput? age)
    {
        age = null;
        var t = text.Trim().ToLowerInvariant();
        var y = t.IndexOf('y', StringComparison.Ordinal);
        var yearsPart = y >= 0 ? t[..y] : t;
        var monthsPart = y >= 0 ? t[(y + 1)..].TrimEnd('m') : "0";
        if (!int.TryParse(yearsPart, NumberStyles.None, CultureInfo.InvariantCulture, out var years)
            || !int.TryParse(monthsPart.Length == 0 ? "0" : monthsPart, NumberStyles.None, CultureInfo.InvariantCulture, out var months))
        {
            return false;
        }

        age = new(years, months);
        return true;
    }
}

internal sealed class RetirementAgeInputConverter : JsonConverter<RetirementAgeInput>
{
    public override RetirementAgeInput Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt32(out var years):
                return new(years, 0);
            case JsonTokenType.String when RetirementAgeInput.TryParse(reader.GetString()!, out var parsed):
                return parsed!;
            case JsonTokenType.StartObject:
                int? y = null, m = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = reader.GetString();
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
                    {
                        throw new JsonException();
                    }

                    if (string.Equals(name, "years", StringComparison.OrdinalIgnoreCase))
                    {
                        y = value;
                    }
                    else if (string.Equals(name, "months", StringComparison.OrdinalIgnoreCase))
                    {
                        m = value;
                    }
                    else
                    {
                        throw new JsonException();
                    }
                }

                return y is null ? throw new JsonException() : new(y.Value, m ?? 0);
            default:
                throw new JsonException();
        }
    }

    public override void Write(Utf8JsonWriter writer, RetirementAgeInput value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("years", value.Years);
        writer.WriteNumber("months", value.Months);
        writer.WriteEndObject();
    }
}
