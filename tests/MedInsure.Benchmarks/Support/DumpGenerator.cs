using System.Globalization;
using System.Text;
using MedInsure.Articles.Ingestion;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// Generates dumps in the content teams' page format (see functions/MedInsure.Parsing/README.md): a main article with
/// a body, the 提示 disclaimer, then 相关推荐 and related items (title / summary / category + date). Titles are
/// realistic combinations of places, insurance topics, question forms, years and amounts, and distinct by article id
/// (the normalised-title hash), except for a pool of related titles deliberately shared across dumps.
/// </summary>
internal sealed class DumpGenerator
{
    private static readonly string[] Places =
    [
        "北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安", "长沙", "郑州", "济南", "青岛",
        "沈阳", "大连", "哈尔滨", "长春", "石家庄", "太原", "合肥", "福州", "厦门", "南昌", "南宁", "昆明", "贵阳", "兰州",
        "银川", "西宁", "乌鲁木齐", "呼和浩特", "拉萨", "海口", "天津", "宁波", "无锡", "盐城", "萍乡", "佛山", "东莞", "温州",
        "徐州", "常州", "烟台", "潍坊", "临沂", "洛阳", "襄阳", "宜昌", "株洲", "赣州", "泉州", "绍兴", "嘉兴", "台州", "金华",
        "扬州", "南通", "珠海", "中山", "惠州", "汕头", "湛江", "桂林", "柳州", "遵义", "绵阳", "宜宾", "江苏", "浙江", "广东",
        "山东", "河南", "四川", "湖北", "湖南", "河北", "安徽", "福建", "江西", "云南", "贵州", "陕西", "甘肃", "辽宁", "吉林",
    ];

    private static readonly string[] Subjects =
    [
        "职工医保", "城乡居民医保", "灵活就业人员社保", "新农合", "医保个人账户", "门诊统筹", "大病保险", "生育保险", "失业保险",
        "工伤保险", "养老保险", "住房公积金", "医保卡", "社保卡", "电子医保凭证", "异地就医备案", "慢特病门诊", "住院报销",
        "退休人员医保", "学生医保", "少儿医保", "长期护理保险", "家庭共济", "惠民保", "个人养老金", "生育津贴", "失业金",
        "城镇职工养老金", "医保缴费基数", "社保转移",
    ];

    private static readonly string[] Questions =
    [
        "{p}{s}每月交多少钱", "{y}年{p}{s}缴费标准是多少", "{p}{s}报销比例是多少", "{p}{s}怎么办理", "{p}{s}断缴{m}个月有什么影响",
        "月薪{a}元在{p}交{s}个人要交多少", "在{p}住院花了{a}元{s}能报多少", "{y}年{p}{s}起付线是多少", "{p}{s}最低缴费年限是多少年",
        "{s}从{p}转到{q}怎么办理", "{p}{s}可以补缴吗", "{p}{s}余额{a}元可以取出来吗", "{p}{s}网上怎么查询", "{y}年{p}{s}什么时候开始缴费",
        "{p}{s}封顶线是多少", "{p}{s}需要带什么材料", "外地人在{p}能交{s}吗", "{p}{s}交满{m}年退休能领多少", "{p}{s}{y}年调整了吗",
        "{p}{s}和{q}有什么区别", "{p}{s}停缴后还能用多久", "{p}{s}报销需要多长时间",
    ];

    private static readonly string[] Phrases =
    [
        "参保人", "定点医疗机构", "个人账户", "统筹基金", "缴费基数", "起付标准", "最高支付限额", "政策范围内费用", "自付比例",
        "医保经办机构", "社会保障卡", "国家医保服务平台", "线上办理", "窗口办理", "异地备案", "直接结算", "门诊慢特病", "住院费用",
        "药品目录", "诊疗项目", "医疗服务设施", "退休待遇", "视同缴费年限", "累计缴费", "连续缴费", "待遇等待期", "单位缴费",
        "个人缴费", "灵活就业", "城乡居民", "财政补助", "大病保险", "医疗救助", "长期护理", "家庭共济", "电子凭证",
    ];

    private static readonly string[] Verbs = ["按规定", "可以申请", "需要先", "一般会", "应当", "不再", "可直接", "将按照", "统一", "暂不"];

    private static readonly string[] Categories = ["健康新闻", "医保政策", "社保知识", "政策解读"];

    private static readonly string[] Answers = ["可以", "不可以", "需要", "不能", "能", "有", "没有", "属于"];

    // Two-character words over 3,000 CJK characters: real prose uses thousands of distinct words, and without them the
    // generated text compresses several times better than real dumps do (deflate ~2-3x on real Chinese text).
    private static readonly string[] Vocabulary = BuildVocabulary();

    private readonly Random random;
    private readonly HashSet<string> ids = new(StringComparer.Ordinal);

    private readonly double vocabularyShare;

    /// <param name="vocabularyShare">Share of body clauses drawn from the large vocabulary: more makes text compress less.</param>
    public DumpGenerator(int seed, double vocabularyShare = 1.0 / 6)
    {
        random = new Random(seed);
        this.vocabularyShare = vocabularyShare;
    }

    /// <summary>A title whose article id no other title from this generator has.</summary>
    public string UniqueTitle()
    {
        while (true)
        {
            var title = Title();
            if (ids.Add(ArticleIdentity.IdFor(title)))
            {
                return title;
            }
        }
    }

    /// <summary>One page: a main article with <paramref name="bodyChars"/> of body, then the related items.</summary>
    public string Page(string mainTitle, int bodyChars, IReadOnlyList<string> relatedTitles, int summaryChars = 90)
    {
        var page = new StringBuilder(bodyChars * 2 + relatedTitles.Count * (summaryChars + 80));
        page.Append(mainTitle).Append("\n\n");
        var section = 1;
        var written = 0;
        while (written < bodyChars)
        {
            var start = page.Length;
            if (written > 0 && random.Next(4) == 0)
            {
                page.Append(section++).Append(". ").Append(Pick(Phrases)).Append(Pick(Subjects)).Append('\n');
            }

            Paragraph(page, 60 + random.Next(120));
            page.Append('\n');
            written += page.Length - start;
        }

        page.Append("\n提示:本内容不能代替面诊,如有不适请尽快就医。\n相关推荐\n\n");
        foreach (var related in relatedTitles)
        {
            page.Append(related).Append("\n\n");
            if (random.Next(6) == 0)
            {
                page.Append(random.Next(3) == 0 ? Pick(Answers) : Amount() + "元").Append(' ');
            }

            Paragraph(page, summaryChars / 2 + random.Next(summaryChars));
            page.Append("\n\n").Append(Pick(Categories)).Append(' ').Append(Date()).Append("\n\n");
        }

        page.Append("首页 顶部\n");
        return page.ToString();
    }

    private string Title()
    {
        var p = Pick(Places);
        var q = Pick(Places);
        var template = Pick(Questions);
        return template
            .Replace("{p}", random.Next(3) == 0 && p.Length == 2 ? p + "市" : p, StringComparison.Ordinal)
            .Replace("{q}", q == p ? "外省" : q, StringComparison.Ordinal)
            .Replace("{s}", Pick(Subjects), StringComparison.Ordinal)
            .Replace("{y}", (2019 + random.Next(8)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{m}", (1 + random.Next(30)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{a}", Amount(), StringComparison.Ordinal);
    }

    private void Paragraph(StringBuilder page, int chars)
    {
        var start = page.Length;
        while (page.Length - start < chars)
        {
            switch (random.NextDouble() < vocabularyShare ? 5 : random.Next(5))
            {
                case 5:
                    for (var w = 2 + random.Next(4); w > 0; w--)
                    {
                        page.Append(Pick(Vocabulary));
                    }

                    break;
                case 0:
                    page.Append(Pick(Places)).Append(Pick(Subjects)).Append(Pick(Verbs)).Append(Pick(Phrases));
                    break;
                case 1:
                    page.Append(Pick(Phrases)).Append("为").Append(Amount()).Append('元');
                    break;
                case 2:
                    page.Append(Pick(Phrases)).Append("比例为").Append(random.Next(50, 96)).Append('%');
                    break;
                case 3:
                    page.Append("自").Append(Date()).Append("起").Append(Pick(Verbs)).Append(Pick(Phrases));
                    break;
                default:
                    page.Append(Pick(Subjects)).Append(Pick(Verbs)).Append(Pick(Phrases)).Append("办理").Append(random.Next(1, 30)).Append("个工作日");
                    break;
            }

            page.Append(random.Next(3) == 0 ? "；" : "，");
        }

        page.Length--;
        page.Append('。');
    }

    private string Amount() => (random.Next(4) switch
    {
        0 => random.Next(50, 1000),
        1 => random.Next(10, 100) * 100,
        2 => random.Next(1000, 30000),
        _ => random.Next(1, 50) * 1000,
    }).ToString(CultureInfo.InvariantCulture);

    private string Date() => new DateOnly(2024 + random.Next(3), 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private static string[] BuildVocabulary()
    {
        var random = new Random(2026);
        var characters = Enumerable.Range(0, 3000).Select(_ => (char)random.Next(0x4E00, 0x9FA6)).ToArray();
        return [.. Enumerable.Range(0, 6000).Select(_ => new string([characters[random.Next(characters.Length)], characters[random.Next(characters.Length)]]))];
    }
}
