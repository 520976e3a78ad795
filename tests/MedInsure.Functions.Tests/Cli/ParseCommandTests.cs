using System.Text;
using System.Text.Json;
using MedInsure.Functions.Cli;

namespace MedInsure.Functions.Tests.Cli;

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

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("medinsure-parse-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ParsedDumpPrintsOneJsonLinePerArticleWithReadableChinese()
    {
        var path = Write("a.txt", Encoding.UTF8.GetBytes(Page));

        var (code, stdout, stderr) = await RunAsync(path);

        Assert.Equal(CommandLine.Ok, code);
        Assert.Equal("", stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"title\":\"医保卡丢了怎么补办\"", lines[0], StringComparison.Ordinal);

        using var main = JsonDocument.Parse(lines[0]);
        Assert.Equal("补办流程", main.RootElement.GetProperty("shortAnswer").GetString());
        Assert.Equal("2025-07-01", main.RootElement.GetProperty("date").GetString());
        Assert.True(main.RootElement.GetProperty("isMain").GetBoolean());
        Assert.Equal(JsonValueKind.Null, main.RootElement.GetProperty("category").ValueKind);
        Assert.Equal(path, main.RootElement.GetProperty("source").GetProperty("dump").GetString());
        Assert.Equal(0, main.RootElement.GetProperty("source").GetProperty("position").GetInt32());
        Assert.Equal("main date inferred from related items", main.RootElement.GetProperty("warnings")[0].GetString());

        using var related = JsonDocument.Parse(lines[1]);
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
        var good = Write("b/good.txt", Encoding.UTF8.GetBytes(Page));
        var bad = Write("a/bad.bin", [0x41, 0x00, 0x42]);

        var (code, stdout, stderr) = await RunAsync(_dir.FullName);

        Assert.Equal(CommandLine.InputRejected, code);
        Assert.Equal($"{bad}: byte 0x00 at offset 1: binary content is not a dump", stderr.TrimEnd());
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains(JsonSerializer.Serialize(good), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ZipBundleMembersAreNamedAfterTheBundle()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("pages/one.txt").Open();
            entry.Write(Encoding.UTF8.GetBytes(Page));
        }

        var path = Write("bundle.zip", buffer.ToArray());

        var (code, stdout, _) = await RunAsync(path);

        Assert.Equal(CommandLine.Ok, code);
        using var first = JsonDocument.Parse(stdout.Split('\n')[0]);
        Assert.Equal($"{path}/pages/one.txt", first.RootElement.GetProperty("source").GetProperty("dump").GetString());
    }

    [Fact]
    public async Task MaxBytesOptionRejectsLargerInputs()
    {
        var path = Write("a.txt", Encoding.UTF8.GetBytes(Page));

        var (code, stdout, stderr) = await RunAsync("--max-bytes", "100", path);

        Assert.Equal(CommandLine.InputRejected, code);
        Assert.Equal("", stdout);
        Assert.StartsWith($"{path}: input is ", stderr, StringComparison.Ordinal);
        Assert.EndsWith("above the 100 bytes limit", stderr.TrimEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], "parse: no input paths given")]
    [InlineData(new[] { "--verbose", "x" }, "parse: unknown option '--verbose'")]
    [InlineData(new[] { "--max-bytes", "lots", "x" }, "parse: --max-bytes needs a positive whole number of bytes")]
    [InlineData(new[] { "/nonexistent/medinsure/dump.txt" }, "parse: path not found: /nonexistent/medinsure/dump.txt")]
    public async Task UsageErrorsPrintUsageAndExitWithTwo(string[] args, string problem)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(CommandLine.UsageError, code);
        Assert.Equal("", stdout);
        Assert.StartsWith(problem + Environment.NewLine + "usage: parse", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpPrintsUsageAndSucceeds()
    {
        var (code, stdout, stderr) = await RunAsync("--help");

        Assert.Equal(CommandLine.Ok, code);
        Assert.StartsWith("usage: parse [--max-bytes N] PATH...", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ParseCommand.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
