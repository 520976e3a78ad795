using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// A throw-away in-memory Azurite (the repo's pinned npm package) on free loopback ports, for benchmarks. Same start
/// logic as the test suite's Azurite fixture (tests/MedInsure.Functions.Tests/Infrastructure/Azurite.cs).
/// </summary>
internal sealed class BenchAzurite : IAsyncDisposable
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process process;

    private BenchAzurite(Process process, int blobPort, int tablePort)
    {
        this.process = process;
        BlobPort = blobPort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int TablePort { get; }

    public int ProcessId => process.Id;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public static async Task<BenchAzurite> StartAsync()
    {
        var executable = Path.Combine(BenchPaths.RepoRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run `npm ci` in {BenchPaths.RepoRoot}.");
        }

        int blobPort = FreePort(), queuePort = FreePort(), tablePort = FreePort();
        // For profiling Azurite itself, e.g. BENCH_AZURITE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": node runs
        // Azurite's script with these arguments, and Azurite is stopped with SIGINT so node can write the profile.
        var nodeArgs = Environment.GetEnvironmentVariable("BENCH_AZURITE_NODE_ARGS");
        var info = new ProcessStartInfo(nodeArgs is null ? executable : "node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (nodeArgs is not null)
        {
            foreach (var arg in nodeArgs.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                info.ArgumentList.Add(arg);
            }

            info.ArgumentList.Add(Path.Combine(BenchPaths.RepoRoot, "node_modules", "azurite", "dist", "src", "azurite.js"));
        }

        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(arg);
        }

        // Benchmarks hold hundreds of thousands of rows in Azurite's heap.
        info.Environment["NODE_OPTIONS"] = "--max-old-space-size=8192";

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new BenchAzurite(process, blobPort, tablePort);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}");
            }

            if (await IsListeningAsync(blobPort) && await IsListeningAsync(tablePort))
            {
                return azurite;
            }

            await Task.Delay(100);
        }

        await azurite.DisposeAsync();
        throw new TimeoutException("Azurite did not start listening within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited && Environment.GetEnvironmentVariable("BENCH_AZURITE_NODE_ARGS") is not null)
        {
            Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class BenchPaths
{
    public static string RepoRoot { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MedInsure.Functions.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("MedInsure.Functions.sln not found above the working directory or the binaries: run from the repo.");
    }
}

/// <summary>Resident-set figures of this process from /proc (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set (VmHWM) in bytes, or -1 when /proc is not available.</summary>
    public static long PeakRssBytes() => Read("VmHWM:");

    public static long RssBytes() => Read("VmRSS:");

    private static long Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return -1;
        }

        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
