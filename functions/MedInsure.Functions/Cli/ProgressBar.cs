namespace MedInsure.Functions.Cli;

/// <summary>A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal (logs stay clean).</summary>
internal sealed class ProgressBar(TextWriter output, string label, int total)
{
    private readonly bool interactive = !Console.IsErrorRedirected;
    private int lastDrawn = -1;

    public void Report(int done)
    {
        if (!interactive || done == lastDrawn)
        {
            return;
        }

        lastDrawn = done;
        const int width = 30;
        var filled = total == 0 ? width : (int)Math.Round(width * (double)done / total);
        output.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
        if (done >= total)
        {
            output.WriteLine();
        }
    }
}
