using System.Globalization;

namespace MedInsure.Benchmarks.Support;

/// <summary>CPU time and resident memory of another process, from /proc (Linux): the worker's and Azurite's.</summary>
internal static class ProcFs
{
    /// <summary>User and system CPU seconds of every thread the process has run, or NaN once it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the stat line (11 and 12 after the command), in ticks of 1/100 s.
            return (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Peak resident set since the process started (VmHWM), in bytes; -1 once it is gone.</summary>
    public static long PeakRssBytes(int pid) => Status(pid, "VmHWM:");

    /// <summary>Resident set now (VmRSS), in bytes; -1 once it is gone.</summary>
    public static long RssBytes(int pid) => Status(pid, "VmRSS:");

    private static long Status(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process has exited.
        }

        return -1;
    }
}
