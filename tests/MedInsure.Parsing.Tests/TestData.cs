using System.IO.Compression;
using System.Text;

namespace MedInsure.Parsing.Tests;

internal static class TestData
{
    public static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static string FixtureText(string name) => Encoding.UTF8.GetString(Fixture(name));

    public static ParsedDump Parse(string text, DumpParserOptions? options = null) => Accept(new DumpReader(options).ReadDump("page.txt", Encoding.UTF8.GetBytes(text)));

    public static ParsedDump Accept(DumpOutcome outcome)
    {
        Assert.True(outcome.Accepted, $"{outcome.Name} was rejected: {outcome.RejectionReason}");
        return outcome.Dump!;
    }

    public static string Reject(DumpOutcome outcome)
    {
        Assert.False(outcome.Accepted, $"{outcome.Name} was accepted");
        return outcome.RejectionReason!;
    }

    /// <summary>The shared third-party samples (../shared/samples next to the repo), or null when this checkout has none.</summary>
    public static string? SamplesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MedInsure.Functions.sln")))
            {
                var samples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "samples"));
                return Directory.Exists(samples) ? samples : null;
            }
        }

        return null;
    }

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }

    public static List<DumpOutcome> ReadAll(byte[] bytes, string name = "bundle.zip", DumpParserOptions? options = null) =>
        [.. new DumpReader(options).Read(name, new MemoryStream(bytes))];
}
