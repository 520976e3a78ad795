using System.Globalization;
using System.Text;
using MedInsure.Articles.Calculations;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MedInsure.Cli.Commands;

internal static class CalcSummaries
{
    private static string M(decimal? value) => value is { } v ? v.ToString("#,##0.00", CultureInfo.InvariantCulture) : "—";

    private static string P(decimal? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) + "%" : "—";

    private static string Cell(decimal? amount, decimal? rate) => amount is null ? "—" : $"{M(amount)} ({P(rate)})";

    private static string Base(BaseResponse b) =>
        $"base {M(b.Applied)}" + (b.Clamped is null ? "" : $" (requested {M(b.Requested)}, clamped to the {b.Clamped})")
        + (b.Floor is null && b.Ceiling is null ? "" : $"; bounds {M(b.Floor)}–{M(b.Ceiling)}");

    private static void Tail(StringBuilder text, object? policy, IEnumerable<string> warnings, IEnumerable<string> notes)
    {
        if (policy is PolicyResponse p)
        {
            text.AppendLine($"policy: {p.RegionName} ({p.Region}) {p.EntryId}, {p.EffectiveFrom:yyyy-MM-dd} – {p.EffectiveTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "open"}");
        }

        foreach (var w in warnings)
        {
            text.AppendLine($"warning: {w}");
        }

        foreach (var n in notes)
        {
            text.AppendLine($"note: {n}");
        }
    }

    public static IRenderable Contributions(ContributionsResponse r)
    {
        var lines = new Table { Border = TableBorder.None }
            .AddColumn(new TableColumn("insurance") { Padding = new Padding(0, 0, 4, 0) })
            .AddColumn(new TableColumn("employee") { Alignment = Justify.Right, Padding = new Padding(0, 0, 4, 0) })
            .AddColumn(new TableColumn("employer") { Alignment = Justify.Right, Padding = new Padding(0, 0, 3, 0) })
            .AddColumn(new TableColumn("") { Padding = new Padding(0) });
        foreach (var l in r.Lines)
        {
            lines.AddRow(new Text(l.Insurance.ToString().ToLowerInvariant()), new Text(Cell(l.Employee, l.EmployeeRate)), new Text(Cell(l.Employer, l.EmployerRate)), Text.Empty);
        }

        lines.AddRow(new Text("total"), new Text(M(r.Totals.Employee)), new Text(M(r.Totals.Employer)), new Text($"= {M(r.Totals.Total)}"));
        var text = new StringBuilder();
        foreach (var m in r.Missing)
        {
            text.AppendLine($"missing: {m.Field} ({m.Reason})");
        }

        Tail(text, r.Policy, r.Warnings, r.Notes);
        return new Rows([new Text(Base(r.Base)), lines, .. Lines(text)]);
    }

    public static IRenderable HousingFund(HousingFundResponse r)
    {
        var text = new StringBuilder().AppendLine(Base(r.Base))
            .AppendLine($"employee {M(r.Employee)} ({P(r.EmployeeRate)}), employer {M(r.Employer)} ({P(r.EmployerRate)}), total {M(r.Total)}; rounding {r.Rounding.ToString().ToLowerInvariant()}");
        Tail(text, r.Policy, r.Warnings, r.Notes);
        return new Rows(Lines(text));
    }

    public static IRenderable Pension(PensionResponse r)
    {
        var text = new StringBuilder()
            .AppendLine($"basic pension {M(r.BasicPension)} + personal-account pension {M(r.PersonalAccountPension)} (÷{r.Divisor}) = {M(r.Total)} per month")
            .AppendLine($"retirement age {r.RetirementAge.Years}y{r.RetirementAge.Months}m{(r.RetirementDate is null ? "" : $" in {r.RetirementDate}")}"
                + (r.MinimumYears is { } min ? $"; minimum years {min.Years}y{min.Months}m, eligible: {(r.Eligible == true ? "yes" : "no")}" : ""));
        Tail(text, r.Policy, r.Warnings, r.Notes);
        return new Rows(Lines(text));
    }

    public static IRenderable MedicalAccount(MedicalAccountResponse r)
    {
        var text = new StringBuilder().AppendLine(r.Known ? $"monthly credit {M(r.MonthlyCredit)}: {r.Basis}" : $"unknown: {r.Reason}");
        Tail(text, r.Policy, [], r.Notes);
        return new Rows(Lines(text));
    }

    public static IRenderable Outpatient(OutpatientResponse r) =>
        new Rows([.. r.Steps.Select(step => new Text(step)), new Text($"payable {M(r.Payable)}" + (r.CapReached ? " (annual cap reached)" : ""))]);

    private static IEnumerable<Text> Lines(StringBuilder text) =>
        text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(line => new Text(line));
}
