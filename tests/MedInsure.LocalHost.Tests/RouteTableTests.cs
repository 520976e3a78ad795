using System.Text.Json;

namespace MedInsure.LocalHost.Tests;

public sealed class RouteTableTests
{
    internal static FunctionInfo Http(string name, string? route, string methods = "get", string authLevel = "Anonymous", string prefix = "api")
    {
        var routeJson = route is null ? "" : $""","route":{JsonSerializer.Serialize(route)}""";
        var methodsJson = JsonSerializer.Serialize(methods.Length == 0 ? [] : methods.Split(','));
        var binding = $$"""{"name":"req","direction":"In","type":"httpTrigger","authLevel":"{{authLevel}}","methods":{{methodsJson}}{{routeJson}}}""";
        return FunctionMetadataParser.Parse(name, name + "-id", [binding, """{"name":"$return","type":"http","direction":"Out"}"""], prefix);
    }

    private static RouteTable Table(params FunctionInfo[] functions) => new(functions);

    [Fact]
    public void LiteralSegmentsBeatParametersWhateverTheOrder()
    {
        var table = Table(Http("GetItem", "items/{id}"), Http("Special", "items/special"));

        var special = table.Match("GET", "/api/items/special");
        var item = table.Match("GET", "/api/items/42");

        Assert.Equal("Special", special.Function?.Name);
        Assert.Equal("GetItem", item.Function?.Name);
        Assert.Equal("42", item.Values["id"]);
    }

    [Fact]
    public void ConstrainedParametersBeatPlainOnesAndCatchAllsComeLast()
    {
        var table = Table(Http("CatchAll", "files/{*rest}"), Http("Plain", "files/{name}"), Http("Numbered", "files/{n:int}"));

        Assert.Equal("Numbered", table.Match("GET", "/api/files/7").Function?.Name);
        Assert.Equal("Plain", table.Match("GET", "/api/files/readme").Function?.Name);
        var deep = table.Match("GET", "/api/files/a/b/c");
        Assert.Equal("CatchAll", deep.Function?.Name);
        Assert.Equal("a/b/c", deep.Values["rest"]);
    }

    [Fact]
    public void ConstraintsRejectValuesThatDoNotFit()
    {
        var table = Table(Http("Big", "big/{mb:int}"));

        Assert.Equal(RouteMatchKind.NotFound, table.Match("GET", "/api/big/abc").Kind);
        Assert.Equal("5", table.Match("GET", "/api/big/5").Values["mb"]);
    }

    [Fact]
    public void AnOptionalEmptyParameterServesTheRootWhenThereIsNoPrefix()
    {
        var table = Table(Http("Root", "{ignored:maxlength(0)?}", prefix: ""), Http("Hello", "hello", prefix: ""));

        Assert.Equal("Root", table.Match("GET", "/").Function?.Name);
        Assert.Equal("Hello", table.Match("GET", "/hello").Function?.Name);
        Assert.Equal(RouteMatchKind.NotFound, table.Match("GET", "/other").Kind);
    }

    [Fact]
    public void ThePrefixIsPartOfEveryTemplateAndMatchingIgnoresCase()
    {
        var table = Table(Http("Hello", "hello"));

        Assert.Equal(RouteMatchKind.NotFound, table.Match("GET", "/hello").Kind);
        Assert.Equal("Hello", table.Match("GET", "/API/Hello").Function?.Name);
        Assert.Equal("Hello", table.Match("get", "/api/hello/").Function?.Name);
    }

    [Fact]
    public void AFunctionWithoutARouteIsServedUnderItsName()
    {
        var function = Http("Health", route: null);
        Assert.Equal("api/Health", function.HttpTrigger!.RouteTemplate);
        Assert.Equal("Health", Table(function).Match("GET", "/api/health").Function?.Name);
    }

    [Fact]
    public void AKnownPathWithTheWrongMethodIsMethodNotAllowedWithTheAllowedMethods()
    {
        var table = Table(Http("GetItem", "items/{id}"), Http("PutItem", "items/{id}", "put,patch"));

        var match = table.Match("DELETE", "/api/items/1");

        Assert.Equal(RouteMatchKind.MethodNotAllowed, match.Kind);
        Assert.Equal(3, match.AllowedMethods.Count);
        Assert.Contains("GET", match.AllowedMethods);
        Assert.Contains("PATCH", match.AllowedMethods);
    }

    [Fact]
    public void TheMethodFiltersBeforeSpecificityDecides()
    {
        var table = Table(Http("Special", "items/special", "get"), Http("PostItem", "items/{id}", "post"));

        Assert.Equal("PostItem", table.Match("POST", "/api/items/special").Function?.Name);
        Assert.Equal("Special", table.Match("GET", "/api/items/special").Function?.Name);
    }

    [Fact]
    public void NoMethodsMeansAnyMethod()
    {
        var table = Table(Http("Any", "any", methods: ""));

        Assert.Equal("Any", table.Match("DELETE", "/api/any").Function?.Name);
    }

    [Fact]
    public void AnUnknownConstraintFailsStartUpClearly()
    {
        var ex = Assert.Throws<LocalHostStartException>(() => Table(Http("Odd", "odd/{x:nosuchthing}")));
        Assert.Contains("nosuchthing", ex.Message, StringComparison.Ordinal);
    }
}
