using System.Text.RegularExpressions;

// Not ...Tests.Topics: that namespace would hide the Topics taxonomy class.
namespace MedInsure.Tagging.Tests;

public sealed partial class TopicClassifierTests(TopicClassifierFixture fixture) : IClassFixture<TopicClassifierFixture>
{
    private readonly TopicClassifier _classifier = fixture.Classifier;

    [Fact]
    public void DefaultModelLoadsWithAllTaxonomyLabelsAndAHashedVersion()
    {
        Assert.Matches(VersionPattern(), _classifier.ModelVersion);
        Assert.Equal(Topics.Codes.Order(StringComparer.Ordinal), _classifier.Labels.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ModelVersionIsTheHashOfTheModelBytes()
    {
        using var stream = File.OpenRead(TopicClassifier.DefaultModelPath);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12];

        Assert.Equal($"{TopicClassifier.ModelSchemaVersion}+{hash}", _classifier.ModelVersion);
    }

    [Theory]
    [InlineData("社保卡密码输错好几次被锁住了，去哪解锁", null, "card")]
    [InlineData("按一万二的工资交五险，每个月个人扣多少", "单位和个人各自按比例缴纳。", "contribution")]
    [InlineData("交够二十五年社保退休每月有多少养老金", null, "pension")]
    [InlineData("离职以后住房公积金能不能全部提出来", null, "housing-fund")]
    [InlineData("医保个人账户每个月划进来多少钱", null, "account")]
    [InlineData("怎样把妈妈加到我的医保家庭共济里", null, "family-sharing")]
    [InlineData("拔智齿的费用医保给报销吗", null, "reimbursement")]
    [InlineData("到外省住院之前要先做异地备案吗", null, "remote-care")]
    [InlineData("医保断缴两个月了还能补交吗", null, "enrollment")]
    [InlineData("换城市工作以后医保关系怎么转移接续", null, "transfer")]
    [InlineData("长沙治疗痛风哪家医院比较好", null, "hospital")]
    [InlineData("今年的惠民保值不值得给爸妈买", null, "commercial")]
    [InlineData("五险一金具体是哪几种保险", null, "basics")]
    [InlineData("晚上老是失眠多梦应该怎么调理", "睡前少看手机。", "other")]
    public void ClearTopicalArticlesGetTheirTopic(string title, string? body, string expected)
    {
        var prediction = _classifier.Predict(title, body);

        Assert.Equal(expected, prediction.Topic);
        Assert.InRange(prediction.Score, 0f, 1f);
    }

    [Fact]
    public void EveryPredictionIsATaxonomyCodeWithAProbabilityScore()
    {
        string[] titles = ["", "   ", "a", "医保", "2025年", "？？？", new string('医', 5000)];

        foreach (var title in titles)
        {
            var prediction = _classifier.Predict(title, body: title);
            Assert.Contains(prediction.Topic, Topics.Codes);
            Assert.InRange(prediction.Score, 0f, 1f);
        }
    }

    [Fact]
    public void RepeatedPredictionsAreIdentical()
    {
        var first = _classifier.Predict("重庆医保卡余额怎么查询", "可以在手机上查。");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(first, _classifier.Predict("重庆医保卡余额怎么查询", "可以在手机上查。"));
        }
    }

    [Theory]
    [InlineData("qwxz plok vvbn")]
    [InlineData("zzzz 1234 ####")]
    [InlineData("")]
    public void GibberishIsFlaggedLowConfidence(string title)
    {
        var prediction = _classifier.Predict(title, null);

        Assert.True(prediction.LowConfidence, $"'{title}' → {prediction.Topic} with score {prediction.Score}");
        Assert.True(prediction.Score < TopicClassifier.DefaultLowConfidenceThreshold);
    }

    [Fact]
    public void ParallelPredictionsEqualSequentialOnes()
    {
        var heldout = HeldoutRows();
        var sequential = heldout.Select(r => _classifier.Predict(r.Title, r.Body)).ToList();

        var parallel = new TopicPrediction[heldout.Count * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i] = _classifier.Predict(heldout[i % heldout.Count].Title, heldout[i % heldout.Count].Body));

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % heldout.Count], parallel[i]);
        }
    }

    [Fact]
    public void BatchPredictionsEqualSinglePredictions()
    {
        var rows = HeldoutRows().Take(50).Select(r => (r.Title, (string?)r.Body)).ToList();

        var batch = _classifier.PredictBatch(rows);

        Assert.Equal(rows.Select(r => _classifier.Predict(r.Title, r.Item2)), batch);
    }

    [Fact]
    public void LoadingFromAStreamGivesTheSameVersionAndPredictions()
    {
        using var stream = File.OpenRead(TopicClassifier.DefaultModelPath);
        var other = new TopicClassifier(stream);

        Assert.Equal(_classifier.ModelVersion, other.ModelVersion);
        Assert.Equal(_classifier.Predict("异地就医备案怎么弄", null), other.Predict("异地就医备案怎么弄", null));
    }

    [Fact]
    public void RawScoresAreSoftmaxNormalisedAndProbabilitiesRescaled()
    {
        var softmax = TopicClassifier.Normalize([2f, -1f, 0f]);
        var rescaled = TopicClassifier.Normalize([0.6f, 0.2f, 0.2f, 0.2f]);

        Assert.Equal(1f, softmax.Sum(), 3);
        Assert.True(softmax[0] > softmax[2] && softmax[2] > softmax[1]);
        Assert.Equal(0.6f / 1.2f, rescaled[0], 4);
    }

    internal static List<(string Topic, string Title, string? Body)> HeldoutRows() =>
        File.ReadLines(TopicClassifierFixture.RepoFile("ml", "data", "topics", "heldout.tsv"))
            .Skip(1)
            .Select(l => l.Split('\t'))
            .Select(p => (p[0], p[1], p.Length > 2 ? p[2] : null))
            .ToList();

    [GeneratedRegex(@"^topic-\d+\.\d+\.\d+\+[0-9a-f]{12}$")]
    private static partial Regex VersionPattern();
}
