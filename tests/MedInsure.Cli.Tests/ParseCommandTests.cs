using System.IO.Compression;
using System.Text;
using MedInsure.Parsing;

namespace MedInsure.Cli.Tests;

public sealed class ParseCommandTests : IDisposable
{
    private const string Page = """
        医保卡丢了怎么补办

        补办流程

        可以携带身份证到社保卡服务网点申请挂失和补办，部分城市支持在线上平台办理。

        提示：本内容不能代替面诊，如有不适请尽快就医。
        相关推荐

        医保卡补办要多少钱

        20元 多数地区补办社保卡收取工本费二十元左右，具体以当地规定为准。

        健康新闻 2025-07-01
        首页 顶部
        """;

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("cli-parse-");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task SharedSamplesPrintOneJsonLinePerArticleAsTheParserReadsThem()
    {
        var samples = Path.Combine(RepoPaths.Shared, "samples");
        var files = Directory.GetFiles(samples, "*.txt").Order(StringComparer.Ordinal).ToList();
        var expected = files.SelectMany(f =>
        {
            using var stream = File.OpenRead(f);
            return new DumpReader(new DumpParserOptions()).Read(f, stream).SelectMany(o => o.Dump!.Articles.Select(a => (Dump: f, a.Title, a.Position))).ToList();
        }).ToList();

        var run = await CommandLine.RunAsync(["parse", .. files]);

        Assert.Equal(0, run.Code);
        Assert.All(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(": warning: ", line, StringComparison.Ordinal));
        var lines = run.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.True(expected.Count >= files.Count);
        Assert.Equal(expected, lines.Select(l => (l.GetProperty("source").GetProperty("dump").GetString()!, l.GetProperty("title").GetString()!, l.GetProperty("source").GetProperty("position").GetInt32())));
        Assert.All(lines, l => Assert.Equal(
            ["title", "shortAnswer", "body", "category", "date", "isMain", "source", "warnings"],
            l.EnumerateObject().Select(p => p.Name)));
        // Chinese stays readable instead of \uXXXX escapes.
        Assert.Contains(lines[0].GetProperty("title").GetString()!, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParsedDumpPrintsOneJsonLinePerArticleWithReadableChinese()
    {
        var path = Write("a.txt", Encoding.UTF8.GetBytes(Page));

        var run = await CommandLine.RunAsync("parse", path);

        Assert.Equal((0, ""), (run.Code, run.Stderr));
        Assert.Equal(2, run.Lines.Length);
        Assert.Contains("\"title\":\"医保卡丢了怎么补办\"", run.Lines[0], StringComparison.Ordinal);

        using var main = JsonDocument.Parse(run.Lines[0]);
        Assert.Equal("补办流程", main.RootElement.GetProperty("shortAnswer").GetString());
        Assert.Equal("2025-07-01", main.RootElement.GetProperty("date").GetString());
        Assert.True(main.RootElement.GetProperty("isMain").GetBoolean());
        Assert.Equal(JsonValueKind.Null, main.RootElement.GetProperty("category").ValueKind);
        Assert.Equal(path, main.RootElement.GetProperty("source").GetProperty("dump").GetString());
        Assert.Equal(0, main.RootElement.GetProperty("source").GetProperty("position").GetInt32());
        Assert.Equal("main date inferred from related items", main.RootElement.GetProperty("warnings")[0].GetString());

        using var related = JsonDocument.Parse(run.Lines[1]);
        Assert.Equal("医保卡补办要多少钱", related.RootElement.GetProperty("title").GetString());
        Assert.Equal("20元", related.RootElement.GetProperty("shortAnswer").GetString());
        Assert.Equal("健康新闻", related.RootElement.GetProperty("category").GetString());
        Assert.False(related.RootElement.GetProperty("isMain").GetBoolean());
        Assert.Equal(1, related.RootElement.GetProperty("source").GetProperty("position").GetInt32());
        Assert.Equal(0, related.RootElement.GetProperty("warnings").GetArrayLength());
    }

    [Fact]
    public async Task RejectedInputIsListedOnStderrWhileGoodInputsStillPrint()
    {
        var good = Write("b/good.txt", Encoding.UTF8.GetBytes(TestDumps.Simple("P1")));
        var bad = Write("a/bad.bin", [0x41, 0x00, 0x42]);

        var run = await CommandLine.RunAsync("parse", folder.FullName);

        Assert.Equal(1, run.Code);
        Assert.Equal($"{bad}: byte 0x00 at offset 1: binary content is not a dump", run.Stderr.TrimEnd());
        Assert.Equal(3, run.Lines.Length);
        Assert.All(run.Lines, l => Assert.Equal(good, JsonDocument.Parse(l).RootElement.GetProperty("source").GetProperty("dump").GetString()));
    }

    [Fact]
    public async Task ZipBundleMembersAreNamedAfterTheBundle()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("pages/one.txt").Open();
            entry.Write(Encoding.UTF8.GetBytes(Page));
        }

        var path = Write("bundle.zip", buffer.ToArray());

        var run = await CommandLine.RunAsync("parse", path);

        Assert.Equal(0, run.Code);
        using var first = JsonDocument.Parse(run.Stdout.Split('\n')[0]);
        Assert.Equal($"{path}/pages/one.txt", first.RootElement.GetProperty("source").GetProperty("dump").GetString());
    }

    [Fact]
    public async Task MaxBytesRejectsLargerInputs()
    {
        var path = Write("a.txt", Encoding.UTF8.GetBytes(TestDumps.Simple("P2")));

        var run = await CommandLine.RunAsync("parse", "--max-bytes", "100", path);
        var flipped = await CommandLine.RunAsync("parse", path, "--max-bytes=100");

        Assert.Equal((1, ""), (run.Code, run.Stdout));
        Assert.StartsWith($"{path}: input is ", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("above the 100 bytes limit", run.Stderr.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(run, flipped);
    }

    [Fact]
    public async Task PathsAfterADoubleDashAreTakenLiterally()
    {
        var run = await CommandLine.RunAsync("parse", "--", "--max-bytes");

        Assert.Equal(2, run.Code);
        Assert.StartsWith("parse: path not found: --max-bytes", run.Stderr, StringComparison.Ordinal);
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(folder.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
