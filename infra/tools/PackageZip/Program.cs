using System.Buffers.Binary;
using System.IO.Compression;
using MedInsure.Infra.PackageZip;

// Usage: PackageZip <sourceDir> <zipPath>
// Every file under sourceDir, hidden ones included, becomes an entry with mode 0644.
if (args.Length != 2)
{
    await Console.Error.WriteLineAsync("usage: PackageZip <sourceDir> <zipPath>");
    return 2;
}

var source = Path.GetFullPath(args[0]);
var zipPath = Path.GetFullPath(args[1]);
if (!Directory.Exists(source))
{
    await Console.Error.WriteLineAsync($"source folder not found: {source}");
    return 1;
}

var count = UnixZip.Create(source, zipPath);
Console.WriteLine($"{zipPath}: {count} entries, {new FileInfo(zipPath).Length:N0} bytes");
return 0;

namespace MedInsure.Infra.PackageZip
{
    internal static class UnixZip
    {
        // st_mode values: regular-file type bits plus permissions, stored in the high 16 bits of the external attributes.
        private const int RegularFile = 0x8000;
        private const int DataMode = RegularFile | 0b110_100_100; // 0644
        private const byte MadeByUnix = 3;

        public static int Create(string source, string zipPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(zipPath)!);
            File.Delete(zipPath);

            // The worker's .azurefunctions/ folder is hidden: enumerate with no attributes skipped.
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
            var files = Directory.EnumerateFiles(source, "*", options)
                .Select(f => Path.GetRelativePath(source, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)
                .ToList();

            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                foreach (var name in files)
                {
                    var entry = zip.CreateEntryFromFile(Path.Combine(source, name), name, CompressionLevel.Fastest);
                    entry.ExternalAttributes = DataMode << 16;
                }
            }

            MarkMadeByUnix(zipPath);
            return files.Count;
        }

        // Unzip tools (and the Flex deployment) read the mode bits only when "version made by" names Unix; otherwise they
        // guess from the host. Say Unix in every central-directory header so the modes mean the same everywhere.
        private static void MarkMadeByUnix(string zipPath)
        {
            var bytes = File.ReadAllBytes(zipPath);
            var end = bytes.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4b, (byte)0x05, (byte)0x06]);
            if (end < 0)
            {
                throw new InvalidDataException("end of central directory not found");
            }

            var entries = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(end + 10));
            var offset = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end + 16));
            for (var i = 0; i < entries; i++)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)) != 0x02014b50)
                {
                    throw new InvalidDataException($"bad central directory header at {offset}");
                }

                bytes[offset + 5] = MadeByUnix;
                var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 28));
                var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 30));
                var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 32));
                offset += 46 + nameLength + extraLength + commentLength;
            }

            File.WriteAllBytes(zipPath, bytes);
        }
    }
}
