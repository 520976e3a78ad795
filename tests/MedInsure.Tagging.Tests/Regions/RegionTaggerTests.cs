using MedInsure.Tagging.Regions;

namespace MedInsure.Tagging.Tests.Regions;

public sealed class RegionTaggerTests
{
    private static string Code(string title, string? body = null) => RegionFixture.Code(title, body);

    [Theory]
    [InlineData("江西萍乡社保基数8400个人扣多少", "360300")]
    [InlineData("北京海淀区社保中心地址", "110108")]
    [InlineData("重庆职工医保个人账户", "500000")]
    [InlineData("盐城市医保缴费标准", "320900")]
    [InlineData("吉林社保卡异地使用", "220000")]
    public void MostSpecificConsistentDivisionWins(string title, string expected) => Assert.Equal(expected, Code(title));

    [Fact]
    public void PrimaryTagCarriesOfficialNameAndLevelCodes()
    {
        var result = RegionFixture.Tagger.Tag("江西萍乡社保基数8400个人扣多少", null);
        Assert.Equal(new RegionTag("360300", "萍乡市", "360000", "360300", null), result.Primary);
        Assert.Empty(result.Others);
    }

    [Theory]
    [InlineData("吉林市医保卡怎么激活", "220200")]
    [InlineData("吉林省吉林市灵活就业", "220200")]
    [InlineData("吉林医保报销", "220000")]
    [InlineData("吉林省长春市医保", "220100")]
    public void JilinIsTheProvinceUnlessTheCityIsWritten(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("海南医保个人账户", "460000")]
    [InlineData("海南州居民医保", "632500")]
    [InlineData("海南藏族自治州医保局", "632500")]
    [InlineData("乌海海南区社保", "150303")]
    [InlineData("海南区域医疗中心建设", "460000")]
    public void HainanIsTheProvinceUnlessThePrefectureOrDistrictIsWritten(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("北京朝阳医保", "110105")]
    [InlineData("长春朝阳区社保", "220104")]
    [InlineData("辽宁朝阳养老金", "211300")]
    [InlineData("朝阳市社保", "211300")]
    [InlineData("朝阳社保局", "000000")]
    [InlineData("朝阳产业与商业健康险", "000000")]
    [InlineData("朝阳区医保中心", "000000")]
    public void ChaoyangNeedsContext(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("铜仁医保", "520600")]
    [InlineData("铜陵医保", "340700")]
    [InlineData("铜川医保", "610200")]
    public void SimilarCityNamesStayDistinct(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("南京鼓楼区医保", "320106")]
    [InlineData("徐州鼓楼区医保", "320302")]
    [InlineData("福州鼓楼区医保", "350102")]
    [InlineData("开封鼓楼区医保", "410204")]
    [InlineData("鼓楼区医保中心", "000000")]
    [InlineData("江苏鼓楼区医保", "320000")]
    [InlineData("济南市中区医保", "370103")]
    [InlineData("沧州新华区医保", "130902")]
    public void RepeatedCountyNamesNeedAParent(string title, string expected) => Assert.Equal(expected, Code(title));

    [Fact]
    public void RepeatedCountyNameTakesItsParentFromTheBody()
        => Assert.Equal("350102", Code("鼓楼区医保中心电话", "福州市鼓楼区医保中心位于……"));

    [Theory]
    [InlineData("长寿老人养老金", "000000")]
    [InlineData("重庆长寿区养老金", "500115")]
    [InlineData("长寿区医保", "500115")]
    [InlineData("祝您安康", "000000")]
    [InlineData("陕西安康医保", "610900")]
    [InlineData("东方甄选保险", "000000")]
    [InlineData("东方市医保", "469007")]
    [InlineData("天下大同", "000000")]
    [InlineData("山西大同医保", "140200")]
    [InlineData("和平年代", "000000")]
    [InlineData("中山医院挂号", "000000")]
    [InlineData("广东中山医保", "442000")]
    [InlineData("永安市社保", "350481")]
    [InlineData("江门开平医保", "440783")]
    [InlineData("新农合合作医疗", "000000")]
    [InlineData("惠民保理赔", "000000")]
    [InlineData("医保定点药店", "000000")]
    public void EverydayWordsNeedASuffixOrAParent(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("南昌医保", "360100")]
    [InlineData("南昌县医保", "360121")]
    [InlineData("江西南昌医保", "360100")]
    [InlineData("长沙县社保", "430121")]
    public void BareStemMeansTheCityNotTheSameNameCounty(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("内蒙古医保", "150000")]
    [InlineData("广西南宁医保", "450100")]
    [InlineData("恩施州医保", "422800")]
    [InlineData("黔西南州社保", "522300")]
    [InlineData("延边医保", "222400")]
    [InlineData("莱芜社保", "370100")]
    [InlineData("昆山社保", "320583")]
    [InlineData("上海浦东医保", "310115")]
    public void AliasesAreRecognised(string title, string expected) => Assert.Equal(expected, Code(title));

    [Theory]
    [InlineData("", null)]
    [InlineData("五险一金是什么", null)]
    [InlineData("医保报销比例", "医保报销比例是多少，各地不同。")]
    public void TextWithoutAPlaceIsNationwide(string title, string? body)
    {
        var result = RegionFixture.Tagger.Tag(title, body);
        Assert.Same(RegionTag.Nationwide, result.Primary);
        Assert.Empty(result.Others);
    }

    [Fact]
    public void TitleOutranksBody()
    {
        var result = RegionFixture.Tagger.Tag("成都医保报销比例", "与重庆相比，成都市的职工医保……");
        Assert.Equal("510100", result.Primary.Code);
        Assert.Equal(["500000"], result.Others.Select(o => o.Code));
    }

    [Fact]
    public void BodyGivesThePlaceWhenTheTitleNamesNone()
    {
        var result = RegionFixture.Tagger.Tag("医保报销比例是多少", "江苏盐城市职工医保住院报销比例……");
        Assert.Equal("320900", result.Primary.Code);
    }

    [Fact]
    public void OthersAreDistinctAndExcludeAncestorsOfThePrimary()
    {
        var result = RegionFixture.Tagger.Tag("从江西萍乡转社保到广东深圳", "萍乡和深圳南山区……江西省");
        Assert.Equal("360300", result.Primary.Code);
        Assert.Equal(["440305"], result.Others.Select(o => o.Code));
    }

    [Fact]
    public void TaggingNeverThrowsOnRandomText()
    {
        var random = new Random(2260);
        var names = RegionFixture.Gazetteer.All.Select(d => d.Name).ToArray();
        for (var i = 0; i < 5000; i++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)(random.Next(0, 6) switch
                {
                    0 => random.Next(0, 0x80),
                    1 => random.Next(0xD800, 0xE000), // lone surrogates
                    _ => random.Next(0x4E00, 0x9FA6),
                });
            }

            var title = new string(chars) + (i % 3 == 0 ? names[random.Next(names.Length)] : "");
            var result = RegionFixture.Tagger.Tag(title, i % 2 == 0 ? new string(chars) + title : null);
            Assert.NotNull(result.Primary);
            Assert.True(result.Primary.IsNationwide || RegionFixture.Gazetteer.IsValid(result.Primary.Code));
            Assert.DoesNotContain(result.Primary, result.Others);
        }
    }
}
