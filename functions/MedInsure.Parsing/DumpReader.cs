using System.IO.Compression;
using System.Security.Cryptography;

namespace MedInsure.Parsing;

/// <summary>
/// Reads dumps: a plain page yields one outcome, a zip bundle (recognised by its magic bytes) one outcome per member.
/// Never throws for bad content; every problem becomes a rejection reason or a warning.
/// </summary>
public sealed class DumpReader(DumpParserOptions? options = null)
{
    private const int ChunkSize = 81_920;

    private readonly Limits _limits = Limits.From(options ?? new DumpParserOptions());

    /// <summary>Reads a plain dump or a zip bundle; zip members are read lazily, in entry order, named "bundle.zip/dir/member.txt".</summary>
    public IEnumerable<DumpOutcome> Read(string name, Stream content)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(content);
        return ReadLazily(name, content);
    }

    /// <summary>Reads one plain dump; a zip here is rejected (use <see cref="Read"/> for bundles).</summary>
    public DumpOutcome ReadDump(string name, ReadOnlyMemory<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var hash = Hash(bytes.Span);
        if (bytes.Length > _limits.MaxInputBytes)
        {
            return DumpOutcome.Rejected(name, OversizeReason("input", bytes.Length), hash);
        }

        return IsZip(bytes.Span)
            ? DumpOutcome.Rejected(name, "input is a zip archive, not a dump; read bundles with DumpReader.Read", hash)
            : Parse(name, bytes.Span, hash);
    }

    private IEnumerable<DumpOutcome> ReadLazily(string name, Stream content)
    {
        // A bundle is bounded by its own caps (entries, uncompressed size), not by the per-dump size limit, and is read
        // in place when the stream can seek, so a large zip never has to sit in memory.
        if (!content.CanSeek)
        {
            var (buffered, total, hash) = ReadBounded(content, Math.Max(_limits.MaxInputBytes, _limits.MaxZipUncompressedBytes));
            if (buffered is null)
            {
                yield return DumpOutcome.Rejected(name, OversizeReason("input", total), hash);
                yield break;
            }

            content = new MemoryStream(buffered, writable: false);
        }

        var start = content.Position;
        var head = new byte[4];
        var headLength = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        content.Position = start;
        if (headLength == head.Length && IsZip(head))
        {
            foreach (var outcome in ReadZip(name, content))
            {
                yield return outcome;
            }

            yield break;
        }

        var (bytes, size, contentHash) = ReadBounded(content, _limits.MaxInputBytes);
        yield return bytes is null
            ? DumpOutcome.Rejected(name, OversizeReason("input", size), contentHash)
            : Parse(name, bytes, contentHash);
    }

    private IEnumerable<DumpOutcome> ReadZip(string name, Stream content)
    {
        var start = content.Position;
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        var length = content.Position - start;
        content.Position = start;
        if (length > _limits.MaxZipUncompressedBytes)
        {
            yield return DumpOutcome.Rejected(name, $"zip archive is {ByteSize.Format(length)}, above the {ByteSize.Format(_limits.MaxZipUncompressedBytes)} bundle limit", hash);
            yield break;
        }

        var (archive, error) = OpenZip(content);
        if (archive is null)
        {
            yield return DumpOutcome.Rejected(name, error!, hash);
            yield break;
        }

        using (archive)
        {
            var entries = archive.Entries;
            if (entries.Count > _limits.MaxZipEntries)
            {
                yield return DumpOutcome.Rejected(name, $"zip archive has {entries.Count:N0} entries, above the limit of {_limits.MaxZipEntries:N0}", hash);
                yield break;
            }

            if (entries.All(e => IsDirectory(e.FullName)))
            {
                yield return DumpOutcome.Rejected(name, "zip archive contains no files", hash);
                yield break;
            }

            var budget = _limits.MaxZipUncompressedBytes;
            foreach (var entry in entries)
            {
                var memberName = $"{name}/{entry.FullName}";
                if (budget < 0)
                {
                    if (!IsDirectory(entry.FullName))
                    {
                        yield return DumpOutcome.Rejected(memberName, BundleTooLarge("not read"), "");
                    }

                    continue;
                }

                if (UnsafePathReason(entry.FullName) is { } unsafePath)
                {
                    yield return DumpOutcome.Rejected(memberName, unsafePath, "");
                    continue;
                }

                if (IsDirectory(entry.FullName))
                {
                    continue;
                }

                yield return ReadMember(entry, memberName, ref budget);
            }
        }
    }

    private DumpOutcome ReadMember(ZipArchiveEntry entry, string memberName, ref long budget)
    {
        byte[]? bytes;
        long read;
        string hash;
        try
        {
            using var stream = entry.Open();
            // Reads one byte past whichever limit is nearer, so either overflow is detected without trusting headers.
            var limit = Math.Min(_limits.MaxInputBytes, budget);
            (bytes, read, hash) = ReadBounded(stream, limit, drain: false);
        }
        catch (InvalidDataException e)
        {
            return DumpOutcome.Rejected(memberName, $"zip member is corrupt or truncated: {e.Message}", "");
        }

        if (bytes is null)
        {
            var bundleOverflow = budget < _limits.MaxInputBytes;
            budget = bundleOverflow ? -1 : budget - read;
            return DumpOutcome.Rejected(
                memberName,
                bundleOverflow ? BundleTooLarge("stopped in this member") : $"zip member decompresses to more than the {ByteSize.Format(_limits.MaxInputBytes)} limit",
                "");
        }

        budget -= read;
        if (Crc32.Compute(bytes) != entry.Crc32)
        {
            return DumpOutcome.Rejected(memberName, "zip member is corrupt or truncated: its CRC-32 does not match the archive's record", hash);
        }

        if (IsZip(bytes))
        {
            return DumpOutcome.Rejected(memberName, "zip member is itself a zip archive; nested bundles are not read", hash);
        }

        return Parse(memberName, bytes, hash);
    }

    private string BundleTooLarge(string what) =>
        $"{what}: the bundle decompresses to more than its {ByteSize.Format(_limits.MaxZipUncompressedBytes)} limit";

    private static (ZipArchive? Archive, string? Error) OpenZip(Stream content)
    {
        try
        {
            return (new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true), null);
        }
        catch (InvalidDataException e)
        {
            return (null, $"zip archive is truncated or corrupt: {e.Message}");
        }
    }

    private DumpOutcome Parse(string name, ReadOnlySpan<byte> bytes, string hash)
    {
        var decoded = DumpDecoder.Decode(bytes);
        if (decoded.Error is { } error)
        {
            return DumpOutcome.Rejected(name, error, hash);
        }

        var page = DumpParser.Parse(decoded.Text!, _limits.MaxArticlesPerDump);
        return page.Error is { } reason
            ? DumpOutcome.Rejected(name, reason, hash)
            : DumpOutcome.Parsed(new ParsedDump(name, decoded.EncodingName, hash, page.Articles, page.Warnings) { SearchTerms = page.SearchTerms });
    }

    /// <summary>
    /// Buffers at most <paramref name="limit"/> bytes. Past it, a top-level input is drained (hashed and counted, not kept)
    /// so the reason can give its size; a zip member stops at once so a zip bomb costs nothing.
    /// </summary>
    private static (byte[]? Bytes, long Total, string Hash) ReadBounded(Stream stream, long limit, bool drain = true)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new MemoryStream();
        var chunk = new byte[ChunkSize];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, Math.Max(1, limit + 1 - total)))) > 0)
        {
            sha.AppendData(chunk, 0, read);
            total += read;
            if (total > limit)
            {
                if (!drain)
                {
                    return (null, total, "");
                }

                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    sha.AppendData(chunk, 0, read);
                    total += read;
                }

                return (null, total, Convert.ToHexStringLower(sha.GetHashAndReset()));
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), total, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private string OversizeReason(string what, long size) =>
        $"{what} is {ByteSize.Format(size)}, above the {ByteSize.Format(_limits.MaxInputBytes)} limit";

    private static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    // Local file header, or the end record of an empty archive.
    private static bool IsZip(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x03, 0x04]) || bytes.StartsWith((ReadOnlySpan<byte>)[0x50, 0x4B, 0x05, 0x06]);

    private static bool IsDirectory(string fullName) => fullName.EndsWith('/');

    private static string? UnsafePathReason(string fullName)
    {
        if (fullName.Length == 0)
        {
            return "zip entry has an empty name";
        }

        if (fullName.Contains('\\'))
        {
            return $"zip entry path '{fullName}' contains a backslash";
        }

        if (fullName.StartsWith('/') || (fullName.Length >= 2 && fullName[1] == ':'))
        {
            return $"zip entry path '{fullName}' is absolute";
        }

        if (fullName.Contains('\0'))
        {
            return "zip entry path contains a NUL character";
        }

        foreach (var segment in fullName.TrimEnd('/').Split('/'))
        {
            if (segment is ".." or "." or "")
            {
                return $"zip entry path '{fullName}' has a '{segment}' segment";
            }
        }

        return null;
    }

    private sealed record Limits(long MaxInputBytes, int MaxArticlesPerDump, int MaxZipEntries, long MaxZipUncompressedBytes)
    {
        // Snapshot: the options object is mutable and may be shared.
        public static Limits From(DumpParserOptions options)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxInputBytes, nameof(options.MaxInputBytes));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxArticlesPerDump, nameof(options.MaxArticlesPerDump));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxZipEntries, nameof(options.MaxZipEntries));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxZipUncompressedBytes, nameof(options.MaxZipUncompressedBytes));
            return new Limits(options.MaxInputBytes, options.MaxArticlesPerDump, options.MaxZipEntries, options.MaxZipUncompressedBytes);
        }
    }
}
