using System.Text;

namespace MedInsure.Articles.Stats;

/// <summary>
/// RFC 4180 CSV for spreadsheets: UTF-8 with a BOM (so Excel reads Chinese correctly), CRLF line ends, quotes only where
/// needed, and cells that a spreadsheet would run as a formula (= + - @ tab CR first) prefixed with a single quote.
/// </summary>
public static class CsvWriter
{
    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringBuilder();
        AppendRow(text, header);
        foreach (var row in rows)
        {
            AppendRow(text, row);
        }

        var preamble = Encoding.UTF8.GetPreamble();
        var bytes = new byte[preamble.Length + Encoding.UTF8.GetByteCount(text.ToString())];
        preamble.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(text.ToString(), 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void AppendRow(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Cell(cells[i]));
        }

        text.Append("\r\n");
    }
}
