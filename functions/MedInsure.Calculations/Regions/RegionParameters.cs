using System.Text.Json;

namespace MedInsure.Calculations;

/// <summary>The curated region parameter file, validated on load. Lookups never fall back to a different region.</summary>
public sealed class RegionParameters
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly Lazy<RegionParameters> Embedded = new(LoadEmbedded);

    private RegionParameters(IReadOnlyList<RegionParameterSet> entries) => Entries = entries;

    /// <summary>The file shipped in this assembly (Data/region-parameters.json).</summary>
    public static RegionParameters Default => Embedded.Value;

    public IReadOnlyList<RegionParameterSet> Entries { get; }

    /// <summary>The verified set in force for <paramref name="code"/> on <paramref name="date"/> on the embedded data, or null.</summary>
    public static RegionParameterSet? Find(string code, DateOnly date) => Default.FindFor(code, date);

    /// <summary>
    /// The set in force on <paramref name="date"/>: an entry for the exact code, else the nearest parent entry that is
    /// explicitly marked <c>appliesToSubdivisions</c>. Unverified entries are returned only when asked for.
    /// </summary>
    public RegionParameterSet? FindFor(string code, DateOnly date, bool includeUnverified = false)
    {
        Guard.RegionCode(code, "regionCode");
        foreach (var candidate in RegionCodes.SelfAndParents(code))
        {
            var exact = candidate == code;
            var match = Entries.FirstOrDefault(e =>
                e.Region.Code == candidate
                && (exact || e.AppliesToSubdivisions)
                && (includeUnverified || e.Verified)
                && e.Covers(date));
            if (match is not null)
            {
                return match;
            }
        }

        return null;
    }

    public static RegionParameters Load(Stream json)
    {
        RegionParameterFile? file;
        try
        {
            file = JsonSerializer.Deserialize<RegionParameterFile>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"region parameters: invalid JSON ({ex.Message})", ex);
        }

        if (file?.Entries is null)
        {
            throw new InvalidDataException("region parameters: missing 'entries'.");
        }

        foreach (var entry in file.Entries)
        {
            Validate(entry);
        }

        RejectOverlaps(file.Entries);
        return new RegionParameters(file.Entries);
    }

    private static RegionParameters LoadEmbedded()
    {
        using var stream = typeof(RegionParameters).Assembly.GetManifestResourceStream("MedInsure.Calculations.region-parameters.json")
            ?? throw new InvalidOperationException("Embedded resource region-parameters.json is missing from the build.");
        return Load(stream);
    }

    private static void Validate(RegionParameterSet e)
    {
        var id = string.IsNullOrWhiteSpace(e.Id) ? "(no id)" : e.Id;
        void Fail(string message) => throw new InvalidDataException($"region parameters, entry '{id}': {message}");

        if (string.IsNullOrWhiteSpace(e.Id))
        {
            Fail("id is required.");
        }

        if (e.Region is null || !RegionCodes.IsWellFormed(e.Region.Code) || string.IsNullOrWhiteSpace(e.Region.Name))
        {
            Fail("region needs a 6-digit GB/T 2260 code and a name.");
        }

        if (e.EffectiveTo is { } to && to < e.EffectiveFrom)
        {
            Fail($"effectiveTo {to:yyyy-MM-dd} is before effectiveFrom {e.EffectiveFrom:yyyy-MM-dd}.");
        }

        if (e.Sources is null || e.Sources.Count == 0 || e.Sources.Any(s => string.IsNullOrWhiteSpace(s.Url) || string.IsNullOrWhiteSpace(s.Supports)))
        {
            Fail("every entry needs at least one source with a url and what it supports.");
        }

        if (e.Rates is { } rates)
        {
            foreach (var insurance in Enum.GetValues<Insurance>())
            {
                var pair = rates.For(insurance);
                CheckRate(pair?.Employee, $"rates.{insurance}.employee");
                CheckRate(pair?.Employer, $"rates.{insurance}.employer");
            }
        }

        CheckBounds(e.ContributionBase?.Floor, e.ContributionBase?.Ceiling, "contributionBase");
        if (e.HousingFund is { } hf)
        {
            CheckBounds(hf.Floor, hf.Ceiling, "housingFund");
            CheckRate(hf.MinRate, "housingFund.minRate");
            CheckRate(hf.MaxRate, "housingFund.maxRate");
            if (hf.MinRate > hf.MaxRate)
            {
                Fail("housingFund.minRate is above maxRate.");
            }
        }

        if (e.PensionBase is <= 0 || e.RetireeMedicalCredit is < 0 || e.MedicalFixedAddOn?.Employee is < 0 || e.MedicalFixedAddOn?.Employer is < 0)
        {
            Fail("amounts must be positive.");
        }

        void CheckRate(decimal? rate, string name)
        {
            if (rate is < 0 or > 100)
            {
                Fail($"{name} = {rate} is outside 0–100 (rates are percent).");
            }
        }

        void CheckBounds(decimal? floor, decimal? ceiling, string name)
        {
            if (floor is <= 0 || ceiling is <= 0)
            {
                Fail($"{name} bounds must be positive.");
            }

            if (floor > ceiling)
            {
                Fail($"{name}.floor {floor} is above ceiling {ceiling}.");
            }
        }
    }

    // Two entries for the same region in force on the same day would make Find ambiguous.
    private static void RejectOverlaps(IReadOnlyList<RegionParameterSet> entries)
    {
        foreach (var group in entries.GroupBy(e => (e.Region.Code, e.Verified)))
        {
            var ordered = group.OrderBy(e => e.EffectiveFrom).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var previous = ordered[i - 1];
                if (previous.EffectiveTo is null || previous.EffectiveTo >= ordered[i].EffectiveFrom)
                {
                    throw new InvalidDataException(
                        $"region parameters: entries '{previous.Id}' and '{ordered[i].Id}' overlap for region {group.Key.Code}.");
                }
            }
        }

        var duplicate = entries.GroupBy(e => e.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"region parameters: duplicate id '{duplicate.Key}'.");
        }
    }

    private sealed record RegionParameterFile(int SchemaVersion, IReadOnlyList<RegionParameterSet> Entries);
}
