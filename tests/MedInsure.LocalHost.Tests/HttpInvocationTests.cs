using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MedInsure.LocalHost.Tests;

public sealed class HttpInvocationTests
{
    [Fact]
    public void TheInvocationCarriesAnEmptyRpcHttpUnderTheTriggersNameAndATraceContext()
    {
        var function = RouteTableTests.Http("GetItem", "items/{id}", authLevel: "Function");
        var match = new RouteTable([function]).Match("GET", "/api/items/42");
        var context = new DefaultHttpContext();
        context.Request.Path = "/api/items/42";

        var invocation = HttpForwarder.CreateInvocation(function, function.HttpTrigger!, match, context);

        Assert.Equal("GetItem-id", invocation.FunctionId);
        Assert.True(Guid.TryParse(invocation.InvocationId, out _));
        var input = Assert.Single(invocation.InputData);
        Assert.Equal("req", input.Name);
        Assert.NotNull(input.Data.Http);
        Assert.Equal(0, input.Data.Http.CalculateSize());
        Assert.True(ActivityContext.TryParse(invocation.TraceContext.TraceParent, null, out _));
        Assert.Equal("42", invocation.TriggerMetadata["id"].String);
    }

    [Fact]
    public void ACallersTraceIsContinuedWithANewSpan()
    {
        const string parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var context = TraceContexts.Create(parent, "vendor=1");

        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", context.TraceParent, StringComparison.Ordinal);
        Assert.DoesNotContain("b7ad6b7169203331", context.TraceParent, StringComparison.Ordinal);
        Assert.EndsWith("-01", context.TraceParent, StringComparison.Ordinal);
        Assert.Equal("vendor=1", context.TraceState);
        Assert.NotEqual(TraceContexts.Create().TraceParent[3..35], TraceContexts.Create().TraceParent[3..35]);
        Assert.Equal(55, TraceContexts.Create("garbage").TraceParent.Length);
    }

    [Fact]
    public void TriggerMetadataHasQueryRouteQueryAndHeadersButNotTheKey()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?id=from-query&q=1&q=2&code=secret");
        context.Request.Headers["Accept"] = "text/plain";

        var metadata = HttpForwarder.HttpTriggerMetadata(context.Request.Query, context.Request.Headers, new Dictionary<string, object?> { ["id"] = "from-route" });

        Assert.Equal("from-route", metadata["id"].String);
        Assert.Equal("1,2", metadata["q"].String);
        Assert.False(metadata.ContainsKey("code"));
        using var query = JsonDocument.Parse(metadata["Query"].Json);
        Assert.Equal("1,2", query.RootElement.GetProperty("q").GetString());
        using var headers = JsonDocument.Parse(metadata["Headers"].Json);
        Assert.Equal("text/plain", headers.RootElement.GetProperty("Accept").GetString());
    }
}
