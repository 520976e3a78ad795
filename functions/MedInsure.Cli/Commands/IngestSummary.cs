using System.Globalization;
using MedInsure.Articles.Ingestion;
using Spectre.Console;

namespace MedInsure.Cli.Commands;

internal static class IngestSummary
{
    public static Table Create(IReadOnlyList<IngestionRecord> rows)
    {
        var table = new Table { Border = TableBorder.None };
        foreach (var (header, numeric) in new[] { ("dump", false), ("status", false), ("articles", true), ("new", true), ("updated", true), ("unchanged", true) })
        {
            // No left padding: each line starts with its dump's name.
            table.AddColumn(new TableColumn(header) { Alignment = numeric ? Justify.Right : Justify.Left, NoWrap = true, Padding = new Padding(0, 0, 2, 0) });
        }

        table.AddColumn(new TableColumn("reason") { Padding = new Padding(0) });
        foreach (var r in rows)
        {
            table.AddRow(Cells(r.Dump, r.Status, r.Articles, r.New, r.Updated, r.Unchanged, r.Reason));
        }

        var ok = rows.Count(r => r.Status == IngestionStatus.Succeeded);
        table.AddRow(Cells("total", $"{ok}/{rows.Count} ok", rows.Sum(r => r.Articles), rows.Sum(r => r.New), rows.Sum(r => r.Updated), rows.Sum(r => r.Unchanged), null));
        return table;
    }

    // Text, not markup: a dump may be called "[draft].txt".
    private static Text[] Cells(string dump, string status, int articles, int @new, int updated, int unchanged, string? reason) =>
        [new(dump), new(status), Number(articles), Number(@new), Number(updated), Number(unchanged), new(reason ?? "")];

    private static Text Number(int n) => new(n.ToString(CultureInfo.InvariantCulture));
}
