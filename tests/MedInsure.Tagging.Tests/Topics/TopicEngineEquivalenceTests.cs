// Not ...Tests.Topics: that namespace would hide the Topics taxonomy class.
namespace MedInsure.Tagging.Tests;

/// <summary>The fast engine (exported linear scorer) must compute what ML.NET computes from the same model file.</summary>
public sealed class TopicEngineEquivalenceTests(TopicClassifierFixture fixture) : IClassFixture<TopicClassifierFixture>
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void ShippedModelServesWithTheFastEngineAndKeepsItsVersion()
    {
        Assert.Equal(TopicEngine.Fast, fixture.Classifier.Engine);
        Assert.Equal(TopicEngine.MlNet, fixture.Reference.Engine);
        Assert.Equal(fixture.Reference.ModelVersion, fixture.Classifier.ModelVersion);
        Assert.Equal(fixture.Reference.Labels, fixture.Classifier.Labels);
    }

    [Fact]
    public void EveryHeldoutRowGetsTheSameLabelAndScoresAsMlNet()
    {
        var rows = TopicClassifierTests.HeldoutRows();
        Assert.True(rows.Count >= 280);

        foreach (var (_, title, body) in rows)
        {
            AssertSame(title, body);
        }
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("   ", "\t\n")]
    [InlineData("a", "a")]
    [InlineData("医保", "医保")]
    [InlineData("2025年", null)]
    [InlineData("？？？", "!!!")]
    [InlineData("qwxz plok vvbn", null)]
    [InlineData("ÀÉÎ Ölçü Straße İstanbul", "Ⅻ ⅻ ① ½ ٣ ǅ")]
    [InlineData("\t医保\n卡 \u3000 丢了怎么办", "  补办 \r\n 流程 ")]
    [InlineData("𠀀𠀁 医保报销", "\ud800 孤立的代理项")]
    [InlineData("a|b||c 医保|卡", "|||")]
    [InlineData("医保卡", "补办流程：先挂失，再到社保中心办理，一般需要身份证原件和照片，七个工作日内可以领取新卡；也可以在手机上办理。补办流程：先挂失，再到社保中心办理，一般需要身份证原件和照片，七个工作日内可以领取新卡；也可以在手机上办理。补办流程：先挂失，再到社保中心办理，一般需要身份证原件和照片。")]
    public void UnusualInputsGetTheSameLabelAndScoresAsMlNet(string title, string? body) => AssertSame(title, body);

    [Fact]
    public void VeryLongRepetitiveTextStillAgrees() => AssertSame(new string('医', 5000), new string('保', 5000));

    private void AssertSame(string title, string? body)
    {
        var fast = fixture.Classifier.Predict(title, body);
        var reference = fixture.Reference.Predict(title, body);
        Assert.True(fast.Topic == reference.Topic, $"'{title}': fast {fast.Topic} vs ML.NET {reference.Topic}");
        Assert.Equal(reference.LowConfidence, fast.LowConfidence);
        Assert.InRange(fast.Score, reference.Score - Tolerance, reference.Score + Tolerance);

        var fastScores = fixture.Classifier.Scores(title, body);
        var referenceScores = fixture.Reference.Scores(title, body);
        for (var c = 0; c < referenceScores.Length; c++)
        {
            Assert.True(Math.Abs(fastScores[c] - referenceScores[c]) <= Tolerance,
                $"'{title}' class {fixture.Classifier.Labels[c]}: fast {fastScores[c]} vs ML.NET {referenceScores[c]}");
        }
    }
}
