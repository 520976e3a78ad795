using Azure;
using Azure.Data.Tables;
using MedInsure.Tagging.Regions;

namespace MedInsure.Functions.Tests.Storage;

/// <summary>The checks the writers make before a write is sent, and the size estimate they cut transactions by.</summary>
public sealed class TableLimitsTests(AzuriteFixture azurite)
{
    public static TheoryData<string> AllowedKeys => ["", "0", "id|0123456789abcdef", "time|9999999999999999999-0123456789abcdef-0001", "r||000000", "k:4E2D6587", "it's 萍乡 100%+1", "\u00A0~ |}", new string('k', 512)];

    public static TheoryData<string> DisallowedKeys => ["a/b", "a\\b", "a#b", "a?b", "a\u0000b", "a\tb", "a\nb", "a\u001Fb", "a\u007Fb", "a\u0085b", "a\u009Fb", new string('k', 513)];

    [Theory]
    [MemberData(nameof(AllowedKeys))]
    public void KeysAzureTakesPass(string key) => Assert.Null(TableLimits.KeyProblem(key));

    [Theory]
    [MemberData(nameof(DisallowedKeys))]
    public void KeysAzureRefusesAreNamedWithTheReason(string key)
    {
        var problem = TableLimits.KeyProblem(key);

        Assert.NotNull(problem);
        Assert.Contains(key.Length > 512 ? "513 characters long" : "contains", problem, StringComparison.Ordinal);
        var refused = Assert.Throws<TableWriteRejectedException>(() => TableLimits.EnsureWritable("articles",
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("0", key), ETag.All)));
        Assert.StartsWith("Table 'articles', PartitionKey '0', RowKey '", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the RowKey " + problem, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EntityBytesFollowAzuresFormula()
    {
        var entity = new TableEntity("pk", "rowkey")
        {
            ["S"] = "abc", ["B"] = new byte[5], ["I"] = 1, ["L"] = 2L, ["D"] = 1.5, ["T"] = DateTimeOffset.UnixEpoch,
            ["G"] = Guid.Empty, ["F"] = true, ["N"] = null,
        };

        // 4 + (2 + 6) × 2; then 8 + name × 2 + value: "abc" 3 × 2 + 4, binary 5 + 4, Int32 4, Int64/Double/DateTime 8,
        // Guid 16, Boolean 1; a null is not stored.
        Assert.Equal(20 + 20 + 19 + 14 + 18 + 18 + 18 + 26 + 11, TableLimits.EntityBytes(entity));
    }

    [Fact]
    public void EntityOfExactlyOneMiBIsWritableAndOneByteMoreIsNot()
    {
        // 4 + 2 × 2 for the keys, 8 + 2 + 4 + n for "B".
        static TableTransactionAction Upsert(int bytes) =>
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "r") { ["B"] = new byte[bytes - 8 - 14] });

        TableLimits.EnsureWritable("stats", Upsert(TableLimits.MaxEntityBytes));
        var refused = Assert.Throws<TableWriteRejectedException>(() => TableLimits.EnsureWritable("stats", Upsert(TableLimits.MaxEntityBytes + 1)));
        Assert.Contains("1,048,577 bytes", refused.Message, StringComparison.Ordinal);
        // A delete carries no entity.
        TableLimits.EnsureWritable("stats", new(TableTransactionActionType.Delete, Upsert(TableLimits.MaxEntityBytes + 1).Entity, ETag.All));
    }

    [Fact]
    public async Task EstimatesBoundTheTransactionBodyAzureDataTablesSends()
    {
        var bodies = new List<long>();
        var table = await azurite.NewTableAsync("e", bodies);
        const string partition = "江西|p";
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity(partition, "it's 萍乡 100%+1")
            {
                ["Text"] = "缴费基数 8400 元，个人扣多少？\n\"quoted\" \\ <tag> & 'x' + `y`\t😀",
                ["Int"] = int.MinValue, ["Long"] = long.MinValue, ["Double"] = -1.7976931348623157E+308, ["Flag"] = false,
                ["When"] = new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero).AddTicks(9999), ["Id"] = Guid.NewGuid(),
                ["Bytes"] = new byte[1000], ["Nothing"] = null, ["名前"] = "值",
            }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, "ascii") { ["Text"] = new string('a', 20_000) }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(partition, "cjk") { ["Text"] = new string('文', 20_000) }),
            new(TableTransactionActionType.Delete, new TableEntity(partition, "gone"), new ETag("W/\"datetime'2026-12-02T08%3A30%3A15.1234567Z'\"")),
        };

        // The delete of a missing row fails the transaction; what counts here is the body that was sent.
        await Assert.ThrowsAsync<TableTransactionFailedException>(() => table.SubmitTransactionAsync(actions));

        var estimate = actions.Sum(TableLimits.EstimatedTransactionBytes);
        Assert.InRange(Assert.Single(bodies), 1, estimate + 512);
    }

    public static TheoryData<string> Titles => ["江西萍乡社保基数8400个人扣多少", "a/b\\c#d?e 'quoted' 100%", "tab\tnew\nline\u0000\u007F\u0085", new string('长', 2_000), "   ", "😀 emoji"];

    [Theory]
    [MemberData(nameof(Titles))]
    public void EveryKeyTheAppBuildsForAnArticlePasses(string title)
    {
        var gazetteer = RegionGazetteer.LoadDefault();
        foreach (var date in new DateOnly?[] { new DateOnly(2026, 12, 2), null })
        {
            var article = Article(title, date);
            var keys = new List<string> { ArticleIdentity.PartitionFor(article.Id), article.Id };
            keys.AddRange(ArticleIndex.RowsFor(article).SelectMany(row => new[] { row.PartitionKey, row.RowKey }));
            keys.AddRange(StatsKeys.CellKeys(StatsContribution.Of(article), gazetteer)
                .SelectMany(cell => new[] { cell.PartitionKey, cell.RowKey, StatsWriter.MemberRowKey(cell.RowKey, article.Id) }));

            Assert.All(keys, key => Assert.Null(TableLimits.KeyProblem(key)));
        }
    }

    [Fact]
    public void TheFullestArticleTheMapperWritesStaysUnderOneMiB()
    {
        // The longest inline body (4 chunks of 30,000 characters), the longest title and 100 earlier derived states:
        // sightings live in their own table, so nothing else in the entity grows with the number of dumps.
        var prior = Enumerable.Range(0, 100).Select(i => new DerivedState("reimbursement", i % 2 == 0, "360302", "360000", "360300", "360302",
            "arithmetic-mismatch,sum-mismatch", new DateOnly(2026, 1, 1).AddDays(i))).ToList();
        var article = Article(new string('题', 500), new DateOnly(2026, 12, 2)) with
        {
            Body = new string('文', ArticleEntityMapper.MaxInlineBodyChars),
            ShortAnswer = new string('答', 2_000),
            PriorDerived = prior,
        };

        var entity = ArticleEntityMapper.ToEntity(article);

        Assert.InRange(TableLimits.EntityBytes(entity), 240_000, TableLimits.MaxEntityBytes);
        TableLimits.EnsureWritable("articles", new(TableTransactionActionType.Add, entity));
    }

    private static StoredArticle Article(string title, DateOnly? date) => new()
    {
        Id = ArticleIdentity.IdFor(title),
        Title = title,
        Body = "门诊统筹按比例报销。",
        Date = date,
        Tags = new ArticleTags("reimbursement", 0.9, true, "v1", "360302", "安源区", "360000", "360300", "360302", ["110000"]),
        Flags = [new("arithmetic-mismatch", "8400 × 8% ≠ 700"), new("sum-mismatch", "")],
        FirstSeenAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
        CreatedBy = "0123456789abcdef",
        UpdatedBy = "0123456789abcdef",
    };
}
