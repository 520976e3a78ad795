using MedInsure.Functions.Cli;

namespace MedInsure.Functions.Tests.Cli;

public sealed class ClassifyCommandTests
{
    [Fact]
    public async Task ClassifyAddsTopicRegionAndModelVersionAndKeepsOtherFields()
    {
        var input = new StringReader("""
            {"id": 7, "title": "北京海淀区社保卡丢了怎么补办", "body": "可以到社保经办网点挂失并补办新卡。"}
            {"title": "住房公积金怎么提取", "body": null}
            """);
        var stdout = new StringWriter();

        var exit = await ClassifyCommand.RunAsync([], input, stdout, new StringWriter());

        Assert.Equal(0, exit);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(7, lines[0].GetProperty("id").GetInt32());
        Assert.Equal("card", lines[0].GetProperty("topic").GetString());
        Assert.Equal("110108", lines[0].GetProperty("region").GetProperty("code").GetString());
        Assert.Equal("housing-fund", lines[1].GetProperty("topic").GetString());
        Assert.Equal("000000", lines[1].GetProperty("region").GetProperty("code").GetString());
        Assert.StartsWith("topic-", lines[1].GetProperty("modelVersion").GetString());
        Assert.Contains("北京海淀区", stdout.ToString());
    }

    [Fact]
    public async Task LinesWithoutATitleAreReportedWithTheirNumberAndTheRestStillClassified()
    {
        var input = new StringReader("{\"body\": \"没有标题\"}\nnot json\n{\"title\": \"医保个人账户每月划入多少\"}\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await ClassifyCommand.RunAsync([], input, stdout, stderr);

        Assert.Equal(1, exit);
        Assert.Contains("line 1: field 'title' is missing", stderr.ToString());
        Assert.Contains("line 2: not JSON", stderr.ToString());
        Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
