using System.Text;

namespace MedInsure.Testing;

/// <summary>Builds dumps in the content teams' page format, so each test states exactly the articles it needs.</summary>
public static class TestDumps
{
    public sealed record Related(string Title, string? Summary, string Date = "2026-10-12");

    public static string Page(string title, string body, params Related[] related)
    {
        var page = new StringBuilder();
        page.Append(title).Append("\n\n").Append(body).Append("\n\n");
        page.Append("提示:本内容不能代替面诊,如有不适请尽快就医。\n");
        if (related.Length > 0)
        {
            page.Append("相关推荐\n\n");
            foreach (var item in related)
            {
                page.Append(item.Title).Append("\n\n");
                if (item.Summary is not null)
                {
                    page.Append(item.Summary).Append("\n\n");
                }

                page.Append("健康新闻 ").Append(item.Date).Append("\n\n");
            }
        }

        return page.ToString();
    }

    /// <summary>A small, distinct, valid dump: main article plus two related items whose titles are unique to <paramref name="key"/>.</summary>
    public static string Simple(string key) => Page(
        $"盐城市医保报销比例是多少（{key}）",
        $"职工医保在盐城市定点医院住院，报销比例按医院等级确定。本文编号{key}，介绍起付线和封顶线的规定。\n参保人出院时直接结算，个人只需支付自付部分。",
        new Related($"萍乡社保卡怎么激活（{key}）", $"新卡需要先到银行网点激活金融功能，再激活社保功能。编号{key}。"),
        new Related($"成都异地就医备案怎么办理（{key}）", $"可以通过国家医保服务平台办理备案，备案后直接结算。编号{key}。", "2026-10-15"));

    /// <summary>A bulk upload: <paramref name="count"/> distinct dumps that all name <paramref name="shared"/> as a related item,
    /// so concurrent ingestions race on one article (2 distinct articles a dump plus the shared one).</summary>
    public static IEnumerable<(string Name, string Content)> Bulk(int count, string shared) => Enumerable.Range(0, count).Select(i => (
        $"bulk/{i:D2}.txt",
        Page(
            $"重庆职工医保个人账户每月划入多少（第{i}篇）",
            $"职工医保个人账户每月划入金额为本人缴费基数的2%。第{i}篇。",
            new Related(shared, $"通过国家医保服务平台绑定亲属。版本{i}。"),
            new Related($"北京海淀区社保卡补办流程（第{i}篇）", "携带身份证到网点办理。"))));

    /// <summary>Title of the article <see cref="SharedPair"/> names in both dumps.</summary>
    public const string SharedTitle = "江西萍乡社保基数8400个人扣多少";

    /// <summary>Two dumps sharing one article: a related item (short summary, 2026-10-20) in the first, the main
    /// article (full text) in the second; 3 distinct articles in all.</summary>
    public static (string First, string Second) SharedPair { get; } = (
        Page("二代社保卡和医保卡有什么区别", "二代社保卡集成了医保结算功能。\n办理后旧卡停用。",
            new Related(SharedTitle, "个人每月缴纳养老保险672元。", "2026-10-20")),
        Page(SharedTitle, "按基数8400元计算，养老保险个人缴纳8%，即672元；医疗保险个人缴纳2%，即168元。\n失业保险个人部分按当地比例执行。",
            new Related("职工医保和居民医保有什么区别", "职工医保由单位和个人共同缴纳。", "2026-10-25")));
}
