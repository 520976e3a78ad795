using System.Text.Json.Serialization;

namespace MedInsure.Calculations;

[JsonConverter(typeof(JsonStringEnumConverter<Insurance>))]
public enum Insurance
{
    [JsonStringEnumMemberName("pension")] Pension,
    [JsonStringEnumMemberName("medical")] Medical,
    [JsonStringEnumMemberName("unemployment")] Unemployment,
    [JsonStringEnumMemberName("injury")] Injury,
    [JsonStringEnumMemberName("maternity")] Maternity,
}

/// <summary>Rates in percent (8 means 8%); null means "not known / not given".</summary>
public sealed record RatePair(decimal? Employee, decimal? Employer);

/// <summary>Per-insurance rates: used both in the data file and as request overrides.</summary>
public sealed record InsuranceRates(
    RatePair? Pension = null,
    RatePair? Medical = null,
    RatePair? Unemployment = null,
    RatePair? Injury = null,
    RatePair? Maternity = null)
{
    public RatePair? For(Insurance insurance) => insurance switch
    {
        Insurance.Pension => Pension,
        Insurance.Medical => Medical,
        Insurance.Unemployment => Unemployment,
        Insurance.Injury => Injury,
        Insurance.Maternity => Maternity,
        _ => null,
    };
}

public sealed record RegionRef(string Code, string Name);

/// <param name="Supports">What this source backs, so a reviewer can check the figure against it.</param>
public sealed record SourceRef(string Url, string Supports);

public sealed record BaseBounds(decimal? Floor, decimal? Ceiling);

/// <summary>A fixed monthly sum added to a rate-based line (Beijing medical: 2% + 3 yuan for the employee).</summary>
public sealed record FixedAddOn(decimal? Employee, decimal? Employer);

/// <param name="MinRate">The city's band for each side's rate, percent.</param>
/// <param name="Rounding">Null means the default: whole yuan, half-up, per side.</param>
public sealed record HousingFundParameters(
    decimal? Floor,
    decimal? Ceiling,
    decimal? MinRate,
    decimal? MaxRate,
    MoneyRounding? Rounding);

/// <summary>One dated, source-cited parameter set for one region. Any block may be null when no source supports it.</summary>
/// <param name="AppliesToSubdivisions">True only when a source says the set covers every division under <see cref="Region"/>
/// (e.g. a municipality's districts); never inferred.</param>
/// <param name="EffectiveTo">Inclusive; null while in force with no announced end.</param>
/// <param name="PensionBase">计发基数 for the period.</param>
/// <param name="RetireeMedicalCredit">Monthly personal-account credit for retirees (a regional constant).</param>
public sealed record RegionParameterSet(
    string Id,
    RegionRef Region,
    bool AppliesToSubdivisions,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    bool Verified,
    string? Note,
    IReadOnlyList<SourceRef> Sources,
    BaseBounds? ContributionBase = null,
    InsuranceRates? Rates = null,
    FixedAddOn? MedicalFixedAddOn = null,
    MoneyRounding? ContributionRounding = null,
    decimal? PensionBase = null,
    decimal? RetireeMedicalCredit = null,
    HousingFundParameters? HousingFund = null)
{
    public bool Covers(DateOnly date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);

    public PolicyInfo ToPolicy() => new(Region.Code, Region.Name, EffectiveFrom, EffectiveTo, Sources, Verified, Id);
}

/// <summary>The parameter set a result relied on, echoed so every figure can be traced to its sources.</summary>
public sealed record PolicyInfo(
    string RegionCode,
    string RegionName,
    DateOnly EffectiveFrom,
    DateOnly? EffectiveTo,
    IReadOnlyList<SourceRef> Sources,
    bool Verified,
    string EntryId);
