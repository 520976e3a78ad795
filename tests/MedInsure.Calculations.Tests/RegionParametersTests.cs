using System.Text;

namespace MedInsure.Calculations.Tests;

public class RegionParametersTests
{
    private const string Source = """[{ "url": "https://example.org/a", "supports": "test figure" }]""";

    private static RegionParameters LoadJson(string entries) =>
        RegionParameters.Load(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "schemaVersion": 1, "entries": [{{entries}}] }""")));

    private static string Entry(string id, string code, string from, string? to, bool verified = true, bool subdivisions = false, string extra = "") =>
        $$"""{ "id": "{{id}}", "region": { "code": "{{code}}", "name": "X" }, "appliesToSubdivisions": {{(subdivisions ? "true" : "false")}}, "effectiveFrom": "{{from}}", "effectiveTo": {{(to is null ? "null" : $"\"{to}\"")}}, "verified": {{(verified ? "true" : "false")}}, "sources": {{Source}} {{extra}} }""";

    [Fact]
    public void EmbeddedFileLoadsAndEveryEntryCitesASource()
    {
        var data = RegionParameters.Default;

        Assert.Equal(["beijing-2024-07", "shanghai-hpf-fy2023", "shanghai-hpf-fy2025"], data.Entries.Select(e => e.Id));
        Assert.All(data.Entries, e => Assert.NotEmpty(e.Sources));
    }

    [Fact]
    public void NoTargetRegionHasVerifiedFigures()
    {
        var today = new DateOnly(2026, 11, 23);
        string[] targets = ["360000", "360300", "620000", "630000", "500000", "500100", "510000", "510100", "320000", "320900"];

        Assert.All(targets, code => Assert.Null(RegionParameters.Find(code, today)));
    }

    [Fact]
    public void BeijingDistrictUsesTheMunicipalitySetOnlyInsideItsDates()
    {
        Assert.Equal("beijing-2024-07", RegionParameters.Find("110105", new DateOnly(2025, 6, 30))?.Id);
        Assert.Null(RegionParameters.Find("110105", new DateOnly(2025, 7, 1)));
        Assert.Null(RegionParameters.Find("110105", new DateOnly(2024, 6, 30)));
    }

    [Fact]
    public void ParentSetIsNotUsedUnlessItSaysItCoversSubdivisions()
    {
        var data = LoadJson(Entry("province", "360000", "2025-01-01", null));

        Assert.Equal("province", data.FindFor("360000", new DateOnly(2025, 3, 1))?.Id);
        Assert.Null(data.FindFor("360300", new DateOnly(2025, 3, 1)));
    }

    [Fact]
    public void NearestCoveringParentWins()
    {
        var data = LoadJson(Entry("province", "360000", "2025-01-01", null, subdivisions: true) + "," + Entry("city", "360300", "2025-01-01", null, subdivisions: true));

        Assert.Equal("city", data.FindFor("360302", new DateOnly(2025, 3, 1))?.Id);
        Assert.Equal("province", data.FindFor("360100", new DateOnly(2025, 3, 1))?.Id);
        Assert.Null(data.FindFor("320900", new DateOnly(2025, 3, 1)));
    }

    [Fact]
    public void UnverifiedEntriesAreIgnoredByDefault()
    {
        var data = LoadJson(Entry("thirdparty", "360000", "2025-01-01", null, verified: false, extra: """, "note": "unverified third-party figure", "contributionBase": { "floor": 3915, "ceiling": 19575 }"""));

        Assert.Null(data.FindFor("360000", new DateOnly(2025, 3, 1)));
        Assert.Equal(3915m, data.FindFor("360000", new DateOnly(2025, 3, 1), includeUnverified: true)?.ContributionBase?.Floor);
        var result = ContributionCalculator.Calculate(new(3000, "360000", new DateOnly(2025, 3, 1)), data);
        Assert.Null(result.Policy);
        Assert.Null(result.Base.Clamped);
    }

    [Theory]
    [InlineData("""{ "id": "a", "region": { "code": "36000", "name": "X" }, "effectiveFrom": "2025-01-01", "verified": true, "sources": [{ "url": "u", "supports": "s" }] }""", "6-digit")]
    [InlineData("""{ "id": "a", "region": { "code": "360000", "name": "X" }, "effectiveFrom": "2025-01-01", "effectiveTo": "2024-12-31", "verified": true, "sources": [{ "url": "u", "supports": "s" }] }""", "before effectiveFrom")]
    [InlineData("""{ "id": "a", "region": { "code": "360000", "name": "X" }, "effectiveFrom": "2025-01-01", "verified": true, "sources": [] }""", "source")]
    [InlineData("""{ "id": "a", "region": { "code": "360000", "name": "X" }, "effectiveFrom": "2025-01-01", "verified": true, "sources": [{ "url": "u", "supports": "s" }], "rates": { "pension": { "employee": 108 } } }""", "outside 0–100")]
    [InlineData("""{ "id": "a", "region": { "code": "360000", "name": "X" }, "effectiveFrom": "2025-01-01", "verified": true, "sources": [{ "url": "u", "supports": "s" }], "contributionBase": { "floor": 20000, "ceiling": 10000 } }""", "above ceiling")]
    [InlineData("""{ "id": "a", "region": { "code": "360000", "name": "X" }, "effectiveFrom": "2025-01-01", "verified": true, "sources": [{ "url": "u", "supports": "s" }], "housingFund": { "floor": 3000, "ceiling": 2000 } }""", "above ceiling")]
    public void LoaderRejectsInvalidEntries(string entry, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => LoadJson(entry));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoaderRejectsOverlappingPeriodsForOneRegion()
    {
        var ex = Assert.Throws<InvalidDataException>(() =>
            LoadJson(Entry("a", "310000", "2025-01-01", "2025-12-31") + "," + Entry("b", "310000", "2025-07-01", null)));

        Assert.Contains("overlap", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("36030")]
    [InlineData("3603000")]
    [InlineData("萍乡")]
    [InlineData("000000")]
    public void FindRejectsMalformedCodes(string code)
    {
        var ex = Assert.Throws<CalculationValidationException>(() => RegionParameters.Find(code, new DateOnly(2025, 1, 1)));

        Assert.Equal("regionCode", ex.Field);
    }
}
