namespace MedInsure.Infra.Tests;

/// <summary>The README route-table reader and the route matcher behind the package's auth-level tests.</summary>
public sealed class RouteTableTests
{
    private const string Markdown = """
        # App

        ## HTTP API

        Some text with `GET /not/a/row`.

        | auth | what | route |
        |:---|---|---:|
        | function | two spans | `GET /api/topics`, `GET /api/regions?parent=` |
        | none (data calls need the key) | one span, a list | `GET /api/dashboard`, `/api/dashboard/meta.json`, `/api/dashboard/{file}` |
        | Function | shorthand siblings | `POST /api/calc/contributions`, `/housing-fund` |
        | **admin** | escaped pipe | `GET /api/stats?format=json\|csv` and `curl -G /x` |

        | route | note |
        |---|---|
        | `GET /api/ignored` | a second table |

        ## Next section

        | route | auth |
        |---|---|
        | `GET /api/other` | function |
        """;

    [Fact]
    public void ReadsEveryRouteOfEachRowOfTheFirstTableWithAnAuthColumn()
    {
        var rows = ReadmeRouteTable.Parse(Markdown, "## HTTP API");

        Assert.Equal(4, rows.Count);
        Assert.Equal([new("GET", "/api/topics"), new("GET", "/api/regions")], rows[0].Routes);
        Assert.Equal("function", rows[0].Auth);
        Assert.Equal([new("GET", "/api/dashboard"), new("GET", "/api/dashboard/meta.json"), new("GET", "/api/dashboard/{file}")], rows[1].Routes);
        Assert.Equal([new("POST", "/api/calc/contributions"), new("POST", "/housing-fund")], rows[2].Routes);
        // The escaped pipe stays inside the cell, and the span that is not a route is skipped.
        Assert.Equal([new DocumentedRoute("GET", "/api/stats")], rows[3].Routes);
        Assert.Equal("**admin**", rows[3].Auth);
        Assert.Equal(9, rows[0].Line);
    }

    [Fact]
    public void RefusesASectionWithoutATableThatHasAnAuthColumn()
    {
        Assert.Throws<InvalidDataException>(() => ReadmeRouteTable.Parse("## HTTP API\n\n| route | what |\n|---|---|\n| `GET /` | x |\n", "## HTTP API"));
        Assert.Throws<InvalidDataException>(() => ReadmeRouteTable.Parse(Markdown, "## Missing"));
    }

    [Theory]
    [InlineData("function", "Function")]
    [InlineData("Function key", "Function")]
    [InlineData("**admin**", "Admin")]
    [InlineData("`admin` (master key)", "Admin")]
    [InlineData("none (data calls need the key)", "Anonymous")]
    [InlineData("anonymous", "Anonymous")]
    [InlineData("key", null)]
    [InlineData("", null)]
    public void AuthLevelIsTheFirstWordOfTheCellInTheHostsSpelling(string cell, string? expected)
    {
        Assert.Equal(expected, ReadmeRouteTable.AuthLevel(cell));
    }

    [Theory]
    [InlineData("api/articles", "/api/articles", 2)]
    [InlineData("api/articles/{id}", "/api/articles/{id}", 2)]
    [InlineData("api/articles/{id}", "/api/articles/abc", 2)]
    [InlineData("api/articles", "/api/articles/abc", -1)]
    [InlineData("api/articles/{id}", "/api/articles", -1)]
    [InlineData("api/dashboard/{file}", "/api/dashboard/meta.json", 2)]
    [InlineData("api/dashboard/meta.json", "/api/dashboard/meta.json", 3)]
    [InlineData("API/Health", "/api/health", 2)]
    [InlineData("api/docs/{*rest}", "/api/docs/a/b", 2)]
    [InlineData("api/docs/{*rest}", "/api/docs", 2)]
    [InlineData("api/items/{id?}", "/api/items", 2)]
    [InlineData("{root:maxlength(0)?}", "/", 0)]
    [InlineData("{root:maxlength(0)?}", "/favicon.ico", -1)]
    [InlineData("", "/", 0)]
    [InlineData("", "/api", -1)]
    public void RouteTemplateCountsTheLiteralSegmentsAPathMatches(string template, string path, int expected)
    {
        Assert.Equal(expected, RouteTemplate.Match(template, path));
    }

    [Theory]
    [InlineData("/api/calc/contributions", "/housing-fund", "/api/calc/housing-fund")]
    [InlineData("/api/calc/contributions", "pension", "/api/calc/pension")]
    [InlineData("/api", "/health", "/health")]
    public void SiblingReplacesTheLastSegment(string path, string sibling, string expected)
    {
        Assert.Equal(expected, RouteTemplate.Sibling(path, sibling));
    }
}
