using System.Text;
using System.Text.Json.Nodes;
using MedInsure.Functions.HostProtocol;

namespace MedInsure.Functions.Tests.HostProtocol;

/// <summary>The custom-handler contract: what the Functions host sends for the IngestDump blob trigger and what it expects back.</summary>
public sealed class HostProtocolContractTests(AzuriteFixture azurite)
{
    private static string GoldenPayload => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "host-blob-trigger-payload.json"));

    [Fact]
    public async Task GoldenHostPayloadIsIngestedAndAnsweredWithOutputsLogsAndReturnValue()
    {
        await using var app = new MedInsureApplication(azurite.Azurite);
        await app.Storage.EnsureAsync(CancellationToken.None);

        var response = await app.CreateClient().PostAsync("/IngestDump", new StringContent(GoldenPayload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], body.Select(p => p.Key));
        var log = Assert.Single(body["Logs"]!.AsArray())!.GetValue<string>();
        Assert.Contains("2026-10/card-loss.txt: succeeded, 2 articles", log);
        Assert.Equal("succeeded", body["ReturnValue"]!["Status"]!.GetValue<string>());

        var titles = (await app.AllArticlesAsync()).Select(a => a.GetString("Title")).Order().ToList();
        Assert.Equal(["医保电子凭证怎么激活", "社保卡丢了怎么挂失补办"], titles);
    }

    [Fact]
    public async Task HostPayloadWithoutContentIsIngestedByDownloadingTheBlob()
    {
        await using var app = new MedInsureApplication(azurite.Azurite);
        var golden = JsonNode.Parse(GoldenPayload)!;
        var content = Convert.FromBase64String(golden["Data"]!["dump"]!.GetValue<string>());
        await app.UploadAsync("2026-10/card-loss.txt", content);
        golden["Data"]!["dump"] = null;

        var response = await app.CreateClient().PostAsync("/IngestDump", new StringContent(golden.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await app.AllArticlesAsync()).Count);
    }

    [Fact]
    public void StandInBuildsThePayloadInTheHostsShape()
    {
        var golden = JsonNode.Parse(GoldenPayload)!;
        var properties = golden["Metadata"]!["Properties"]!.AsObject().DeepClone().AsObject();
        var content = Convert.FromBase64String(golden["Data"]!["dump"]!.GetValue<string>());

        var built = JsonNode.Parse(BlobTriggerPayload.Build(
            "2026-10/card-loss.txt",
            new Uri("https://stmedinsure.blob.core.windows.net/dumps/2026-10/card-loss.txt"),
            content,
            properties,
            new Dictionary<string, string> { ["team"] = "content-east", ["batch"] = "2026-10-08" },
            DateTimeOffset.Parse("2026-10-08T02:13:46.5512345Z", System.Globalization.CultureInfo.InvariantCulture)))!;

        Assert.Equal(golden["Data"]!.ToJsonString(), built["Data"]!.ToJsonString());
        foreach (var key in new[] { "name", "Uri", "Properties", "Metadata" })
        {
            Assert.Equal(golden["Metadata"]![key]!.ToJsonString(), built["Metadata"]![key]!.ToJsonString());
        }

        Assert.Equal("IngestDump", built["Metadata"]!["sys"]!["MethodName"]!.GetValue<string>());
        Assert.DoesNotContain(built["Metadata"]!.AsObject(), p => p.Key.EndsWith("trigger", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("\"\\\"dumps/a.txt\\\"\"", "dumps/a.txt")]
    [InlineData("\"dumps/a.txt\"", "dumps/a.txt")]
    [InlineData("\"\\\"\\\"\"", "")]
    [InlineData("42", "42")]
    [InlineData("null", null)]
    public void HostStringsAreDecodedWhetherQuotedTwiceOrOnce(string json, string? expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, HostValue.AsString(document.RootElement));
    }

    [Fact]
    public void ObjectsSentAsJsonStringsByOlderHostsAreReadAsObjects()
    {
        using var document = JsonDocument.Parse("\"{\\\"team\\\":\\\"east\\\"}\"");

        var map = HostValue.AsStringMap(document.RootElement);

        Assert.Equal("east", map["team"]);
    }

    [Fact]
    public async Task MalformedContentIsAnsweredWithTwoHundredAndALogLineSoTheHostDoesNotRetryIt()
    {
        await using var app = new MedInsureApplication(azurite.Azurite);
        var payload = """{"Data":{"dump":"not base64!!"},"Metadata":{"name":"\"x.txt\""}}""";

        var response = await app.CreateClient().PostAsync("/IngestDump", new StringContent(payload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("Invalid blob-trigger payload", body["Logs"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task StorageOutageIsAnsweredWithFiveHundredSoTheHostRetries()
    {
        var closedPort = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        await using var app = new MedInsureApplication(azurite.Azurite, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = closedPort });

        var response = await app.CreateClient().PostAsync("/IngestDump", new StringContent(GoldenPayload, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("will be retried", body["Logs"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task HandlerAnswersTheHostsReadinessProbeAtTheRoot()
    {
        await using var app = new MedInsureApplication(azurite.Azurite);

        var response = await app.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("ready", await response.Content.ReadAsStringAsync());
    }
}
