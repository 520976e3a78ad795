using System.Globalization;

namespace MedInsure.Parsing;

internal static class ByteSize
{
    private const long Kb = 1024;
    private const long Mb = 1024 * 1024;

    // "21.3 MB", "4.5 KB", "87 bytes"; whole values drop the ".0" so limits read "20 MB".
    public static string Format(long bytes) => bytes switch
    {
        >= Mb => Scaled(bytes, Mb, "MB"),
        >= Kb => Scaled(bytes, Kb, "KB"),
        1 => "1 byte",
        _ => bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes",
    };

    private static string Scaled(long bytes, long unit, string suffix)
    {
        var value = (double)bytes / unit;
        var text = bytes % unit == 0
            ? (bytes / unit).ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("0.0", CultureInfo.InvariantCulture);
        return $"{text} {suffix}";
    }
}
