using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace MedInsure.LocalHost.Tests;

public sealed class KeyChecksTests
{
    private static readonly KeyChecks Keys = new(
    [
        new("default", "function-key"),
        new("ci", "other-function-key"),
        new("admin", "admin-key"),
        new("unused", ""),
    ]);

    [Fact]
    public void AnonymousNeedsNoKey()
    {
        Assert.True(Keys.IsAuthorized(AuthLevel.Anonymous, null));
        Assert.True(new KeyChecks([]).IsAuthorized(AuthLevel.Anonymous, null));
    }

    [Theory]
    [InlineData("function-key", true)]
    [InlineData("other-function-key", true)]
    [InlineData("admin-key", true)]
    [InlineData("wrong", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void FunctionLevelTakesAnyConfiguredKey(string? presented, bool authorized) =>
        Assert.Equal(authorized, Keys.IsAuthorized(AuthLevel.Function, presented));

    [Theory]
    [InlineData("admin-key", true)]
    [InlineData("function-key", false)]
    [InlineData("other-function-key", false)]
    [InlineData(null, false)]
    public void AdminLevelTakesOnlyTheKeyNamedAdmin(string? presented, bool authorized) =>
        Assert.Equal(authorized, Keys.IsAuthorized(AuthLevel.Admin, presented));

    [Fact]
    public void WithNoKeysConfiguredEveryProtectedLevelIsRefused()
    {
        var none = new KeyChecks([new("default", ""), new("admin", null)]);

        Assert.Equal(0, none.Count);
        Assert.False(none.IsAuthorized(AuthLevel.Function, "anything"));
        Assert.False(none.IsAuthorized(AuthLevel.Admin, "anything"));
        Assert.False(none.IsAuthorized(AuthLevel.Function, ""));
    }

    [Fact]
    public void TheKeyComesFromTheHeaderFirstThenTheCodeParameter()
    {
        Assert.Equal("from-header", KeyChecks.PresentedKey(Request("?code=from-query", ("x-functions-key", "from-header"))));
        Assert.Equal("from-query", KeyChecks.PresentedKey(Request("?code=from-query")));
        Assert.Null(KeyChecks.PresentedKey(Request("?other=1")));
    }

    [Fact]
    public void KeysAreReadFromTheFunctionKeysSection()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["FunctionKeys:default"] = "k1", ["FunctionKeys:admin"] = "k2", ["Other:admin"] = "nope" })
            .Build();

        var keys = KeyChecks.FromConfiguration(configuration);

        Assert.Equal(2, keys.Count);
        Assert.True(keys.IsAuthorized(AuthLevel.Function, "k1"));
        Assert.True(keys.IsAuthorized(AuthLevel.Admin, "k2"));
        Assert.False(keys.IsAuthorized(AuthLevel.Admin, "nope"));
    }

    [Fact]
    public void UnauthorizedAnswersAreTheAgreedProblemDocuments()
    {
        Assert.Equal(
            """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Unauthorized","status":401,"detail":"This API needs a function key in the x-functions-key header or the code query parameter."}""",
            Encoding.UTF8.GetString(Problems.ToJson(Problems.FunctionKeyRequired)));
        Assert.Equal(
            """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Unauthorized","status":401,"detail":"This operation needs the admin key in the x-functions-key header or the code query parameter."}""",
            Encoding.UTF8.GetString(Problems.ToJson(Problems.AdminKeyRequired)));
    }

    [Fact]
    public async Task AProblemResponseIsProblemJsonWithItsLength()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.Response.Headers["X-From-Worker"] = "stale";

        await Problems.WriteAsync(context, Problems.MethodNotAllowed("no"), "GET, PUT");

        Assert.Equal(405, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("GET, PUT", context.Response.Headers.Allow.ToString());
        Assert.False(context.Response.Headers.ContainsKey("X-From-Worker"));
        Assert.Equal(context.Response.Body.Length, context.Response.ContentLength);
    }

    [Theory]
    [InlineData("Anonymous", AuthLevel.Anonymous)]
    [InlineData("anonymous", AuthLevel.Anonymous)]
    [InlineData("Function", AuthLevel.Function)]
    [InlineData(null, AuthLevel.Function)]
    [InlineData("Admin", AuthLevel.Admin)]
    [InlineData("System", AuthLevel.Admin)]
    [InlineData("User", AuthLevel.Admin)]
    public void AuthLevelsParseWithUnknownOnesTreatedStrictly(string? value, AuthLevel expected) =>
        Assert.Equal(expected, FunctionMetadataParser.ParseAuthLevel(value));

    private static HttpRequest Request(string query, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context.Request;
    }
}
