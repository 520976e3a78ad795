using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MedInsure.Testing.AzureLimits;

namespace MedInsure.Testing;

/// <summary>
/// A real Azurite (the npm package pinned in the repo's package.json) on free loopback ports. In memory by default;
/// with a folder it persists, so a test can stop and restart it to simulate a storage outage.
/// Tables are reached through <see cref="TableProxy"/>, which refuses what Azure Table Storage would; blobs through
/// <see cref="BlobProxy"/>; both let tests inject failures. Besides the emulator's own account it serves <see cref="SpareAccounts"/> more, handed out by <see cref="NewAccount"/>:
/// each app instance under test gets a storage account of its own, as in Azure, because the blob trigger watches the
/// fixed container <c>dumps</c>.
/// The table endpoint of every connection string it hands out is an <see cref="AzureTableProxy"/> that refuses what
/// Azure Table Storage would refuse, so nothing passes a test that the real service would turn down; blobs and queues
/// go to Azurite directly. The proxy lives as long as this Azurite: while it is stopped, the proxy answers 502.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    public const string DefaultAccount = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private const int SpareAccounts = 400;

    private readonly string? location;
    private Process? process;
    private AzureTableProxy? tableProxy;
    private AzureTableProxy? blobProxy;
    private int accountsHandedOut;

    private Azurite(string? location)
    {
        this.location = location;
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
    }

    public int BlobPort { get; }
    public int QueuePort { get; }

    /// <summary>Azurite's own table port; clients reach it through <see cref="TableProxy"/>.</summary>
    public int TablePort { get; }

    /// <summary>The Azure-limits proxy in front of the table endpoint, with what passed through it.</summary>
    public AzureTableProxy TableProxy => tableProxy ?? throw new InvalidOperationException("Azurite has not been started.");

    /// <summary>Forwards the blob endpoint unchanged but for the faults tests inject (Azure's blob limits are not modelled).</summary>
    public AzureTableProxy BlobProxy => blobProxy ?? throw new InvalidOperationException("Azurite has not been started.");

    /// <summary>The emulator's own account.</summary>
    public string ConnectionString => ConnectionStringFor(DefaultAccount, AccountKey);

    /// <summary>A connection string for an account no one else in this process was given.</summary>
    public string NewAccount()
    {
        var n = Interlocked.Increment(ref accountsHandedOut);
        if (n > SpareAccounts)
        {
            throw new InvalidOperationException($"All {SpareAccounts} spare Azurite accounts are in use: raise Azurite.SpareAccounts.");
        }

        var name = SpareAccountName(n);
        return ConnectionStringFor(name, SpareAccountKey(name));
    }

    private string ConnectionStringFor(string account, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobProxy.Port}/{account};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{account};" +
        $"TableEndpoint=http://127.0.0.1:{TableProxy.Port}/{account};";

    private static string SpareAccountName(int n) => $"test{n:D4}";

    // Derived from the name, so a restarted Azurite (outage tests) accepts the same keys.
    private static string SpareAccountKey(string name) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(System.Text.Encoding.UTF8.GetBytes(name)));

    private static string AccountsVariable() => string.Join(';',
        new[] { $"{DefaultAccount}:{AccountKey}" }.Concat(Enumerable.Range(1, SpareAccounts).Select(n => $"{SpareAccountName(n)}:{SpareAccountKey(SpareAccountName(n))}")));

    public static async Task<Azurite> StartAsync(string? persistTo = null)
    {
        var azurite = new Azurite(persistTo);
        azurite.tableProxy = await AzureTableProxy.StartAsync(azurite.TablePort);
        azurite.blobProxy = await AzureTableProxy.StartAsync(azurite.BlobPort, tableRules: false);
        try
        {
            await azurite.StartProcessAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            // SIGTERM lets Azurite flush its metadata to disk, as a storage service coming back after an outage would have it.
            _ = Kill(process.Id, 15);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process?.Dispose();
        process = null;
    }

    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (tableProxy is not null)
        {
            await tableProxy.DisposeAsync();
        }

        if (blobProxy is not null)
        {
            await blobProxy.DisposeAsync();
        }
    }

    private async Task StartProcessAsync()
    {
        var executable = Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}: run `npm ci` in {RepoPaths.Root} (the test command in README.md does).");
        }

        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["AZURITE_ACCOUNTS"] = AccountsVariable();
        foreach (var arg in new[]
        {
            "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
        })
        {
            info.ArgumentList.Add(arg);
        }

        if (location is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(location);
        }

        process = Process.Start(info) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited at start with code {process.ExitCode}");
            }

            if (await IsListeningAsync(BlobPort) && await IsListeningAsync(TablePort))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Azurite did not start listening within 90 s");
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

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
