using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MedInsure.LocalHost;

/// <summary>The worker's OS process: started with the host's arguments, its console forwarded to the log, never left behind.</summary>
internal sealed class WorkerProcess : IDisposable
{
    // Every worker still running, so a host that exits without disposing still takes them down.
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _keeperRelease;

    static WorkerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillAll();
    }

    private WorkerProcess(Process process, ILogger logger, ManualResetEventSlim keeperRelease)
    {
        _process = process;
        _logger = logger;
        _keeperRelease = keeperRelease;
        Id = process.Id;
        Exited = WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes with the exit code when the process has exited.</summary>
    public Task<int> Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public static WorkerProcess Start(
        WorkerDescription description,
        string appDirectory,
        IReadOnlyList<string> hostArguments,
        IReadOnlyDictionary<string, string?> environment,
        bool inheritEnvironment,
        ILoggerFactory loggerFactory)
    {
        var executable = ResolveExecutable(description.ExecutablePath);
        var startInfo = new ProcessStartInfo(ParentDeathWrapper ?? executable)
        {
            WorkingDirectory = appDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        if (ParentDeathWrapper is not null)
        {
            foreach (var argument in new[] { "--pdeathsig", "KILL", "--", executable })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in description.ExecutableArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (description.WorkerPath is not null)
        {
            startInfo.ArgumentList.Add(description.WorkerPath);
        }

        foreach (var argument in description.WorkerArguments.Concat(hostArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (!inheritEnvironment)
        {
            startInfo.Environment.Clear();
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var logger = loggerFactory.CreateLogger("MedInsure.LocalHost.Worker");
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.WorkerStdout(logger, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log.WorkerStderr(logger, e.Data);
            }
        };

        var keeperRelease = new ManualResetEventSlim();
        var error = StartOnKeeperThread(process, keeperRelease);
        if (error is not null)
        {
            process.Dispose();
            keeperRelease.Dispose();
            throw new LocalHostStartException($"Could not start the worker '{startInfo.FileName}': {error.Message}", error);
        }

        Running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Log.WorkerStarted(logger, process.Id, startInfo.FileName, string.Join(' ', startInfo.ArgumentList));
        return new WorkerProcess(process, logger, keeperRelease);
    }

    // On Linux the worker is started through setpriv with a parent-death signal, so even a host killed with SIGKILL
    // (which no .NET handler sees) takes its worker down. setpriv execs the worker, so the pid stays the worker's.
    private static readonly string? ParentDeathWrapper =
        OperatingSystem.IsLinux() ? new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists) : null;

    // The parent-death signal fires when the *thread* that forked the child ends, and thread-pool threads do end;
    // so the worker is forked from a dedicated thread that stays parked until the worker has exited.
    private static Exception? StartOnKeeperThread(Process process, ManualResetEventSlim release)
    {
        Exception? error = null;
        using var started = new ManualResetEventSlim();
        var keeper = new Thread(() =>
        {
            try
            {
                process.Start();
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                error = ex;
            }

            started.Set();
            if (error is null)
            {
                release.Wait();
            }
        })
        {
            IsBackground = true,
            Name = "worker-parent",
        };
        keeper.Start();
        started.Wait();
        return error;
    }

    /// <summary>Waits for the process to exit by itself, then kills its whole tree.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        try
        {
            await Exited.WaitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Log.WorkerKilled(_logger, Id, wait.TotalSeconds);
            Kill();
            await Exited.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (!HasExited)
        {
            Kill();
        }

        Running.TryRemove(Id, out _);
        _keeperRelease.Set();
        _process.Dispose();
    }

    private async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        Running.TryRemove(Id, out _);
        _keeperRelease.Set();
        return _process.ExitCode;
    }

    // "dotnet" means the runtime this host runs on when the host itself runs under dotnet.
    private static string ResolveExecutable(string executable)
    {
        if (!string.Equals(executable, "dotnet", StringComparison.Ordinal))
        {
            return executable;
        }

        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.Ordinal))
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath : executable;
    }

    private static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
            {
                // Best effort while the host goes down.
            }
        }
    }
}
