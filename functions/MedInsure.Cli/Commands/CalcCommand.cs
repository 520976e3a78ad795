using System.CommandLine;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MedInsure.Articles.Calculations;
using MedInsure.Tagging.Regions;
using Spectre.Console.Rendering;
using CalculationValidationException = MedInsure.Calculations.CalculationValidationException;
using Insurance = MedInsure.Calculations.Insurance;

namespace MedInsure.Cli.Commands;

// calc <calculator> [--field value ...] [--json]: the /api/calc calculators offline. The options are the
// request's JSON fields in kebab-case; their values are assembled into the same JSON body and go through the same
// checks, so the output equals the API's response. Pure: no storage.
internal static class CalcCommand
{
    private sealed record Calculator(string Name, Type Request, string Description, string Synopsis, Func<CalculationService, JsonObject, object> Run, Func<object, IRenderable> Summary);

    private static readonly Calculator[] Calculators =
    [
        Make<ContributionsRequest, ContributionsResponse>("contributions", "Social insurance contributions of employee and employer on a monthly base.",
            "--base N [--region CODE] [--date yyyy-MM-dd] [--average-wage N] [--medical-employee-add-on N] [--rate INSURANCE=EMPLOYEE/EMPLOYER ...] [--json]",
            (s, r) => s.Contributions(r), CalcSummaries.Contributions),
        Make<HousingFundRequest, HousingFundResponse>("housing-fund", "Housing provident fund deposits of employee and employer.",
            "--base N --employee-rate N --employer-rate N [--region CODE] [--date yyyy-MM-dd] [--floor N] [--ceiling N] [--city-average-wage N] [--rounding fen|yuan] [--json]",
            (s, r) => s.HousingFund(r), CalcSummaries.HousingFund),
        Make<PensionRequest, PensionResponse>("pension", "Monthly pension at retirement: basic pension plus personal-account pension.",
            "--years N --personal-account-balance N (--pension-base N | --region CODE --year N) (--average-index N | --history BASE:AVERAGE ...) "
            + "(--retirement-age 60|61y7m | --birth-date yyyy-MM-dd --category male|female-cadre|female-worker) [--json]",
            (s, r) => s.Pension(r), CalcSummaries.Pension),
        Make<MedicalAccountRequest, MedicalAccountResponse>("medical-account", "Monthly credit to the medical insurance personal account.",
            "(--base N | --retired) [--region CODE] [--date yyyy-MM-dd] [--json]",
            (s, r) => s.MedicalAccount(r), CalcSummaries.MedicalAccount),
        Make<OutpatientRequest, OutpatientResponse>("outpatient", "What the pool pays of one outpatient claim: deductible, ratio and annual cap.",
            "--eligible-spend N --deductible N --ratio N --annual-cap N [--deductible-used N] [--paid-so-far N] [--json]",
            (s, r) => s.Outpatient(r), CalcSummaries.Outpatient),
    ];

    private static readonly Lazy<RegionGazetteer> Gazetteer = new(RegionGazetteer.LoadDefault, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Command Create(CliContext cli)
    {
        var calc = new CliCommand("calc", """
            Runs a calculator offline (no storage): a summary, or with --json the API's JSON.
            --json prints the same JSON as POST /api/calc/<calculator>. Options are the request's fields in kebab-case
            (--average-wage 7500, or --average-wage=7500); see functions/MedInsure.Articles/Calculations/README.md.
            Exit codes: 0 computed, 1 invalid input (field and reason on stderr), 2 usage error.
            """)
        {
            Noun = "calculator",
        };
        foreach (var calculator in Calculators)
        {
            calc.Subcommands.Add(Create(cli, calculator));
        }

        return calc;
    }

    private static Command Create(CliContext cli, Calculator calculator)
    {
        var json = new Option<bool>("--json") { Description = $"print the same JSON as POST /api/calc/{calculator.Name}" };
        var fields = calculator.Request.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Option: FieldOption(p), Property: p)).ToList();
        var command = new CliCommand(calculator.Name, calculator.Description) { Synopsis = calculator.Synopsis };
        foreach (var (option, _) in fields)
        {
            command.Options.Add(option);
        }

        command.Options.Add(json);
        command.SetAction(result =>
        {
            var body = new JsonObject();
            foreach (var (option, property) in fields)
            {
                if (result.GetResult(option) is { } given)
                {
                    AddField(body, property, option, given.Tokens.Select(t => t.Value).ToList(), result);
                }
            }

            object response;
            try
            {
                response = calculator.Run(new CalculationService(Gazetteer, TimeProvider.System), body);
            }
            catch (CalculationValidationException ex)
            {
                cli.Stderr.WriteLine($"calc {calculator.Name}: {ex.Field}: {ex.Message}");
                return ExitCodes.Failed;
            }

            if (result.GetValue(json))
            {
                cli.Stdout.WriteLine(JsonSerializer.Serialize(response, response.GetType(), CalcJson.Options));
            }
            else
            {
                cli.Out.WriteTrimmed(calculator.Summary(response));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Calculator Make<TRequest, TResponse>(string name, string description, string synopsis, Func<CalculationService, TRequest, TResponse> run, Func<TResponse, IRenderable> summary)
        where TRequest : class
        where TResponse : notnull =>
        new(name, typeof(TRequest), description, synopsis,
            (service, body) => run(service, CalcJson.Read<TRequest>(JsonSerializer.SerializeToElement(body, CalcJson.Options))),
            response => summary((TResponse)response));

    // The option for one request field: --kebab-name; values stay text until the body is built, so a bad
    // number reaches the shared checks, which name the field (exit 1) exactly as the API does.
    private static Option FieldOption(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
        switch (property.Name)
        {
            // Repeatable, one insurance or year each: the singular reads better than the JSON field's name.
            case nameof(ContributionsRequest.Rates):
                var rate = new Option<string[]>("--rate") { HelpName = "INSURANCE=EMPLOYEE/EMPLOYER", Description = description + "; e.g. --rate pension=8/16 --rate unemployment=0.5/" };
                rate.Validators.Add(result => Check(result, v => TryParseRate(v, out _, out _, out _)
                    ? null
                    : $"--rate takes INSURANCE=EMPLOYEE/EMPLOYER with INSURANCE one of pension, medical, unemployment, injury, maternity; got '{v}'"));
                return rate;
            case nameof(PensionRequest.History):
                var history = new Option<string[]>("--history") { HelpName = "BASE:AVERAGE", Description = description + "; one --history per year" };
                history.Validators.Add(result => Check(result, v => v.Split(':').Length == 2 ? null : $"--history takes BASE:AVERAGE_WAGE, got '{v}'"));
                return history;
        }

        var name = "--" + Kebab(property.Name);
        return type == typeof(bool)
            ? new Option<bool>(name) { Description = description }
            : new Option<string>(name) { HelpName = HelpNameOf(property.Name, type), Description = description };
    }

    private static void Check(System.CommandLine.Parsing.OptionResult result, Func<string, string?> problem)
    {
        if (result.Tokens.Select(t => problem(t.Value)).FirstOrDefault(p => p is not null) is { } first)
        {
            result.AddError(first);
        }
    }

    private static string HelpNameOf(string property, Type type) =>
        type == typeof(decimal) || type == typeof(int) ? "N"
        : type == typeof(DateOnly) ? "yyyy-MM-dd"
        : type == typeof(RetirementAgeInput) ? "60|61y7m"
        : type.IsEnum ? string.Join('|', type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name))
        : property.EndsWith("Region", StringComparison.Ordinal) ? "CODE"
        : "TEXT";

    private static void AddField(JsonObject body, PropertyInfo property, Option option, List<string> values, ParseResult result)
    {
        var key = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        switch (key)
        {
            case "rates":
                var rates = new JsonObject();
                foreach (var value in values)
                {
                    TryParseRate(value, out var insurance, out var employee, out var employer);
                    var pair = new JsonObject();
                    if (employee.Length > 0)
                    {
                        pair["employee"] = Scalar(employee, typeof(decimal));
                    }

                    if (employer.Length > 0)
                    {
                        pair["employer"] = Scalar(employer, typeof(decimal));
                    }

                    rates[insurance] = pair;
                }

                body[key] = rates;
                break;
            case "history":
                body[key] = new JsonArray([.. values.Select(v => v.Split(':')).Select(p => new JsonObject
                {
                    ["base"] = Scalar(p[0], typeof(decimal)),
                    ["averageWage"] = Scalar(p[1], typeof(decimal)),
                })]);
                break;
            default:
                body[key] = type == typeof(bool) ? JsonValue.Create(result.GetValue((Option<bool>)option)) : Scalar(values[0], type);
                break;
        }
    }

    // --rate pension=8/16: either side may be left empty (--rate unemployment=0.5/).
    private static bool TryParseRate(string value, out string insurance, out string employee, out string employer)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var name = eq > 0 ? value[..eq] : "";
        var valid = eq > 0 && slash > eq && Enum.GetNames<Insurance>().Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        insurance = valid ? name.ToLowerInvariant() : "";
        employee = valid ? value[(eq + 1)..slash] : "";
        employer = valid ? value[(slash + 1)..] : "";
        return valid;
    }

    // Numbers go in as JSON numbers; anything that does not parse goes in as text, so the shared checks report the field (exit 1).
    private static JsonNode? Scalar(string value, Type type) =>
        (type == typeof(decimal) || type == typeof(int)) && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);

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
}
