using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedInsure.Calculations;
using MedInsure.Articles.Calculations;
using MedInsure.Functions.Calculations;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Cli;

/// <summary>
/// <c>calc &lt;kind&gt; [--field value ...] [--json]</c>: the /api/calc calculators offline. Options are the request's JSON
/// fields in kebab-case; they are assembled into the same JSON body and go through the same checks, so the output equals
/// the API's response. Pure: no storage.
/// </summary>
internal static class CalcCommand
{
    private const string Usage = """
        usage: calc <contributions|housing-fund|pension|medical-account|outpatient> [--field value ...] [--json]
          Runs a calculator offline (no storage) and prints a summary, or with --json the same JSON as POST /api/calc/<kind>.
          Options are the request fields in kebab-case (--average-wage 7500, or --average-wage=7500); see Calculations/README.md.
          contributions    --base N [--region CODE] [--date yyyy-MM-dd] [--average-wage N] [--medical-employee-add-on N]
                           [--rate INSURANCE=EMPLOYEE/EMPLOYER ...]   e.g. --rate pension=8/16 --rate unemployment=0.5/
          housing-fund     --base N --employee-rate P --employer-rate P [--region CODE] [--date D] [--floor N] [--ceiling N]
                           [--city-average-wage N] [--rounding fen|yuan]
          pension          --years N --personal-account-balance N (--pension-base N | --region CODE --year Y)
                           (--average-index X | --history BASE:AVERAGE ...) (--retirement-age 60|61y7m | --birth-date D --category male|female-cadre|female-worker)
          medical-account  (--base N | --retired) [--region CODE] [--date D]
          outpatient       --eligible-spend N --deductible N --ratio P --annual-cap N [--deductible-used N] [--paid-so-far N]
        exit codes: 0 computed, 1 invalid input (field and reason on stderr), 2 usage error
        """;

    private sealed record Kind(Type Request, Func<CalculationService, JsonObject, object> Run, Func<object, string> Summary);

    private static readonly Dictionary<string, Kind> Kinds = new(StringComparer.Ordinal)
    {
        ["contributions"] = Make<ContributionsRequest, ContributionsResponse>((s, r) => s.Contributions(r), Summaries.Contributions),
        ["housing-fund"] = Make<MedInsure.Articles.Calculations.HousingFundRequest, HousingFundResponse>((s, r) => s.HousingFund(r), Summaries.HousingFund),
        ["pension"] = Make<MedInsure.Articles.Calculations.PensionRequest, PensionResponse>((s, r) => s.Pension(r), Summaries.Pension),
        ["medical-account"] = Make<MedInsure.Articles.Calculations.MedicalAccountRequest, MedicalAccountResponse>((s, r) => s.MedicalAccount(r), Summaries.MedicalAccount),
        ["outpatient"] = Make<MedInsure.Articles.Calculations.OutpatientRequest, OutpatientResponse>((s, r) => s.Outpatient(r), Summaries.Outpatient),
    };

    private static readonly Lazy<RegionGazetteer> Gazetteer = new(RegionGazetteer.LoadDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["-h" or "--help", ..] || args.Contains("--help"))
        {
            await stdout.WriteLineAsync(Usage);
            return CommandLine.Ok;
        }

        if (args.Length == 0 || !Kinds.TryGetValue(args[0], out var kind))
        {
            await stderr.WriteLineAsync((args.Length == 0 ? "calc: missing calculator\n" : $"calc: unknown calculator '{args[0]}'\n") + Usage);
            return CommandLine.UsageError;
        }

        if (!TryBuildBody(kind.Request, args[1..], out var body, out var json, out var usageError))
        {
            await stderr.WriteLineAsync($"calc {args[0]}: {usageError}\n{Usage}");
            return CommandLine.UsageError;
        }

        object response;
        try
        {
            response = kind.Run(new CalculationService(Gazetteer, TimeProvider.System), body);
        }
        catch (CalculationValidationException ex)
        {
            await stderr.WriteLineAsync($"calc {args[0]}: {ex.Field}: {ex.Message}");
            return CommandLine.InputRejected;
        }

        await stdout.WriteLineAsync(json ? JsonSerializer.Serialize(response, response.GetType(), CalcJson.Options) : kind.Summary(response));
        return CommandLine.Ok;
    }

    private static Kind Make<TRequest, TResponse>(Func<CalculationService, TRequest, TResponse> run, Func<TResponse, string> summary)
        where TRequest : class
        where TResponse : notnull =>
        new(typeof(TRequest), (service, body) => run(service, CalcJson.Read<TRequest>(JsonSerializer.SerializeToElement(body, CalcJson.Options))), r => summary((TResponse)r));

    /// <summary>Turns <c>--kebab-name value</c> pairs into the request's JSON body, typed by the request's properties.</summary>
    private static bool TryBuildBody(Type request, string[] args, out JsonObject body, out bool json, out string error)
    {
        body = [];
        json = false;
        error = "";
        var properties = request.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => Kebab(p.Name), StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == "--json")
            {
                json = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }

            var name = arg[2..];
            string? value = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            // --rate is repeatable, one insurance each: the singular reads better than the JSON field's name.
            if (!properties.TryGetValue(name == "rate" ? "rates" : name, out var property))
            {
                error = $"unknown option '--{name}'";
                return false;
            }

            var key = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type == typeof(bool) && value is null)
            {
                body[key] = true;
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"option '--{name}' needs a value";
                    return false;
                }

                value = args[++i];
            }

            if (key == "rates")
            {
                if (!AddRate(body, value, out error))
                {
                    return false;
                }
            }
            else if (key == "history")
            {
                var parts = value.Split(':');
                if (parts.Length != 2)
                {
                    error = $"--history takes BASE:AVERAGE_WAGE, got '{value}'";
                    return false;
                }

                var history = body["history"] as JsonArray ?? [];
                history.Add(new JsonObject { ["base"] = Scalar(parts[0], typeof(decimal)), ["averageWage"] = Scalar(parts[1], typeof(decimal)) });
                body["history"] = history;
            }
            else
            {
                body[key] = Scalar(value, type);
            }
        }

        return true;
    }

    // --rate pension=8/16: either side may be left empty (--rate unemployment=0.5/).
    private static bool AddRate(JsonObject body, string value, out string error)
    {
        error = "";
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var insurance = eq > 0 ? value[..eq] : "";
        if (eq <= 0 || slash < eq || !Enum.GetNames<Insurance>().Any(n => n.Equals(insurance, StringComparison.OrdinalIgnoreCase)))
        {
            error = $"--rate takes INSURANCE=EMPLOYEE/EMPLOYER with INSURANCE one of pension, medical, unemployment, injury, maternity; got '{value}'";
            return false;
        }

        var rates = body["rates"] as JsonObject ?? [];
        var pair = new JsonObject();
        var employee = value[(eq + 1)..slash];
        var employer = value[(slash + 1)..];
        if (employee.Length > 0)
        {
            pair["employee"] = Scalar(employee, typeof(decimal));
        }

        if (employer.Length > 0)
        {
            pair["employer"] = Scalar(employer, typeof(decimal));
        }

        rates[insurance.ToLowerInvariant()] = pair;
        body["rates"] = rates;
        return true;
    }

    // Numbers go in as JSON numbers; anything that does not parse goes in as text, so the shared checks report the field (exit 1).
    private static JsonNode? Scalar(string value, Type type) =>
        (type == typeof(decimal) || type == typeof(int)) && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : type == typeof(bool) && bool.TryParse(value, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(value);

    private static string Kebab(string pascal)
    {
        var text = new StringBuilder();
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static class Summaries
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

        public static string Contributions(ContributionsResponse r)
        {
            var text = new StringBuilder().AppendLine(Base(r.Base));
            text.AppendLine($"{"insurance",-13}{"employee",16}{"employer",16}");
            foreach (var l in r.Lines)
            {
                text.AppendLine($"{l.Insurance.ToString().ToLowerInvariant(),-13}{Cell(l.Employee, l.EmployeeRate),16}{Cell(l.Employer, l.EmployerRate),16}");
            }

            text.AppendLine($"{"total",-13}{M(r.Totals.Employee),16}{M(r.Totals.Employer),16}   = {M(r.Totals.Total)}");
            foreach (var m in r.Missing)
            {
                text.AppendLine($"missing: {m.Field} ({m.Reason})");
            }

            Tail(text, r.Policy, r.Warnings, r.Notes);
            return text.ToString().TrimEnd();
        }

        public static string HousingFund(HousingFundResponse r)
        {
            var text = new StringBuilder().AppendLine(Base(r.Base))
                .AppendLine($"employee {M(r.Employee)} ({P(r.EmployeeRate)}), employer {M(r.Employer)} ({P(r.EmployerRate)}), total {M(r.Total)}; rounding {r.Rounding.ToString().ToLowerInvariant()}");
            Tail(text, r.Policy, r.Warnings, r.Notes);
            return text.ToString().TrimEnd();
        }

        public static string Pension(PensionResponse r)
        {
            var text = new StringBuilder()
                .AppendLine($"basic pension {M(r.BasicPension)} + personal-account pension {M(r.PersonalAccountPension)} (÷{r.Divisor}) = {M(r.Total)} per month")
                .AppendLine($"retirement age {r.RetirementAge.Years}y{r.RetirementAge.Months}m{(r.RetirementDate is null ? "" : $" in {r.RetirementDate}")}"
                    + (r.MinimumYears is { } min ? $"; minimum years {min.Years}y{min.Months}m, eligible: {(r.Eligible == true ? "yes" : "no")}" : ""));
            Tail(text, r.Policy, r.Warnings, r.Notes);
            return text.ToString().TrimEnd();
        }

        public static string MedicalAccount(MedicalAccountResponse r)
        {
            var text = new StringBuilder().AppendLine(r.Known ? $"monthly credit {M(r.MonthlyCredit)}: {r.Basis}" : $"unknown: {r.Reason}");
            Tail(text, r.Policy, [], r.Notes);
            return text.ToString().TrimEnd();
        }

        public static string Outpatient(OutpatientResponse r) =>
            string.Join('\n', r.Steps) + $"\npayable {M(r.Payable)}" + (r.CapReached ? " (annual cap reached)" : "");
    }
}
