namespace MedInsure.Cli.Tests;

public sealed class ClassifyCommandTests
{
    private const string Lines = """
        {"id": 7, "title": "北京海淀区社保卡丢了怎么补办", "body": "可以到社保经办网点挂失并补办新卡。"}
        {"title": "住房公积金怎么提取", "body": null}
        """;

    [Fact]
    public async Task ClassifyAddsTopicRegionAndModelVersionAndKeepsOtherFields()
    {
        var run = await CommandLine.RunWithInputAsync(Lines, "classify");

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        var lines = run.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(7, lines[0].GetProperty("id").GetInt32());
        Assert.Equal("card", lines[0].GetProperty("topic").GetString());
        Assert.Equal("110108", lines[0].GetProperty("region").GetProperty("code").GetString());
        Assert.Equal("housing-fund", lines[1].GetProperty("topic").GetString());
        Assert.Equal("000000", lines[1].GetProperty("region").GetProperty("code").GetString());
        Assert.StartsWith("topic-", lines[1].GetProperty("modelVersion").GetString(), StringComparison.Ordinal);
        Assert.Contains("北京海淀区", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileAndADashReadTheSameAsStdin()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Lines, TestContext.Current.CancellationToken);

            var fromStdin = await CommandLine.RunWithInputAsync(Lines, "classify");
            var fromDash = await CommandLine.RunWithInputAsync(Lines, "classify", "-");
            var fromFile = await CommandLine.RunAsync("classify", file);

            Assert.Equal(fromStdin, fromDash);
            Assert.Equal(fromStdin, fromFile);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task LinesWithoutATitleAreReportedWithTheirNumberAndTheRestStillClassified()
    {
        var run = await CommandLine.RunWithInputAsync("{\"body\": \"没有标题\"}\nnot json\n{\"title\": \"医保个人账户每月划入多少\"}\n", "classify");

        Assert.Equal(1, run.Code);
        Assert.Contains("classify: line 1: field 'title' is missing", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("classify: line 2: not JSON", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Lines);
    }
}
