using System.CommandLine;

namespace MedInsure.Cli;

// A command with what its usage cannot derive from its options.
internal sealed class CliCommand(string name, string description) : Command(name, description)
{
    // For a command of subcommands: what one is called in errors ("missing calculator").
    public string? Noun { get; init; }

    // Replaces the synopsis built from the options, for rules they cannot express ("--base N | --retired").
    public string? Synopsis { get; init; }
}
