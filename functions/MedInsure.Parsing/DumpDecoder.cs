using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace MedInsure.Parsing;

/// <summary>Decoded text, or the reason the bytes are not a text dump.</summary>
internal readonly record struct DecodedText(string? Text, string EncodingName, string? Error)
{
    public static DecodedText Fail(string error) => new(null, "", error);
}

/// <summary>Picks the encoding from the bytes themselves: BOM, then strict UTF-8, then strict GB18030.</summary>
internal static class DumpDecoder
{
    // More control bytes than this share of the input means binary, not a text page with a stray character.
    private const double MaxControlShare = 0.01;

    private static readonly UnicodeEncoding Utf16LeStrict = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding Utf16BeStrict = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly Encoding Gb18030Strict = CreateGb18030();

    // Everything below 0x20 except tab, LF and CR, plus DEL; NUL is reported on its own.
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [.. Enumerable.Range(1, 8).Select(b => (byte)b), 0x0B, 0x0C, .. Enumerable.Range(0x0E, 0x12).Select(b => (byte)b), 0x7F]);

    internal static readonly SearchValues<char> ControlChars = SearchValues.Create(
        [.. Enumerable.Range(0, 9).Select(c => (char)c), '\u000B', '\u000C', .. Enumerable.Range(0x0E, 0x12).Select(c => (char)c), '\u007F']);

    private static Encoding CreateGb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    public static DecodedText Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return DecodedText.Fail("input is empty");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return DecodeUtf8(bytes[3..], bomLength: 3);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return DecodeUtf16(bytes[2..], Utf16LeStrict, "utf-16le");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return DecodeUtf16(bytes[2..], Utf16BeStrict, "utf-16be");
        }

        if (CheckBinaryBytes(bytes) is { } binary)
        {
            return DecodedText.Fail(binary);
        }

        if (Utf8.IsValid(bytes))
        {
            return new DecodedText(Encoding.UTF8.GetString(bytes), "utf-8", null);
        }

        try
        {
            return new DecodedText(Gb18030Strict.GetString(bytes), "gb18030", null);
        }
        catch (DecoderFallbackException e)
        {
            var utf8Offset = FirstInvalidUtf8Offset(bytes);
            return DecodedText.Fail(
                $"bytes are neither UTF-8 nor GB18030: invalid UTF-8 byte 0x{bytes[utf8Offset]:X2} at offset {utf8Offset}, " +
                $"invalid GB18030 byte 0x{bytes[Math.Clamp(e.Index, 0, bytes.Length - 1)]:X2} at offset {e.Index}");
        }
    }

    private static DecodedText DecodeUtf8(ReadOnlySpan<byte> payload, int bomLength)
    {
        if (CheckBinaryBytes(payload, bomLength) is { } binary)
        {
            return DecodedText.Fail(binary);
        }

        if (!Utf8.IsValid(payload))
        {
            var offset = FirstInvalidUtf8Offset(payload);
            return DecodedText.Fail(
                $"input starts with a UTF-8 byte-order mark but byte 0x{payload[offset]:X2} at offset {offset + bomLength} is not valid UTF-8");
        }

        return new DecodedText(Encoding.UTF8.GetString(payload), "utf-8", null);
    }

    private static DecodedText DecodeUtf16(ReadOnlySpan<byte> payload, UnicodeEncoding encoding, string name)
    {
        if (payload.Length % 2 != 0)
        {
            return DecodedText.Fail($"input starts with a {name.ToUpperInvariant()} byte-order mark but has an odd number of bytes ({payload.Length + 2})");
        }

        string text;
        try
        {
            text = encoding.GetString(payload);
        }
        catch (DecoderFallbackException e)
        {
            return DecodedText.Fail($"input starts with a {name.ToUpperInvariant()} byte-order mark but has an unpaired surrogate at offset {e.Index + 2}");
        }

        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            return DecodedText.Fail($"character U+0000 at offset {(nul * 2) + 2}: binary content is not a dump");
        }

        var controls = CountControls(text.AsSpan(), out var first);
        if (controls > Math.Max(1, text.Length * MaxControlShare))
        {
            return DecodedText.Fail(ControlMessage(controls, text.Length, $"U+{(int)text[first]:X4}", (first * 2) + 2));
        }

        return new DecodedText(text, name, null);
    }

    private static string? CheckBinaryBytes(ReadOnlySpan<byte> bytes, int offsetBase = 0)
    {
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            return $"byte 0x00 at offset {nul + offsetBase}: binary content is not a dump";
        }

        var first = bytes.IndexOfAny(ControlBytes);
        if (first < 0)
        {
            return null;
        }

        var count = 0;
        for (var i = first; i < bytes.Length; i++)
        {
            if (ControlBytes.Contains(bytes[i]))
            {
                count++;
            }
        }

        return count > Math.Max(1, bytes.Length * MaxControlShare)
            ? ControlMessage(count, bytes.Length, $"0x{bytes[first]:X2}", first + offsetBase)
            : null;
    }

    private static int CountControls(ReadOnlySpan<char> text, out int first)
    {
        first = text.IndexOfAny(ControlChars);
        if (first < 0)
        {
            return 0;
        }

        var count = 0;
        foreach (var c in text[first..])
        {
            if (ControlChars.Contains(c))
            {
                count++;
            }
        }

        return count;
    }

    private static string ControlMessage(int count, int length, string sample, int offset) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{count} control characters ({100.0 * count / length:0.0}% of the input) starting with {sample} at offset {offset}: binary content is not a dump");

    private static int FirstInvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return Math.Max(0, bytes.Length - 1);
    }
}
