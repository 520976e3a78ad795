using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using MedInsure.LocalHost.Rpc;

namespace MedInsure.LocalHost.Tests;

/// <summary>
/// Our function_rpc.proto must agree with the protocol the pinned worker speaks: every message, field, oneof, map and
/// enum value we declare is looked up in the descriptor compiled into Microsoft.Azure.Functions.Worker.Grpc.
/// </summary>
public sealed class ProtocolContractTests
{
    private static readonly FileDescriptor Ours = FunctionRpcReflection.Descriptor;
    private static readonly FileDescriptor Theirs = LoadWorkerDescriptor();

    // FileDescriptor.FindTypeByName does not see nested types, so every type is indexed by its full name.
    private static readonly Dictionary<string, MessageDescriptor> OurMessageIndex = AllMessages(Ours.MessageTypes).ToDictionary(m => m.FullName);
    private static readonly Dictionary<string, MessageDescriptor> TheirMessageIndex = AllMessages(Theirs.MessageTypes).ToDictionary(m => m.FullName);
    private static readonly Dictionary<string, EnumDescriptor> OurEnumIndex = AllEnums(Ours).ToDictionary(e => e.FullName);
    private static readonly Dictionary<string, EnumDescriptor> TheirEnumIndex = AllEnums(Theirs).ToDictionary(e => e.FullName);

    private static FileDescriptor LoadWorkerDescriptor()
    {
        var assembly = Assembly.Load("Microsoft.Azure.Functions.Worker.Grpc");
        var reflection = assembly.GetType("Microsoft.Azure.Functions.Worker.Grpc.Messages.FunctionRpcReflection", throwOnError: true)!;
        var property = reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException("FunctionRpcReflection.Descriptor is gone from the worker's gRPC assembly.");
        return (FileDescriptor)property.GetValue(null)!;
    }

    public static TheoryData<string> OurMessages()
    {
        var data = new TheoryData<string>();
        foreach (var message in AllMessages(Ours.MessageTypes).Where(m => !m.GetOptions()?.MapEntry ?? true))
        {
            data.Add(message.FullName);
        }

        return data;
    }

    public static TheoryData<string> OurEnums()
    {
        var data = new TheoryData<string>();
        foreach (var e in AllEnums(Ours))
        {
            data.Add(e.FullName);
        }

        return data;
    }

    [Fact]
    public void BothDescribeTheSamePackage()
    {
        Assert.Equal("AzureFunctionsRpcMessages", Theirs.Package);
        Assert.Equal(Theirs.Package, Ours.Package);
        Assert.True(OurMessages().Count >= 20, "The contract covers too few messages: was the .proto emptied?");
    }

    [Theory]
    [MemberData(nameof(OurMessages))]
    public void EveryFieldWeDeclareHasTheProtocolsNumberTypeAndShape(string messageName)
    {
        var ours = OurMessageIndex[messageName];
        var theirs = TheirMessageIndex.GetValueOrDefault(messageName);
        Assert.True(theirs is not null, $"The worker's protocol has no message {messageName}.");

        foreach (var field in ours.Fields.InDeclarationOrder())
        {
            var where = $"{messageName}.{field.Name} = {field.FieldNumber}";
            var other = theirs.FindFieldByNumber(field.FieldNumber);
            Assert.True(other is not null, $"{where}: the worker's protocol has no field with this number.");
            Assert.True(field.Name == other.Name, $"{where}: the worker calls field {field.FieldNumber} '{other.Name}'.");
            Assert.True(field.FieldType == other.FieldType, $"{where}: type {field.FieldType}, the worker's is {other.FieldType}.");
            Assert.True(field.IsRepeated == other.IsRepeated, $"{where}: repeated {field.IsRepeated}, the worker's {other.IsRepeated}.");
            Assert.True(field.IsMap == other.IsMap, $"{where}: map {field.IsMap}, the worker's {other.IsMap}.");
            Assert.True(field.RealContainingOneof?.Name == other.RealContainingOneof?.Name,
                $"{where}: in oneof '{field.RealContainingOneof?.Name}', the worker's in '{other.RealContainingOneof?.Name}'.");
            if (field.IsMap)
            {
                AssertSameMapShape(where, field.MessageType, other.MessageType);
            }
            else if (field.FieldType == FieldType.Message)
            {
                Assert.True(field.MessageType.FullName == other.MessageType.FullName,
                    $"{where}: message type {field.MessageType.FullName}, the worker's {other.MessageType.FullName}.");
            }
            else if (field.FieldType == FieldType.Enum)
            {
                Assert.True(field.EnumType.FullName == other.EnumType.FullName,
                    $"{where}: enum type {field.EnumType.FullName}, the worker's {other.EnumType.FullName}.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(OurEnums))]
    public void EveryEnumValueWeDeclareHasTheProtocolsNumber(string enumName)
    {
        var ours = OurEnumIndex[enumName];
        var theirs = TheirEnumIndex.GetValueOrDefault(enumName);
        Assert.True(theirs is not null, $"The worker's protocol has no enum {enumName}.");
        foreach (var value in ours.Values)
        {
            var other = theirs.FindValueByName(value.Name);
            Assert.True(other is not null, $"{enumName}.{value.Name}: the worker's protocol has no such value.");
            Assert.True(value.Number == other.Number, $"{enumName}.{value.Name} = {value.Number}, the worker's is {other.Number}.");
        }
    }

    [Fact]
    public void TheServiceIsTheSameBidirectionalStream()
    {
        var ours = Assert.Single(Ours.Services);
        var theirs = Theirs.Services.SingleOrDefault(x => x.FullName == ours.FullName);
        Assert.NotNull(theirs);
        var method = Assert.Single(ours.Methods);
        var other = theirs.FindMethodByName(method.Name);
        Assert.NotNull(other);
        Assert.Equal("AzureFunctionsRpcMessages.FunctionRpc", ours.FullName);
        Assert.True(other.IsClientStreaming && other.IsServerStreaming);
        Assert.Equal(method.IsClientStreaming, other.IsClientStreaming);
        Assert.Equal(method.IsServerStreaming, other.IsServerStreaming);
        Assert.Equal(method.InputType.FullName, other.InputType.FullName);
        Assert.Equal(method.OutputType.FullName, other.OutputType.FullName);
    }

    [Fact]
    public void WhatWeSendReadsTheSameInTheWorkersTypes()
    {
        var invocation = new InvocationRequest
        {
            InvocationId = "inv-1",
            FunctionId = "fn-1",
            TraceContext = new RpcTraceContext { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState = "a=b" },
        };
        invocation.InputData.Add(new ParameterBinding
        {
            Name = "client",
            Data = new TypedData { ModelBindingData = BlobTriggerProtocol.BlobBindingData("AzureWebJobsStorage", "dumps", "a.zip") },
        });
        invocation.InputData.Add(new ParameterBinding { Name = "req", Data = new TypedData { Http = new RpcHttp() } });
        invocation.TriggerMetadata["name"] = new TypedData { String = "a.zip" };
        invocation.TriggerMetadata["Uri"] = new TypedData { Json = "\"http://x/a.zip\"" };
        var queued = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage("m1", "p1", new BinaryData([0x00, 0xFF]), 2);
        var queueInvocation = new InvocationRequest { InvocationId = "inv-2", FunctionId = "fn-2", TraceContext = TraceContexts.Create() };
        queueInvocation.InputData.Add(new ParameterBinding { Name = "bytes", Data = new TypedData { Bytes = ByteString.CopyFrom(0x00, 0xFF) } });
        queueInvocation.InputData.Add(new ParameterBinding { Name = "text", Data = new TypedData { String = "slice" } });
        queueInvocation.InputData.Add(new ParameterBinding { Name = "sdk", Data = new TypedData { ModelBindingData = QueueTriggerProtocol.MessageBindingData(queued) } });
        foreach (var (name, value) in QueueTriggerProtocol.TriggerMetadata(queued))
        {
            queueInvocation.TriggerMetadata[name] = value;
        }
        var messages = new IMessage[]
        {
            new StreamingMessage { RequestId = "r1", InvocationRequest = invocation },
            new StreamingMessage { RequestId = "r5", InvocationRequest = queueInvocation },
            new StreamingMessage
            {
                RequestId = "r2",
                WorkerInitRequest = new WorkerInitRequest { HostVersion = "4", WorkerDirectory = "/w", FunctionAppDirectory = "/a", Capabilities = { ["x"] = "y" } },
            },
            new StreamingMessage { RequestId = "r3", FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = "/a" } },
            new StreamingMessage { RequestId = "r4", WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)) } },
        };

        var registry = TypeRegistry.FromFiles(Theirs);
        var formatter = new JsonFormatter(JsonFormatter.Settings.Default.WithTypeRegistry(registry));
        foreach (var message in messages)
        {
            var theirs = TheirMessageIndex[message.Descriptor.FullName].Parser.ParseFrom(message.ToByteArray());
            Assert.Equal(JsonFormatter.Default.Format(message), formatter.Format(theirs));
        }
    }

    [Fact]
    public void WhatTheWorkerSendsReadsTheSameInOurs()
    {
        var parser = new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromFiles(Theirs)));
        const string json = """
            {
              "requestId": "r1",
              "invocationResponse": {
                "invocationId": "inv-1",
                "result": { "status": "Failure", "result": "oops", "exception": { "message": "boom", "type": "System.Exception", "stackTrace": "at X" } }
              }
            }
            """;
        var theirsType = TheirMessageIndex["AzureFunctionsRpcMessages.StreamingMessage"];
        var theirs = parser.Parse(json, theirsType);

        var ours = StreamingMessage.Parser.ParseFrom(theirs.ToByteArray());

        Assert.Equal(StreamingMessage.ContentOneofCase.InvocationResponse, ours.ContentCase);
        Assert.Equal("inv-1", ours.InvocationResponse.InvocationId);
        Assert.Equal(StatusResult.Types.Status.Failure, ours.InvocationResponse.Result.Status);
        Assert.Equal("boom", ours.InvocationResponse.Result.Exception.Message);
        Assert.Equal(InvocationStatus.Failed, InvocationLog.StatusOf(ours.InvocationResponse));
        Assert.Equal("boom", InvocationLog.ErrorOf(ours.InvocationResponse));
    }

    [Fact]
    public void MessagesWeDoNotKnowAreToleratedAndKeptWhenPassedOn()
    {
        var parser = new JsonParser(JsonParser.Settings.Default.WithTypeRegistry(TypeRegistry.FromFiles(Theirs)));
        var theirsType = TheirMessageIndex["AzureFunctionsRpcMessages.StreamingMessage"];
        var status = parser.Parse("""{ "requestId": "s1", "workerStatusResponse": {} }""", theirsType);
        var metadata = parser.Parse("""{ "name": "F", "functionId": "id", "retryOptions": { "maxRetryCount": 3 } }""",
            TheirMessageIndex["AzureFunctionsRpcMessages.RpcFunctionMetadata"]);

        var unknownCase = StreamingMessage.Parser.ParseFrom(status.ToByteArray());
        var passedOn = RpcFunctionMetadata.Parser.ParseFrom(metadata.ToByteArray()).ToByteArray();

        Assert.Equal(StreamingMessage.ContentOneofCase.None, unknownCase.ContentCase);
        Assert.Equal("s1", unknownCase.RequestId);
        Assert.Equal(metadata.ToByteArray(), passedOn);
    }

    private static void AssertSameMapShape(string where, MessageDescriptor ours, MessageDescriptor theirs)
    {
        foreach (var number in new[] { 1, 2 })
        {
            var a = ours.FindFieldByNumber(number);
            var b = theirs.FindFieldByNumber(number);
            Assert.True(a.FieldType == b.FieldType, $"{where}: map {(number == 1 ? "key" : "value")} type {a.FieldType}, the worker's {b.FieldType}.");
            if (a.FieldType == FieldType.Message)
            {
                Assert.True(a.MessageType.FullName == b.MessageType.FullName, $"{where}: map value {a.MessageType.FullName}, the worker's {b.MessageType.FullName}.");
            }
            else if (a.FieldType == FieldType.Enum)
            {
                Assert.True(a.EnumType.FullName == b.EnumType.FullName, $"{where}: map value {a.EnumType.FullName}, the worker's {b.EnumType.FullName}.");
            }
        }
    }

    private static IEnumerable<EnumDescriptor> AllEnums(FileDescriptor file) =>
        file.EnumTypes.Concat(AllMessages(file.MessageTypes).SelectMany(m => m.EnumTypes));

    private static IEnumerable<MessageDescriptor> AllMessages(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => new[] { m }.Concat(AllMessages(m.NestedTypes)));
}
