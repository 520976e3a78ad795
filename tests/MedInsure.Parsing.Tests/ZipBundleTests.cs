using System.Text;

namespace MedInsure.Parsing.Tests;

public sealed class ZipBundleTests
{
    [Fact]
    public void EachMemberIsReportedInEntryOrderWithItsPath()
    {
        var zip = TestData.Zip(
            ("pages/", []),
            ("pages/b.txt", TestData.Fixture("quirks.txt")),
            ("a.txt", TestData.Fixture("basic.txt")),
            ("pages/bad.txt", TestData.Fixture("paragraph-title.txt")));

        var outcomes = TestData.ReadAll(zip);

        Assert.Equal(["bundle.zip/pages/b.txt", "bundle.zip/a.txt", "bundle.zip/pages/bad.txt"], outcomes.Select(o => o.Name));
        Assert.Equal([true, true, false], outcomes.Select(o => o.Accepted));
        Assert.Equal("职工医保个人账户可以给家人用吗", outcomes[0].Dump!.Articles[0].Title);
        Assert.Equal("line 1 is not a title: it ends with 。 like a sentence", outcomes[2].RejectionReason);
    }

    [Fact]
    public void ZipIsDetectedFromItsBytesNotItsName()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")));

        var outcome = Assert.Single(TestData.ReadAll(zip, "upload.txt"));

        Assert.Equal("upload.txt/a.txt", outcome.Name);
        Assert.True(outcome.Accepted);
    }

    [Fact]
    public void MembersAreReadLazily()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")), ("b.txt", "x"u8.ToArray()));
        using var stream = new MemoryStream(zip);

        var first = new DumpReader().Read("bundle.zip", stream).First();

        Assert.Equal("bundle.zip/a.txt", first.Name);
        Assert.Equal(4, first.Dump!.Articles.Count);
    }

    [Fact]
    public void TooManyEntriesRejectTheBundle()
    {
        var zip = TestData.Zip([.. Enumerable.Range(0, 4).Select(i => ($"p{i}.txt", TestData.Fixture("basic.txt")))]);

        var outcome = Assert.Single(TestData.ReadAll(zip, options: new DumpParserOptions { MaxZipEntries = 3 }));

        Assert.Equal("bundle.zip", outcome.Name);
        Assert.Equal("zip archive has 4 entries, above the limit of 3", outcome.RejectionReason);
    }

    [Fact]
    public void BundleDecompressingPastItsCapRejectsTheRestByCountingRealBytes()
    {
        var page = TestData.Fixture("basic.txt");
        var zip = TestData.Zip(("a.txt", page), ("b.txt", page), ("c.txt", page));

        var limit = (page.Length * 2) - 10;

        var outcomes = TestData.ReadAll(zip, options: new DumpParserOptions { MaxZipUncompressedBytes = limit });

        Assert.Equal([true, false, false], outcomes.Select(o => o.Accepted));
        Assert.Equal($"stopped in this member: the bundle decompresses to more than its {Size(limit)} limit", outcomes[1].RejectionReason);
        Assert.StartsWith("not read: the bundle decompresses", outcomes[2].RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipBombMemberIsStoppedAtTheInputLimit()
    {
        var zeros = new byte[4 * 1024 * 1024];
        var zip = TestData.Zip(("bomb.txt", zeros), ("a.txt", TestData.Fixture("basic.txt")));
        Assert.True(zip.Length < 64 * 1024);

        var outcomes = TestData.ReadAll(zip, options: new DumpParserOptions { MaxInputBytes = 1024 * 1024 });

        Assert.Equal("zip member decompresses to more than the 1 MB limit", outcomes[0].RejectionReason);
        Assert.True(outcomes[1].Accepted);
    }

    [Theory]
    [InlineData("../evil.txt", "zip entry path '../evil.txt' has a '..' segment")]
    [InlineData("pages/../../evil.txt", "zip entry path 'pages/../../evil.txt' has a '..' segment")]
    [InlineData("/etc/evil.txt", "zip entry path '/etc/evil.txt' is absolute")]
    [InlineData("C:/evil.txt", "zip entry path 'C:/evil.txt' is absolute")]
    [InlineData("pages\\..\\evil.txt", "zip entry path 'pages\\..\\evil.txt' contains a backslash")]
    [InlineData("pages//evil.txt", "zip entry path 'pages//evil.txt' has a '' segment")]
    public void PathTrickEntriesAreRejectedAndOtherMembersStillRead(string path, string reason)
    {
        var zip = TestData.Zip((path, TestData.Fixture("basic.txt")), ("ok.txt", TestData.Fixture("basic.txt")));

        var outcomes = TestData.ReadAll(zip);

        Assert.Equal($"bundle.zip/{path}", outcomes[0].Name);
        Assert.Equal(reason, outcomes[0].RejectionReason);
        Assert.True(outcomes[1].Accepted);
    }

    [Fact]
    public void TruncatedZipIsOneRejection()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")), ("b.txt", TestData.Fixture("quirks.txt")));

        var outcome = Assert.Single(TestData.ReadAll(zip[..(zip.Length / 2)]));

        Assert.Equal("bundle.zip", outcome.Name);
        Assert.StartsWith("zip archive is truncated or corrupt: ", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptMemberDataIsRejectedForThatMember()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(TestData.FixtureText("basic.txt"), 4)));
        var zip = TestData.Zip(("a.txt", text));
        // Overwrite the middle of the deflate stream; the central directory at the end stays intact.
        zip.AsSpan(200, 64).Fill(0xFF);

        var outcome = Assert.Single(TestData.ReadAll(zip));

        Assert.Equal("bundle.zip/a.txt", outcome.Name);
        Assert.StartsWith("zip member is corrupt or truncated: ", outcome.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedZipMemberIsRejected()
    {
        var inner = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")));
        var zip = TestData.Zip(("inner.zip", inner), ("b.txt", TestData.Fixture("basic.txt")));

        var outcomes = TestData.ReadAll(zip);

        Assert.Equal("zip member is itself a zip archive; nested bundles are not read", outcomes[0].RejectionReason);
        Assert.True(outcomes[1].Accepted);
    }

    [Fact]
    public void ZipWithOnlyDirectoriesIsRejected()
    {
        var outcome = Assert.Single(TestData.ReadAll(TestData.Zip(("pages/", []))));

        Assert.Equal("zip archive contains no files", outcome.RejectionReason);
    }

    [Fact]
    public void MemberHashIsTheHashOfItsDecompressedBytes()
    {
        var page = TestData.Fixture("basic.txt");
        var outcome = Assert.Single(TestData.ReadAll(TestData.Zip(("a.txt", page))));

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(page)), outcome.ContentHash);
    }

    private static string Size(long bytes) => bytes >= 1024
        ? (bytes / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " KB"
        : $"{bytes} bytes";

    [Fact]
    public void BundleLargerThanTheDumpLimitIsReadWhenEachMemberFitsIt()
    {
        var member = TestData.Fixture("basic.txt");
        var options = new DumpParserOptions { MaxInputBytes = member.Length + 16 };
        // Stored entries: the archive is bigger than the per-dump limit, each member is within it.
        var zip = TestData.Zip([.. Enumerable.Range(0, 4).Select(i => ($"d{i}.txt", member))]);
        Assert.True(zip.Length > options.MaxInputBytes);

        var outcomes = TestData.ReadAll(zip, options: options);

        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Accepted, o.RejectionReason));
    }

    [Fact]
    public void SeekableBundleIsReadInPlaceAndGivesTheSameOutcomesAsABufferedOne()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")), ("b.txt", TestData.Fixture("quirks.txt")));
        using var seekable = new MemoryStream(zip, writable: false);
        using var forwardOnly = new ForwardOnlyStream(zip);

        var inPlace = new DumpReader().Read("bundle.zip", seekable).ToList();
        var buffered = new DumpReader().Read("bundle.zip", forwardOnly).ToList();

        Assert.Equal(2, inPlace.Count);
        Assert.Equal(inPlace.Select(o => (o.Name, o.ContentHash, o.Dump!.Articles.Count)), buffered.Select(o => (o.Name, o.ContentHash, o.Dump!.Articles.Count)));
    }

    [Fact]
    public void BundleAboveItsSizeLimitIsRejectedWithoutReadingMembers()
    {
        var zip = TestData.Zip(("a.txt", TestData.Fixture("basic.txt")));
        var options = new DumpParserOptions { MaxZipUncompressedBytes = zip.Length - 1 };

        var outcome = Assert.Single(TestData.ReadAll(zip, options: options));

        Assert.False(outcome.Accepted);
        Assert.Contains("above the", outcome.RejectionReason);
        Assert.Equal("bundle.zip", outcome.Name);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
    }
}
