using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using MedInsure.LocalHost;

namespace MedInsure.Functions.Tests.Hosting;

/// <summary>The local Functions host with the real app: keys and routing as the host enforces them, the blob
/// trigger's retries and poison queue, and a shutdown that takes the worker with it.</summary>
public sealed class LocalHostTests(AzuriteFixture azurite)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachRouteAnswersOnlyToTheKeyItsAuthLevelNeeds()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        var anonymous = app.CreateClient();
        var function = app.CreateKeyedClient();
        var admin = app.CreateKeyedClient(MedInsureApplication.AdminKey);

        foreach (var path in new[] { "/", "/api/health", "/api/docs", "/api/docs/openapi.json", "/api/dashboard", "/api/dashboard/meta.json" })
        {
            Assert.Equal((path, HttpStatusCode.OK), (path, (await anonymous.GetAsync(path, Cancel)).StatusCode));
        }

        foreach (var path in new[] { "/api/topics", "/api/articles", "/api/ingestions", "/api/stats" })
        {
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, (await anonymous.GetAsync(path, Cancel)).StatusCode));
            Assert.Equal((path, HttpStatusCode.OK), (path, (await function.GetAsync(path, Cancel)).StatusCode));
            // The admin key opens function-level routes too, as the host's master key does.
            Assert.Equal((path, HttpStatusCode.OK), (path, (await admin.GetAsync(path, Cancel)).StatusCode));
            Assert.Equal((path, HttpStatusCode.OK), (path, (await anonymous.GetAsync($"{path}?code={MedInsureApplication.FunctionKey}", Cancel)).StatusCode));
        }

        foreach (var path in new[] { "/api/manage/retag", "/api/manage/recount", "/api/manage/reindex" })
        {
            var refused = await function.PostAsync(path, null, Cancel);
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, refused.StatusCode));
            Assert.Contains("admin key", (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString());
            Assert.Equal((path, HttpStatusCode.Unauthorized), (path, (await anonymous.PostAsync(path, null, Cancel)).StatusCode));
            Assert.Equal((path, HttpStatusCode.Accepted), (path, (await admin.PostAsync(path, null, Cancel)).StatusCode));
            Assert.Equal((path, HttpStatusCode.Accepted), (path, (await anonymous.PostAsync($"{path}?code={MedInsureApplication.AdminKey}", null, Cancel)).StatusCode));
        }

        // Routing follows the loaded functions: an unknown path is 404, a known one with another method 405.
        Assert.Equal(HttpStatusCode.NotFound, (await function.GetAsync("/api/nothing-here", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await function.GetAsync("/articles", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await function.DeleteAsync("/api/topics", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await admin.GetAsync("/api/manage/retag", Cancel)).StatusCode);

        // Every forwarded request is an invocation of the function its route names.
        var invoked = app.Host.Invocations.Where(i => i.Trigger == "http").Select(i => i.FunctionName).ToHashSet();
        Assert.Superset(new HashSet<string> { "Root", "Health", "ListTopics", "ListArticles", "StartRetag", "StartRecount", "StartReindex" }, invoked);
    }

    [Fact]
    public async Task ADumpWhoseInvocationFailsFiveTimesLandsInThePoisonQueueAndItsRecordSaysFailed()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        // Every write to the statistics fails: each attempt throws, and the host retries it.
        using var outage = azurite.Azurite.TableProxy.Faults.Fail(w => w.Account == app.Account && w.Resource == app.Storage.Options.Table(app.Storage.Options.StatsTable), times: int.MaxValue);
        await app.UploadAsync("poison.txt", TestDumps.Simple("X1"));

        Assert.Equal(1, await app.TriggerAsync());

        var attempts = app.Host.Invocations.Where(i => i.FunctionName == "IngestDump").ToList();
        Assert.Equal([1, 2, 3, 4, 5], attempts.Select(a => a.Attempt));
        Assert.All(attempts, a => Assert.Equal((InvocationStatus.Failed, "poison.txt"), (a.Status, a.BlobName)));

        var queue = new QueueClient(app.Settings["AzureWebJobsStorage"], "webjobs-blobtrigger-poison");
        var message = Assert.Single((await queue.ReceiveMessagesAsync(maxMessages: 10, cancellationToken: Cancel)).Value);
        var poison = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()))).RootElement;
        Assert.Equal("BlobTrigger", poison.GetProperty("Type").GetString());
        Assert.Equal("Host.Functions.IngestDump", poison.GetProperty("FunctionId").GetString());
        Assert.Equal(("dumps", "poison.txt"), (poison.GetProperty("ContainerName").GetString(), poison.GetProperty("BlobName").GetString()));
        Assert.Equal((await app.Dumps.GetBlobClient("poison.txt").GetPropertiesAsync(cancellationToken: Cancel)).Value.ETag.ToString("H"), poison.GetProperty("ETag").GetString());

        var records = await app.CreateKeyedClient().GetFromJsonAsync<JsonElement>("/api/ingestions", Cancel);
        var record = Assert.Single(records.GetProperty("items").EnumerateArray());
        Assert.Equal(("poison.txt", "failed", 5), (record.GetProperty("dump").GetString(), record.GetProperty("status").GetString(), record.GetProperty("attempts").GetInt32()));
        Assert.StartsWith("transient storage error, will retry", record.GetProperty("reason").GetString());

        // Parked, not retried again: the next pass finds nothing to do.
        Assert.Equal(0, await app.TriggerAsync());
    }

    [Fact]
    public async Task ServeScriptRunsHostAndWorkerInTheForegroundAndSigtermStopsBothCleanly()
    {
        var port = FreePort();
        var home = Directory.CreateTempSubdirectory("medinsure-serve-home-");
        var info = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "scripts/serve.sh", "--no-build", "--configuration", MedInsureApplication.BuildConfiguration, "--urls", $"http://127.0.0.1:{port}" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["AzureWebJobsStorage"] = azurite.Azurite.NewAccount();
        info.Environment["FunctionKeys__default"] = "serve-key";
        info.Environment["HOME"] = home.FullName;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var serve = Process.Start(info)!;
        serve.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        serve.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        serve.BeginOutputReadLine();
        serve.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilAsync(async () => (await TryGetAsync(client, "/")) == HttpStatusCode.OK, TimeSpan.FromSeconds(60), () => string.Join('\n', output));
            client.DefaultRequestHeaders.Add("x-functions-key", "serve-key");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/topics", Cancel)).StatusCode);
            var workerPid = int.Parse(output.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"Started worker pid (\d+)")).First(m => m.Success).Groups[1].Value,
                System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Directory.Exists($"/proc/{workerPid}"));

            // serve.sh execs the host, so the signal reaches it directly.
            Assert.Equal(0, Kill(serve.Id, 15));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(timeout.Token);

            Assert.Equal(0, serve.ExitCode);
            await WaitUntilAsync(() => Task.FromResult(!Directory.Exists($"/proc/{workerPid}")), TimeSpan.FromSeconds(5), () => $"worker {workerPid} is still running");
            Assert.Contains(output, l => l.Contains("Shutting down", StringComparison.Ordinal));
        }
        finally
        {
            if (!serve.HasExited)
            {
                serve.Kill(entireProcessTree: true);
            }

            home.Delete(recursive: true);
        }
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path, Cancel)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, explain());
            await Task.Delay(200, Cancel);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
