namespace MedInsure.Tagging;

/// <summary>A GB/T 2260 division. Nationwide is code "000000", name "全国", with no province/city/county.</summary>
public sealed record RegionTag(string Code, string Name, string? ProvinceCode, string? CityCode, string? CountyCode)
{
    public static readonly RegionTag Nationwide = new("000000", "全国", null, null, null);

    public bool IsNationwide => Code == Nationwide.Code;
}

/// <summary>The primary region of an article (the first place the title names, else the body) and the others it names.</summary>
public sealed record RegionTagResult(RegionTag Primary, IReadOnlyList<RegionTag> Others);

/// <summary>Finds the place an article is about. Pure and thread-safe: no I/O after construction.</summary>
public interface IRegionTagger
{
    RegionTagResult Tag(string title, string? body);
}

/// <summary>A topic prediction: one of <see cref="Topics.Codes"/>, its score (0..1) and whether it is below the confidence threshold.</summary>
public sealed record TopicPrediction(string Topic, float Score, bool LowConfidence);

/// <summary>Classifies an article into the topic taxonomy. Thread-safe; the model loads once.</summary>
public interface ITopicClassifier
{
    /// <summary>Identifies the model file that produced the predictions (stored with each article).</summary>
    string ModelVersion { get; }

    TopicPrediction Predict(string title, string? body);
}

/// <summary>The topic taxonomy (issue #4): codes are stable API values.</summary>
public static class Topics
{
    public static readonly IReadOnlyList<TopicInfo> All =
    [
        new("card", "社保卡/医保卡", "社保卡、医保卡与医保电子凭证：申领、激活、密码、挂失补办、手机绑定与出示"),
        new("contribution", "缴费基数与金额", "缴费基数、费率、单位与个人每月缴费金额、档次、灵活就业缴费、缴费与个税"),
        new("pension", "养老金", "退休待遇：养老金多少、计发公式、计发基数、退休年龄"),
        new("housing-fund", "住房公积金", "住房公积金缴存金额、比例、基数上下限、提取"),
        new("account", "医保个人账户", "个人账户余额、每月划入、查询、提取、余额为零、可支付范围"),
        new("family-sharing", "家庭共济", "家庭共济/亲情账户：为亲属使用、绑定解绑、代缴亲属医保、转给亲属"),
        new("reimbursement", "医保报销", "报销范围与比例、起付线、封顶线、门诊统筹、住院报销、某项治疗能否报销"),
        new("remote-care", "异地就医", "异地就医备案、跨省直接结算、在外地使用医保"),
        new("enrollment", "参保缴费办理", "参保登记（新生儿、学生、灵活就业）、居民医保缴费渠道、查询是否参保、断缴停保、待遇生效"),
        new("transfer", "转移接续", "社保医保关系跨地区、跨单位转移接续及办理时长"),
        new("hospital", "医院推荐", "某地看某病去哪家医院或科室、医院排名"),
        new("commercial", "商业补充保险", "惠民保类城市定制险、商业健康保险"),
        new("basics", "基础概念", "社保与医保、五险一金、职工医保与居民医保等概念与比较"),
        new("other", "其他", "与社保医保无关的内容"),
    ];

    public static readonly IReadOnlySet<string> Codes = All.Select(t => t.Code).ToHashSet(StringComparer.Ordinal);

    public static TopicInfo? Find(string code) => All.FirstOrDefault(t => t.Code == code);
}

public sealed record TopicInfo(string Code, string Name, string Description);
