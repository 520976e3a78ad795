using System.Security.Cryptography;
using System.Text;

namespace MedInsure.Parsing.Tests;

public sealed class DecodingTests
{
    private static readonly Encoding Gb18030 = CreateGb18030();

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    public static TheoryData<string, string> EncodedCopies => new()
    {
        { "utf-8-bom", "utf-8" },
        { "utf-16le", "utf-16le" },
        { "utf-16be", "utf-16be" },
        { "gb18030", "gb18030" },
    };

    [Theory]
    [MemberData(nameof(EncodedCopies))]
    public void EncodedCopiesYieldTheSameArticlesAsTheUtf8Original(string copy, string expectedEncoding)
    {
        var text = TestData.FixtureText("basic.txt");
        var bytes = copy switch
        {
            "utf-8-bom" => [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)],
            "utf-16le" => [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(text)],
            "utf-16be" => [.. Encoding.BigEndianUnicode.Preamble, .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => Gb18030.GetBytes(text),
        };

        var original = TestData.Accept(new DumpReader().ReadDump("basic.txt", TestData.Fixture("basic.txt")));
        var decoded = TestData.Accept(new DumpReader().ReadDump($"basic.{copy}.txt", bytes));

        Assert.Equal(expectedEncoding, decoded.Encoding);
        Assert.Equal(original.Articles, decoded.Articles, ArticleComparer.Instance);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), decoded.ContentHash);
        Assert.NotEqual(original.ContentHash, decoded.ContentHash);
    }

    [Fact]
    public void ValidUtf8IsPreferredOverGb18030()
    {
        var dump = TestData.Accept(new DumpReader().ReadDump("ascii.txt", "Yibao FAQ\nBody text.\n"u8.ToArray()));

        Assert.Equal("utf-8", dump.Encoding);
        Assert.Equal("Yibao FAQ", dump.Articles[0].Title);
    }

    [Fact]
    public void ContentHashIsLowercaseSha256OfTheRawBytes()
    {
        var bytes = TestData.Fixture("basic.txt");
        var outcome = new DumpReader().ReadDump("basic.txt", bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), outcome.ContentHash);
        Assert.Equal(outcome.ContentHash, outcome.Dump!.ContentHash);
        Assert.Matches("^[0-9a-f]{64}$", outcome.ContentHash);
    }

    [Fact]
    public void EmptyInputIsRejected()
    {
        var outcome = new DumpReader().ReadDump("empty.txt", Array.Empty<byte>());

        Assert.Equal("input is empty", TestData.Reject(outcome));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", outcome.ContentHash);
    }

    [Fact]
    public void BlankInputIsRejected()
    {
        Assert.Equal("dump has no text: every line is blank", TestData.Reject(new DumpReader().ReadDump("blank.txt", " \n\r\n\u3000\n"u8.ToArray())));
    }

    [Fact]
    public void NulByteMarksBinaryContent()
    {
        byte[] bytes = [.. "医保问答\n正文"u8, 0x00, 0x01];
        var reason = TestData.Reject(new DumpReader().ReadDump("image.bin", bytes));

        Assert.Equal("byte 0x00 at offset 19: binary content is not a dump", reason);
    }

    [Fact]
    public void ManyControlBytesMarkBinaryContent()
    {
        byte[] bytes = [.. "医保问答\n"u8, .. Enumerable.Repeat((byte)0x1B, 5), .. "正文"u8];
        var reason = TestData.Reject(new DumpReader().ReadDump("escape.bin", bytes));

        Assert.Equal("5 control characters (20.8% of the input) starting with 0x1B at offset 13: binary content is not a dump", reason);
    }

    [Fact]
    public void Utf16WithNulCharacterIsBinary()
    {
        byte[] bytes = [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("医保\0问答")];

        Assert.Equal("character U+0000 at offset 6: binary content is not a dump", TestData.Reject(new DumpReader().ReadDump("u16.txt", bytes)));
    }

    [Fact]
    public void BytesThatAreNeitherUtf8NorGb18030AreRejected()
    {
        byte[] bytes = [.. "医保问答\n"u8, 0xFF, 0xFE, 0x80, .. "正文"u8];
        var reason = TestData.Reject(new DumpReader().ReadDump("garbage.txt", bytes));

        Assert.StartsWith("bytes are neither UTF-8 nor GB18030: invalid UTF-8 byte 0xFF at offset 13", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8BomFollowedByInvalidUtf8IsRejected()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "医保"u8, 0xC3, 0x28];

        Assert.Equal(
            "input starts with a UTF-8 byte-order mark but byte 0xC3 at offset 9 is not valid UTF-8",
            TestData.Reject(new DumpReader().ReadDump("bom.txt", bytes)));
    }

    [Fact]
    public void Utf16WithOddByteCountIsRejected()
    {
        byte[] bytes = [0xFF, 0xFE, 0x3B, 0x53, 0x1D];

        Assert.Equal(
            "input starts with a UTF-16LE byte-order mark but has an odd number of bytes (5)",
            TestData.Reject(new DumpReader().ReadDump("odd.txt", bytes)));
    }

    [Fact]
    public void OversizedBytesAreRejectedWithTheirSize()
    {
        var bytes = new byte[(int)(21.3 * 1024 * 1024)];
        bytes.AsSpan().Fill((byte)'a');

        Assert.Equal("input is 21.3 MB, above the 20 MB limit", TestData.Reject(new DumpReader().ReadDump("big.txt", bytes)));
    }

    [Fact]
    public void OversizedStreamIsRejectedAndHashedWithoutBufferingIt()
    {
        var bytes = Encoding.UTF8.GetBytes("医保问答\n" + new string('保', 400));
        var outcome = Assert.Single(TestData.ReadAll(bytes, "big.txt", new DumpParserOptions { MaxInputBytes = 1024 }));

        Assert.Equal("input is 1.2 KB, above the 1 KB limit", TestData.Reject(outcome));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), outcome.ContentHash);
    }

    [Fact]
    public void PlainStreamYieldsOneParsedOutcome()
    {
        var outcome = Assert.Single(TestData.ReadAll(TestData.Fixture("basic.txt"), "basic.txt"));

        Assert.Equal("basic.txt", outcome.Name);
        Assert.Equal(4, TestData.Accept(outcome).Articles.Count);
    }

    [Fact]
    public void ZipBytesPassedToReadDumpAreRejected()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")));

        Assert.Equal(
            "input is a zip archive, not a dump; read bundles with DumpReader.Read",
            TestData.Reject(new DumpReader().ReadDump("bundle.zip", zip)));
    }
}
