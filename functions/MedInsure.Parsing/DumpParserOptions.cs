namespace MedInsure.Parsing;

/// <summary>Limits applied while reading dumps and zip bundles.</summary>
public sealed class DumpParserOptions
{
    /// <summary>Largest accepted input (a plain dump, a zip bundle, or one decompressed zip member).</summary>
    public long MaxInputBytes { get; set; } = 20 * 1024 * 1024;

    public int MaxArticlesPerDump { get; set; } = 1000;

    public int MaxZipEntries { get; set; } = 1000;

    /// <summary>Cap on the bytes actually decompressed from one bundle (headers are not trusted).</summary>
    public long MaxZipUncompressedBytes { get; set; } = 512L * 1024 * 1024;
}
