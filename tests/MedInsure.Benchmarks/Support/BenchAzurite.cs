using System.Globalization;
using MedInsure.Testing;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// The tests' Azurite with what the benchmarks need on top: room in node's heap for the millions of rows they write,
/// and the emulator's process id, for its CPU time.
/// </summary>
internal static class BenchAzurite
{
    public static Task<Azurite> StartAsync()
    {
        // Azurite is the only node process the benchmarks start, and it inherits this process's environment.
        var options = Environment.GetEnvironmentVariable("NODE_OPTIONS");
        if (options?.Contains("--max-old-space-size", StringComparison.Ordinal) != true)
        {
            Environment.SetEnvironmentVariable("NODE_OPTIONS", $"--max-old-space-size=8192 {options}".Trim());
        }

        return Azurite.StartAsync();
    }

    /// <summary>The node process serving this Azurite, found by the table port on its command line (Linux).</summary>
    public static int ProcessIdOf(Azurite azurite)
    {
        var port = azurite.TablePort.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                var flag = Array.IndexOf(arguments, "--tablePort");
                if (flag >= 0 && flag + 1 < arguments.Length && arguments[flag + 1] == port)
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A process that exited while being looked at, or another user's.
            }
        }

        throw new InvalidOperationException($"no process serves Azurite's table port {port}");
    }
}
