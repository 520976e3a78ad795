using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MedInsure.Tagging.Regions;

public enum RegionLevel
{
    Province,
    City,
    County,
}

/// <summary>One GB/T 2260 division from ml/data/regions.json.</summary>
public sealed record RegionDivision(
    string Code,
    string Name,
    RegionLevel Level,
    string? ParentCode,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> HistoricalAliases);

/// <summary>The codes a division covers: itself and all descendants share <see cref="Prefix"/> (36 → 36xxxx, 3603 → 3603xx).</summary>
public sealed record RegionCodeRange(string Prefix)
{
    public string From => Prefix.PadRight(6, '0');

    public string To => Prefix.PadRight(6, '9');

    public bool Contains(string? code) => code is { Length: 6 } && code.StartsWith(Prefix, StringComparison.Ordinal);
}

public sealed record RegionDataHeader(string Source, string Version, string Licence, string Generated, int Provinces, int Cities, int Counties);

/// <summary>Read-only lookup over the vendored division list; immutable and thread-safe once loaded.</summary>
public sealed class RegionGazetteer
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly FrozenDictionary<string, RegionDivision> _byCode;
    private readonly FrozenDictionary<string, string> _redirects;
    private readonly FrozenDictionary<string, RegionDivision[]> _children;
    private readonly FrozenDictionary<string, RegionTag> _tags;

    private RegionGazetteer(RegionDataHeader header, IReadOnlyList<RegionDivision> all, IReadOnlyDictionary<string, string> redirects)
    {
        Header = header;
        All = all;
        _byCode = all.ToFrozenDictionary(d => d.Code, StringComparer.Ordinal);
        _redirects = redirects.ToFrozenDictionary(StringComparer.Ordinal);
        _children = all.GroupBy(d => d.ParentCode ?? RegionTag.Nationwide.Code)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        Municipalities = all.Where(d => d.Level == RegionLevel.County && _byCode[d.ParentCode!].Level == RegionLevel.Province
                && d.Code.AsSpan(2, 2) is not "90")
            .Select(d => d.ParentCode!).ToFrozenSet(StringComparer.Ordinal);
        _tags = all.ToFrozenDictionary(d => d.Code, BuildTag, StringComparer.Ordinal);
    }

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "regions.json");

    public RegionDataHeader Header { get; }

    public IReadOnlyList<RegionDivision> All { get; }

    /// <summary>Provinces whose counties hang directly off them (北京, 天津, 上海, 重庆): they are their own city level.</summary>
    public IReadOnlySet<string> Municipalities { get; }

    public static RegionGazetteer LoadDefault()
    {
        using var stream = File.OpenRead(DefaultPath);
        return Load(stream);
    }

    public static RegionGazetteer Load(Stream json)
    {
        var file = JsonSerializer.Deserialize<RegionsFile>(json, JsonOptions)
            ?? throw new InvalidDataException("regions.json is empty.");
        var divisions = file.Divisions.Select(d => new RegionDivision(
            d.Code,
            d.Name,
            d.Level switch
            {
                "province" => RegionLevel.Province,
                "city" => RegionLevel.City,
                "county" => RegionLevel.County,
                _ => throw new InvalidDataException($"regions.json: division {d.Code} has unknown level '{d.Level}'."),
            },
            d.Parent,
            d.Aliases ?? [],
            d.Historical ?? [])).ToArray();
        var h = file.Header;
        var header = new RegionDataHeader(h.Source, h.Version, h.Licence, h.Generated, h.Counts.Provinces, h.Counts.Cities, h.Counts.Counties);
        return new RegionGazetteer(header, divisions, file.Redirects ?? new Dictionary<string, string>());
    }

    /// <summary>The division for a code; retired or placeholder codes (110100 市辖区, 500200 县, 429000, 371200 莱芜) map to today's division.</summary>
    public RegionDivision? Find(string? code)
    {
        if (code is null)
        {
            return null;
        }

        if (_byCode.TryGetValue(code, out var division))
        {
            return division;
        }

        return _redirects.TryGetValue(code, out var target) ? _byCode.GetValueOrDefault(target) : null;
    }

    /// <summary>True only for a current division code (not for 000000 or redirected placeholder codes).</summary>
    public bool IsValid(string? code) => code is not null && _byCode.ContainsKey(code);

    /// <summary>Direct children; null, empty or 000000 gives the provinces.</summary>
    public IReadOnlyList<RegionDivision> Children(string? parentCode)
    {
        var key = string.IsNullOrEmpty(parentCode) ? RegionTag.Nationwide.Code : Find(parentCode)?.Code ?? parentCode;
        return _children.TryGetValue(key, out var children) ? children : [];
    }

    /// <summary>Ancestors from the province down to the parent (empty for a province or an unknown code).</summary>
    public IReadOnlyList<RegionDivision> Ancestors(string code)
    {
        var chain = new List<RegionDivision>(2);
        for (var d = Find(code); d?.ParentCode is { } parent; d = _byCode[parent])
        {
            chain.Insert(0, _byCode[parent]);
        }

        return chain;
    }

    public bool IsSelfOrDescendant(string code, string ancestorCode)
    {
        for (var d = Find(code); d is not null; d = d.ParentCode is null ? null : _byCode[d.ParentCode])
        {
            if (d.Code == ancestorCode)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The province/city/county decomposition used for <see cref="RegionTag"/>; 000000 gives Nationwide.</summary>
    public RegionTag? ToTag(string? code)
    {
        if (code == RegionTag.Nationwide.Code)
        {
            return RegionTag.Nationwide;
        }

        var division = Find(code);
        return division is null ? null : _tags[division.Code];
    }

    /// <summary>The code range covering a division and its descendants, for range queries over stored region codes.</summary>
    public RegionCodeRange? DescendantRange(string? code)
    {
        var division = Find(code);
        return division?.Level switch
        {
            RegionLevel.Province => new RegionCodeRange(division.Code[..2]),
            RegionLevel.City => new RegionCodeRange(division.Code[..4]),
            RegionLevel.County => new RegionCodeRange(division.Code),
            _ => null,
        };
    }

    private RegionTag BuildTag(RegionDivision d)
    {
        switch (d.Level)
        {
            case RegionLevel.Province:
                return new(d.Code, d.Name, d.Code, Municipalities.Contains(d.Code) ? d.Code : null, null);
            case RegionLevel.City:
                return new(d.Code, d.Name, d.ParentCode, d.Code, null);
            default:
                var parent = _byCode[d.ParentCode!];
                if (parent.Level == RegionLevel.City)
                {
                    return new(d.Code, d.Name, parent.ParentCode, parent.Code, d.Code);
                }

                // Municipality districts use the province as their city; 省直辖 counties (xx90) have no city.
                return new(d.Code, d.Name, parent.Code, Municipalities.Contains(parent.Code) ? parent.Code : null, d.Code);
        }
    }

    private sealed record RegionsFile(FileHeader Header, FileDivision[] Divisions, Dictionary<string, string>? Redirects);

    private sealed record FileHeader(string Source, string Version, string Licence, string Generated, FileCounts Counts);

    private sealed record FileCounts(int Provinces, int Cities, int Counties);

    private sealed record FileDivision(
        string Code,
        string Name,
        string Level,
        string? Parent,
        string[]? Aliases,
        [property: JsonPropertyName("historical")] string[]? Historical);
}
