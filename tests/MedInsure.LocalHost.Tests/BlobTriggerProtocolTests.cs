using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;

namespace MedInsure.LocalHost.Tests;

public sealed class BlobTriggerProtocolTests
{
    [Fact]
    public void ThePoisonMessageIsTheHostsBlobTriggerMessage()
    {
        var message = BlobTriggerProtocol.PoisonMessage("Host.Functions.ProcessDump", BlobType.Block, "dumps", "2026/a b.zip", "\"0x8DE1234\"");

        Assert.Equal(
            """{"Type":"BlobTrigger","FunctionId":"Host.Functions.ProcessDump","BlobType":"BlockBlob","ContainerName":"dumps","BlobName":"2026/a b.zip","ETag":"\"0x8DE1234\""}""",
            message);
        Assert.Equal("AppendBlob", System.Text.Json.JsonDocument.Parse(
            BlobTriggerProtocol.PoisonMessage("f", BlobType.Append, "c", "b", "e")).RootElement.GetProperty("BlobType").GetString());
    }

    [Fact]
    public void PoisonMessagesGoBase64EncodedToTheHostsPoisonQueue()
    {
        Assert.Equal("webjobs-blobtrigger-poison", BlobTriggerProtocol.PoisonQueue);
        Assert.Equal(QueueMessageEncoding.Base64, BlobTriggerProtocol.QueueOptions().MessageEncoding);
    }

    [Fact]
    public void ReceiptsAreNamedByHostFunctionETagContainerAndBlob()
    {
        Assert.Equal("azure-webjobs-hosts", BlobTriggerProtocol.ReceiptContainer);
        Assert.Equal(
            "blobreceipts/myhost-123/Host.Functions.ProcessDump/\"0x8DE1234\"/dumps/2026/a.zip",
            BlobTriggerProtocol.ReceiptBlobName("myhost-123", "Host.Functions.ProcessDump", "\"0x8DE1234\"", "dumps", "2026/a.zip"));
    }

    [Theory]
    [InlineData("0x8DE1234", "\"0x8DE1234\"")]
    [InlineData("\"0x8DE1234\"", "\"0x8DE1234\"")]
    [InlineData("W/\"weak\"", "W/\"weak\"")]
    public void ETagsAreUsedInTheirQuotedHeaderForm(string given, string expected) =>
        Assert.Equal(expected, BlobTriggerProtocol.HeaderETag(given));

    [Fact]
    public void TheFunctionIdInReceiptsIsTheWebJobsOne()
    {
        var function = FunctionMetadataParser.Parse("ProcessDump", "worker-guid", [BlobBinding("dumps/{name}", "AzureWebJobsStorage")], "api");
        Assert.Equal("Host.Functions.ProcessDump", function.HostFunctionId);
    }

    [Fact]
    public void TheDefaultHostIdFollowsTheHostsLocalRule()
    {
        Assert.Equal(781547, BlobTriggerProtocol.StableHash("abc"));
        Assert.Equal($"myvm01-{Math.Abs((long)BlobTriggerProtocol.StableHash("/srv/app"))}", BlobTriggerProtocol.DefaultHostId("My-VM_01", "/srv/app"));

        var longId = BlobTriggerProtocol.DefaultHostId(new string('X', 40), "/srv/app");
        Assert.Equal(32, longId.Length);
        Assert.Equal(longId.ToLowerInvariant(), longId);
        Assert.Equal("abcdefghijklmnopqrstuvwxyz012345", BlobTriggerProtocol.DefaultHostId("abcdefghijklmnopqrstuvwxyz012345678", "/x"));
        Assert.False(BlobTriggerProtocol.DefaultHostId("abcdefghijklmnopqrstuvwxyz01234", "/x").EndsWith('-'));
    }

    [Fact]
    public void RetriesBackOffByDoublingUpToTheCap()
    {
        var delays = Enumerable.Range(2, 6).Select(a => Backoff.RetryDelay(a, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10))).ToArray();

        Assert.Equal([1, 2, 4, 8, 10, 10], delays.Select(d => d.TotalSeconds).ToArray());
        Assert.Equal(TimeSpan.Zero, Backoff.RetryDelay(3, TimeSpan.Zero, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void TheBindingDataNamesTheBlobAndNeverCarriesItsContent()
    {
        var data = BlobTriggerProtocol.BlobBindingData("AzureWebJobsStorage", "dumps", "a/b.zip");

        Assert.Equal("1.0", data.Version);
        Assert.Equal("AzureStorageBlobs", data.Source);
        Assert.Equal("application/json", data.ContentType);
        Assert.Equal("""{"Connection":"AzureWebJobsStorage","ContainerName":"dumps","BlobName":"a/b.zip"}""", Encoding.UTF8.GetString(data.Content.Span));
    }

    [Fact]
    public void TriggerMetadataCarriesTheHostsBlobBindingData()
    {
        var properties = BlobsModelFactory.BlobProperties(
            lastModified: new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
            contentLength: 42,
            contentType: "application/zip",
            eTag: new Azure.ETag("\"0x1\""),
            metadata: new Dictionary<string, string> { ["source"] = "test" },
            blobType: BlobType.Block);

        var metadata = BlobTriggerProtocol.TriggerMetadata("dumps", "a.zip", new Uri("http://127.0.0.1:10000/devstoreaccount1/dumps/a.zip"), properties,
            new Dictionary<string, string> { ["name"] = "a.zip" });

        Assert.Equal("dumps/a.zip", metadata["BlobTrigger"].String);
        Assert.Equal("a.zip", metadata["name"].String);
        Assert.Equal("\"http://127.0.0.1:10000/devstoreaccount1/dumps/a.zip\"", metadata["Uri"].Json);
        Assert.Equal("""{"source":"test"}""", metadata["Metadata"].Json);
        using var props = System.Text.Json.JsonDocument.Parse(metadata["Properties"].Json);
        Assert.Equal(42, props.RootElement.GetProperty("ContentLength").GetInt64());
        Assert.Equal("application/zip", props.RootElement.GetProperty("ContentType").GetString());
        Assert.Equal("\"0x1\"", props.RootElement.GetProperty("ETag").GetString());
        Assert.Equal("test", props.RootElement.GetProperty("Metadata").GetProperty("source").GetString());
    }

    [Fact]
    public void PathParametersMatchBlobNamesIncludingSlashes()
    {
        var any = BlobPathPattern.Parse("{name}");
        Assert.Equal("", any.ListPrefix);
        Assert.Equal("2026/12/a.zip", any.Match("2026/12/a.zip")!["name"]);

        var zips = BlobPathPattern.Parse("in/{name}.zip");
        Assert.Equal("in/", zips.ListPrefix);
        Assert.Equal("a.b", zips.Match("in/a.b.zip")!["name"]);
        Assert.Null(zips.Match("in/a.txt"));
        Assert.Null(zips.Match("out/a.zip"));

        var two = BlobPathPattern.Parse("{year}/{file}");
        var values = two.Match("2026/x/y.txt")!;
        Assert.Equal("2026", values["year"]);
        Assert.Equal("x/y.txt", values["file"]);
        Assert.Null(two.Match("flat.txt"));
    }

    [Fact]
    public void BlobTriggerBindingsParseWithTheDefaultConnection()
    {
        var function = FunctionMetadataParser.Parse("ProcessDump", "id", [BlobBinding("dumps/in/{name}", null)], "api");

        var trigger = Assert.IsType<BlobTriggerInfo>(function.BlobTrigger);
        Assert.Null(function.HttpTrigger);
        Assert.Equal("client", trigger.BindingName);
        Assert.Equal("dumps", trigger.ContainerName);
        Assert.Equal("in/{name}", trigger.BlobPattern);
        Assert.Equal("AzureWebJobsStorage", trigger.Connection);
        Assert.Equal("EventGrid", trigger.Source);
    }

    internal static string BlobBinding(string path, string? connection)
    {
        var connectionJson = connection is null ? "" : $",\"connection\":\"{connection}\"";
        return "{\"name\":\"client\",\"direction\":\"In\",\"type\":\"blobTrigger\",\"path\":\"" + path + "\",\"source\":\"EventGrid\""
            + connectionJson + ",\"properties\":{\"supportsDeferredBinding\":\"True\"}}";
    }
}
