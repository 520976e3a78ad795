using System.Text;
using MedInsure.Articles.Stats;

namespace MedInsure.Functions.Tests.Stats;

public sealed class CsvWriterTests
{
    [Fact]
    public void CsvMatchesTheGoldenFileWithBomQuotingAndFormulaNeutralised()
    {
        IReadOnlyList<string>[] rows =
        [
            ["card", "社保卡/医保卡", "360000", "江西省", "12", "0"],
            ["contribution", "缴费基数与金额", "110000", "北京市", "3", "1"],
            ["x", "comma, inside", "quote \" inside", "line\nbreak", "1", "0"],
            ["=SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "@HYPERLINK(\"http://x\")", "\tTAB", "\rCR"],
            ["total", "", "", "", "16", "1"],
        ];

        var bytes = CsvWriter.Write(["topic", "topic_name", "region", "region_name", "articles", "flagged"], rows);

        var golden = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "MedInsure.Functions.Tests", "Stats", "Golden", "stats.csv"));
        Assert.Equal(Encoding.UTF8.GetString(golden), Encoding.UTF8.GetString(bytes));
        Assert.Equal(golden, bytes);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@x", "'@x")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a=1", "a=1")]
    [InlineData("", "")]
    [InlineData("江西省", "江西省")]
    public void CellStartingWithAFormulaCharacterIsPrefixedWithAQuote(string value, string expected)
    {
        Assert.Equal(expected, CsvWriter.Cell(value));
    }
}
