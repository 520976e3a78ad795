using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MedInsure.Cli;

// Progress bars on stderr: live on a terminal, a few plain "Uploading: 50%" lines anywhere else.
internal static class ProgressDisplay
{
    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<ProgressContext, Task<T>> work) => Bars(console).StartAsync(work);

    public static Task RunAsync(IAnsiConsole console, Func<ProgressContext, Task> work) => Bars(console).StartAsync(work);

    // Reports straight into the task (a Progress<T> would post each report to the thread pool).
    public static IProgress<int> Reporter(this ProgressTask task) => new TaskProgress(task);

    private sealed class TaskProgress(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }

    private static Progress Bars(IAnsiConsole console) =>
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new CountColumn());

    // "3/10": how many of how many, as the old bars showed.
    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }
}
