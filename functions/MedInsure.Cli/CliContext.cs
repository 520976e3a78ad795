using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MedInsure.Cli;

internal sealed class CliContext(TextWriter stdout, TextWriter stderr, TextReader stdin, IReadOnlyDictionary<string, string?>? settings)
{
    public TextWriter Stdout => stdout;

    public TextWriter Stderr => stderr;

    public TextReader Stdin => stdin;

    public IAnsiConsole Out => field ??= Consoles.Over(stdout, ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);

    public IAnsiConsole Err => field ??= Consoles.Over(stderr, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);

    public ServiceProvider BuildServices() => CommandServices.Build(settings);

    public int UsageError(Command command, string problem)
    {
        stderr.WriteLine($"{Usage.PathOf(command)}: {problem}");
        Usage.Write(command, stderr, Err);
        return ExitCodes.UsageError;
    }
}

internal static class Consoles
{
    // Wide enough that no table row or help line wraps when the output is a file or a pipe.
    private const int RedirectedWidth = short.MaxValue;

    // A console over a writer: the terminal's capabilities on a terminal; no ANSI, no colours and no live
    // display anywhere else (then progress is a few plain lines).
    public static IAnsiConsole Over(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!terminal)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    // Writes a table or grid as plain lines. Spectre pads every cell to its column's width, the last one too;
    // the trailing blanks are dropped so that redirected output and files carry none.
    public static void WriteTrimmed(this IAnsiConsole console, IRenderable renderable)
    {
        var writer = console.Profile.Out.Writer;
        foreach (var line in Segment.SplitLines(renderable.GetSegments(console)))
        {
            writer.WriteLine(string.Concat(line.Select(segment => segment.Text)).TrimEnd());
        }
    }
}
