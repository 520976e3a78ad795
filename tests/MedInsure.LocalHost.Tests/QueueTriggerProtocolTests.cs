using System.Text;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using MedInsure.LocalHost.Rpc;
using Microsoft.Extensions.Configuration;

namespace MedInsure.LocalHost.Tests;

public sealed class QueueTriggerProtocolTests
{
    private static readonly DateTimeOffset Inserted = new(2026, 12, 4, 5, 3, 47, TimeSpan.Zero);

    private static QueueMessage Message(string body, long dequeueCount = 1, DateTimeOffset? expires = null) =>
        QueuesModelFactory.QueueMessage("msg-1", "pop-1", new BinaryData(Encoding.UTF8.GetBytes(body)), dequeueCount,
            Inserted.AddSeconds(30), Inserted, expires ?? Inserted.AddDays(7));

    private static QueueTriggerInfo Trigger(string? dataType = null, bool deferred = false) =>
        new("message", "operations", "AzureWebJobsStorage", dataType, deferred);

    [Fact]
    public void TriggerMetadataHasTheHostsNamesAndRpcShapes()
    {
        var metadata = QueueTriggerProtocol.TriggerMetadata(Message("slice 3", dequeueCount: 2));

        Assert.Equal(["DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "QueueTrigger"], metadata.Keys.Order());
        Assert.Equal("slice 3", metadata["QueueTrigger"].String);
        Assert.Equal("msg-1", metadata["Id"].String);
        Assert.Equal("pop-1", metadata["PopReceipt"].String);
        Assert.Equal(TypedData.DataOneofCase.Json, metadata["DequeueCount"].DataCase);
        Assert.Equal("2", metadata["DequeueCount"].Json);
        Assert.Equal("\"2026-12-04T05:03:47+00:00\"", metadata["InsertionTime"].Json);
        Assert.Equal("\"2026-12-04T05:04:17+00:00\"", metadata["NextVisibleTime"].Json);
        Assert.Equal("\"2026-12-11T05:03:47+00:00\"", metadata["ExpirationTime"].Json);
        Assert.True(metadata.ContainsKey("queuetrigger"), "binding data is looked up case-insensitively");
    }

    [Fact]
    public void DatesAreWrittenAsNewtonsoftWritesThem()
    {
        Assert.Equal("\"2026-12-04T05:03:47.25+00:00\"", QueueTriggerProtocol.JsonDate(Inserted.AddMilliseconds(250)));
        Assert.Equal("\"2026-12-04T07:03:47+02:00\"", QueueTriggerProtocol.JsonDate(Inserted.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal("\"9999-12-31T23:59:59.9999999+00:00\"", QueueTriggerProtocol.JsonDate(DateTimeOffset.MaxValue));
    }

    [Fact]
    public void AMessageThatIsNotUtf8HasNoQueueTriggerAndCannotBeBoundAsText()
    {
        var message = QueuesModelFactory.QueueMessage("m", "p", new BinaryData(new byte[] { 0xFF, 0xFE, 0x00 }), 1);

        Assert.False(QueueTriggerProtocol.TriggerMetadata(message).ContainsKey("QueueTrigger"));
        Assert.Null(QueueTriggerProtocol.InputData(Trigger(), message));
        Assert.Equal([0xFF, 0xFE, 0x00], QueueTriggerProtocol.InputData(Trigger("Binary"), message)!.Bytes.ToByteArray());
    }

    [Fact]
    public void TextAndPocoParametersGetTheBodyAsAString()
    {
        var data = QueueTriggerProtocol.InputData(Trigger("String"), Message("""{"Index":1}"""))!;
        var poco = QueueTriggerProtocol.InputData(Trigger(), Message("""{"Index":1}"""))!;

        Assert.Equal("""{"Index":1}""", data.String);
        Assert.Equal("""{"Index":1}""", poco.String);
        Assert.Equal([0x68, 0x69], QueueTriggerProtocol.InputData(Trigger("Stream"), Message("hi"))!.Bytes.ToByteArray());
    }

    [Fact]
    public void SdkTypeParametersGetTheMessageAsModelBindingData()
    {
        var data = QueueTriggerProtocol.InputData(Trigger(deferred: true), Message("héllo", dequeueCount: 3))!.ModelBindingData;

        Assert.Equal("1.0", data.Version);
        Assert.Equal("AzureStorageQueues", data.Source);
        Assert.Equal("application/json", data.ContentType);
        using var json = JsonDocument.Parse(data.Content.ToByteArray());
        var root = json.RootElement;
        // The members the worker's QueueMessage converter reads (case-insensitively) and BinaryData's MessageText.
        Assert.Equal("msg-1", root.GetProperty("MessageId").GetString());
        Assert.Equal("pop-1", root.GetProperty("PopReceipt").GetString());
        Assert.Equal("héllo", root.GetProperty("MessageText").GetString());
        Assert.Equal(3, root.GetProperty("DequeueCount").GetInt64());
        Assert.Equal(Inserted, root.GetProperty("InsertedOn").GetDateTimeOffset());
        Assert.Equal(Inserted.AddSeconds(30), root.GetProperty("NextVisibleOn").GetDateTimeOffset());
        Assert.Equal(Inserted.AddDays(7), root.GetProperty("ExpiresOn").GetDateTimeOffset());
    }

    [Fact]
    public void Base64BodiesAreDecodedAsTheHostsClientDoesAndOthersAreRefused()
    {
        var raw = QueuesModelFactory.QueueMessage("m", "p", new BinaryData(Convert.ToBase64String(Encoding.UTF8.GetBytes("slice 1"))), 2, Inserted, Inserted, Inserted);

        var decoded = QueueTriggerProtocol.Decode(raw, base64: true)!;

        Assert.Equal("slice 1", decoded.Body.ToString());
        Assert.Equal(("m", "p", 2L, Inserted), (decoded.MessageId, decoded.PopReceipt, decoded.DequeueCount, decoded.InsertedOn!.Value));
        Assert.Null(QueueTriggerProtocol.Decode(QueuesModelFactory.QueueMessage("m", "p", new BinaryData("not base64!"), 1), base64: true));
        Assert.Same(raw, QueueTriggerProtocol.Decode(raw, base64: false));
    }

    [Theory]
    [InlineData("operations", "operations-poison")]
    [InlineData("operations-poison", null)]
    [InlineData("a23456789012345678901234567890123456789012345678901234567", null)]
    [InlineData("a2345678901234567890123456789012345678901234567890123456", "a2345678901234567890123456789012345678901234567890123456-poison")]
    public void PoisonQueuesAreNamedWithTheSuffixWhereTheNameAllows(string queue, string? poison) =>
        Assert.Equal(poison, QueueTriggerProtocol.PoisonQueueName(queue));

    [Theory]
    [InlineData("Operations", "operations")]
    [InlineData("admin-ops-2", "admin-ops-2")]
    [InlineData("ab", null)]
    [InlineData("-ops", null)]
    [InlineData("ops-", null)]
    [InlineData("ad--ops", null)]
    [InlineData("ad_ops", null)]
    public void QueueNamesAreLowerCasedAndChecked(string name, string? expected)
    {
        var normalised = QueueTriggerProtocol.NormaliseQueueName(name, out var error);

        Assert.Equal(expected, normalised);
        Assert.Equal(expected is null, error is not null);
    }

    [Fact]
    public void SettingExpressionsAreResolvedFromTheSettings()
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpsQueue"] = "operations",
            ["Env"] = "dev",
            ["Nested:Name"] = "deep",
        }).Build();

        Assert.Equal("operations", StorageSettings.ResolveExpressions("%OpsQueue%", settings, out _));
        Assert.Equal("dev-operations-1", StorageSettings.ResolveExpressions("%Env%-%OpsQueue%-1", settings, out _));
        Assert.Equal("deep", StorageSettings.ResolveExpressions("%Nested__Name%", settings, out _));
        Assert.Equal("plain", StorageSettings.ResolveExpressions("plain", settings, out var none));
        Assert.Null(none);

        Assert.Null(StorageSettings.ResolveExpressions("%Missing%", settings, out var missing));
        Assert.Equal("%Missing% names no setting", missing);
        Assert.Null(StorageSettings.ResolveExpressions("ops-%Env", settings, out var unclosed));
        Assert.Equal("the '%' at position 4 has no closing '%'", unclosed);
    }

    [Fact]
    public void QueueTriggerBindingsParseWithTheDefaultConnectionAndTheBindingKind()
    {
        var text = FunctionMetadataParser.Parse("RunOperation", "id",
            ["""{"name":"message","direction":"In","type":"queueTrigger","dataType":"String","queueName":"%OpsQueue%","connection":"Ops","properties":{}}"""], "api");
        var sdk = FunctionMetadataParser.Parse("RunOperation", "id",
            ["""{"name":"message","direction":"In","type":"queueTrigger","queueName":"operations","properties":{"supportsDeferredBinding":"True"}}"""], "api");

        Assert.Equal(new QueueTriggerInfo("message", "%OpsQueue%", "Ops", "String", false), text.QueueTrigger);
        Assert.Equal(new QueueTriggerInfo("message", "operations", "AzureWebJobsStorage", null, true), sdk.QueueTrigger);
        Assert.Null(sdk.BlobTrigger);
        Assert.Null(sdk.HttpTrigger);
    }

    [Fact]
    public void EmptyQueuesArePolledLessAndLessOftenUpToTheMaximum()
    {
        // With the jitter at its middle (factor 1): the minimum, then the minimum plus the minimum times 2^n.
        var backoff = new PollingBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), () => 0.5);

        var pauses = Enumerable.Range(0, 6).Select(_ => backoff.Next(foundMessages: false).TotalMilliseconds).ToArray();
        var afterMessages = backoff.Next(foundMessages: true).TotalMilliseconds;
        var nextEmpty = backoff.Next(foundMessages: false).TotalMilliseconds;

        Assert.Equal([100, 200, 300, 500, 900, 1000], pauses);
        Assert.Equal(100, afterMessages);
        Assert.Equal(200, nextEmpty);
    }

    [Fact]
    public void PollingJitterStaysWithinTwentyPercent()
    {
        var low = new PollingBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), () => 0);
        var high = new PollingBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), () => 0.999999);
        low.Next(foundMessages: true);
        high.Next(foundMessages: true);

        Assert.Equal(180, low.Next(foundMessages: false).TotalMilliseconds, precision: 3);
        Assert.Equal(220, high.Next(foundMessages: false).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void QueueOptionsReadTheLocalHostSectionAndAreChecked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LocalHost:PollQueues"] = "false",
            ["LocalHost:QueuePollInterval"] = "50ms",
            ["LocalHost:QueueMaxPollInterval"] = "2s",
            ["LocalHost:QueueBatchSize"] = "4",
            ["LocalHost:QueueVisibilityTimeout"] = "00:00:05",
        }).Build();
        var options = new LocalHostOptions();

        options.ReadFrom(configuration);

        Assert.False(options.PollQueues);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.QueuePollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.QueueMaxPollInterval);
        Assert.Equal((4, 6), (options.QueueBatchSize, options.QueueConcurrency));
        Assert.Equal(TimeSpan.FromSeconds(5), options.QueueVisibilityTimeout);
        Assert.Empty(options.Validate());
        Assert.Equal(24, new LocalHostOptions().QueueConcurrency);
        Assert.Equal(20, new LocalHostOptions { QueueNewBatchThreshold = 4 }.QueueConcurrency);

        var bad = new LocalHostOptions
        {
            QueueBatchSize = 33,
            QueuePollInterval = TimeSpan.FromSeconds(2),
            QueueVisibilityTimeout = TimeSpan.FromMilliseconds(500),
        };
        Assert.Equal(3, bad.Validate().Count);
    }

    [Theory]
    [InlineData("""{ "version": "2.0" }""", true)]
    [InlineData("""{ "extensions": { "queues": { "messageEncoding": "base64" } } }""", true)]
    [InlineData("""{ "extensions": { "queues": { "messageEncoding": "None", "batchSize": 8 } } }""", false)]
    public void TheMessageEncodingComesFromHostJson(string hostJson, bool base64) =>
        Assert.Equal(base64, AppDirectory.ParseQueueMessagesAreBase64(hostJson));

    [Fact]
    public void AnUnknownMessageEncodingFailsStartUp() =>
        Assert.Throws<LocalHostStartException>(() => AppDirectory.ParseQueueMessagesAreBase64("""{ "extensions": { "queues": { "messageEncoding": "utf8" } } }"""));
}
