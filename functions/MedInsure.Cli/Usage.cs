using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Spectre.Console;

namespace MedInsure.Cli;

// The usage of a command, built from its own arguments and options (so it cannot drift from what the parser accepts),
// and the one usage error a parse reports, worded for people.
internal static class Usage
{
    // "stats export", or the program's name for the root.
    public static string PathOf(Command command) => command is RootCommand
        ? CliApp.ProgramName
        : string.Join(' ', Lineage(command).Where(c => c is not RootCommand).Reverse().Select(c => c.Name));

    public static void Write(Command command, TextWriter writer, IAnsiConsole console)
    {
        // A subcommand's usage starts with its family's, as `calc contributions` is one of `calc <...>`.
        var prefix = "usage: ";
        if (ParentOf(command) is { } parent and not RootCommand)
        {
            writer.WriteLine(prefix + Synopsis(parent));
            prefix = "       ";
        }

        writer.WriteLine(prefix + Synopsis(command));
        foreach (var line in (command.Description ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            writer.WriteLine("  " + line.TrimEnd());
        }

        writer.WriteLine();
        var rows = new Grid()
            .AddColumn(new GridColumn { NoWrap = true, Padding = new Padding(2, 0, 2, 0) })
            .AddColumn(new GridColumn { Padding = new Padding(0) });
        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            rows.AddRow(new Text(argument.HelpName ?? argument.Name), new Text(argument.Description ?? ""));
        }

        foreach (var subcommand in command.Subcommands.Where(c => !c.Hidden))
        {
            rows.AddRow(new Text(subcommand.Name), new Text((subcommand.Description ?? "").Split('\n')[0]));
        }

        foreach (var option in OptionsOf(command))
        {
            rows.AddRow(new Text(Label(option)), new Text(option.Description ?? ""));
        }

        console.WriteTrimmed(rows);
    }

    public static string? FindError(ParseResult result)
    {
        var command = result.CommandResult.Command;
        if (command.Subcommands.Count > 0)
        {
            var noun = command is CliCommand { Noun: { } n } ? n : "command";
            return result.UnmatchedTokens is [var first, ..]
                ? IsOptionLike(first) ? $"unknown option '{first}'" : $"unknown {noun} '{first}'"
                : $"missing {noun}";
        }

        if (result.UnmatchedTokens is [var token, ..])
        {
            return IsOptionLike(token) ? $"unknown option '{token}'" : $"unexpected argument '{token}'";
        }

        // A word that matches no option is taken as an argument; before "--" one that starts with '-' is a mistyped option.
        var literal = result.Tokens.SkipWhile(t => t.Type != TokenType.DoubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var argument in command.Arguments)
        {
            if (result.GetResult(argument)?.Tokens.FirstOrDefault(t => IsOptionLike(t.Value) && !literal.Contains(t)) is { } stray)
            {
                return $"unknown option '{stray.Value}'";
            }
        }

        return result.Errors.Select(error => error.SymbolResult switch
        {
            OptionResult { Option: var option, IdentifierToken: null } when option.Required => $"{Term(option)} is required",
            OptionResult { Option: var option, Tokens.Count: 0, IdentifierToken: { } name } when option.Arity.MinimumNumberOfValues > 0 =>
                $"option '{name.Value}' needs a value",
            ArgumentResult { Argument: var argument, Tokens.Count: 0 } when argument.Arity.MinimumNumberOfValues > 0 => $"no {argument.Name} given",
            _ => error.Message,
        }).FirstOrDefault();
    }

    private static string Synopsis(Command command)
    {
        if (command is CliCommand { Synopsis: { } synopsis })
        {
            return $"{PathOf(command)} {synopsis}";
        }

        var parts = new List<string> { PathOf(command) };
        if (command.Subcommands.Count > 0)
        {
            parts.Add($"<{string.Join('|', command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}>");
            parts.Add("[options]");
        }

        foreach (var option in command.Options.Where(o => !o.Hidden && o is not (HelpOption or VersionOption)))
        {
            var term = option.Required ? Term(option) : $"[{Term(option)}]";
            parts.Add(option.Arity.MaximumNumberOfValues > 1 ? term + "..." : term);
        }

        foreach (var argument in command.Arguments.Where(a => !a.Hidden))
        {
            var term = (argument.HelpName ?? argument.Name) + (argument.Arity.MaximumNumberOfValues > 1 ? "..." : "");
            parts.Add(argument.Arity.MinimumNumberOfValues == 0 ? $"[{term}]" : term);
        }

        return string.Join(' ', parts);
    }

    // The command's options, then those it inherits (--help), help and version last.
    private static IEnumerable<Option> OptionsOf(Command command) => command.Options
        .Concat(Lineage(command).Skip(1).SelectMany(c => c.Options).Where(o => o.Recursive))
        .Where(o => !o.Hidden)
        .Distinct()
        .OrderBy(o => o is HelpOption or VersionOption ? 1 : 0);

    // "-h, --help"; the parser's Windows-style aliases (/?, /h, -?) work but are not advertised.
    private static string Label(Option option)
    {
        var names = option.Aliases.Prepend(option.Name)
            .Where(n => n.StartsWith("--", StringComparison.Ordinal) || n is ['-', var letter] && char.IsLetter(letter))
            .Distinct()
            .OrderBy(n => n.Length);
        return Term(option, string.Join(", ", names));
    }

    private static string Term(Option option, string? name = null) =>
        TakesValue(option) ? $"{name ?? option.Name} {option.HelpName ?? "VALUE"}" : name ?? option.Name;

    private static bool TakesValue(Option option) => option.Arity.MaximumNumberOfValues > 0 && option.ValueType != typeof(bool);

    private static bool IsOptionLike(string token) => token.Length > 1 && token[0] == '-';

    private static IEnumerable<Command> Lineage(Command command)
    {
        for (var c = command; c is not null; c = ParentOf(c))
        {
            yield return c;
        }
    }

    private static Command? ParentOf(Command command) => command.Parents.OfType<Command>().FirstOrDefault();
}
