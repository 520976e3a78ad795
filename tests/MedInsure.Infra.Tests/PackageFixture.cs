using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace MedInsure.Infra.Tests;

/// <summary>
/// Runs scripts/package.sh once for the test class (publishing takes a while) into a temp folder and keeps the zip's
/// entries in memory.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), $"medinsure-package-{Guid.NewGuid():N}");

    public string ZipPath => Path.Combine(_workDirectory, "medinsure-functions.zip");

    public string ScriptOutput { get; private set; } = "";

    public IReadOnlyDictionary<string, PackageEntry> Entries { get; private set; } = new Dictionary<string, PackageEntry>();

    /// <summary>"Version made by" host byte of each central-directory header (3 = Unix).</summary>
    public IReadOnlyList<byte> MadeByHosts { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_workDirectory);
        var result = await TestEnvironment.RunAsync(
            "bash",
            [
                Path.Combine(TestEnvironment.RepoRoot, "scripts", "package.sh"),
                "--staging", Path.Combine(_workDirectory, "staging"),
                "--output", ZipPath,
            ],
            TimeSpan.FromMinutes(5));
        ScriptOutput = result.ToString();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/package.sh failed\n{result}");
        }

        var entries = new Dictionary<string, PackageEntry>(StringComparer.Ordinal);
        await using (var zip = await ZipFile.OpenReadAsync(ZipPath, TestContext.Current.CancellationToken))
        {
            foreach (var entry in zip.Entries)
            {
                await using var stream = await entry.OpenAsync(TestContext.Current.CancellationToken);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
                entries[entry.FullName] = new PackageEntry(entry.FullName, (entry.ExternalAttributes >> 16) & 0xFFFF, buffer.ToArray());
            }
        }

        Entries = entries;
        MadeByHosts = ReadMadeByHosts(await File.ReadAllBytesAsync(ZipPath, TestContext.Current.CancellationToken));
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    public JsonObject ReadJson(string entryName) =>
        JsonNode.Parse(Entries[entryName].Content, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })?.AsObject()
        ?? throw new InvalidDataException($"{entryName} is not a JSON object");

    private static List<byte> ReadMadeByHosts(byte[] zip)
    {
        var end = zip.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4b, (byte)0x05, (byte)0x06]);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var hosts = new List<byte>(count);
        for (var i = 0; i < count; i++)
        {
            hosts.Add(zip[offset + 5]);
            offset += 46
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 28))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 30))
                + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(offset + 32));
        }

        return hosts;
    }
}

/// <summary>One file in the package: its path, Unix st_mode and bytes.</summary>
public sealed record PackageEntry(string Name, int UnixMode, byte[] Content)
{
    public int Permissions => UnixMode & 0b111_111_111;
}
