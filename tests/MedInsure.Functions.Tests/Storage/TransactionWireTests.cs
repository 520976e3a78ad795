using Azure;
using Azure.Data.Tables;
using MedInsure.Articles.Storage;

namespace MedInsure.Functions.Tests.Storage;

public sealed class TransactionWireTests(AzuriteFixture azurite)
{
    private TransactionWire Wire() => azurite.NewTransactionWire();

    [Fact]
    public async Task EveryActionTypeLeavesTheRowsTheClientLibraryWouldAndReportsTheirNewETags()
    {
        var table = await azurite.NewTableAsync("wire");
        var replaced = (await table.AddEntityAsync(new TableEntity("p", "replaced") { ["Old"] = "x", ["Value"] = 0 })).Headers.ETag!.Value;
        var merged = (await table.AddEntityAsync(new TableEntity("p", "merged") { ["Old"] = "x", ["Value"] = 0 })).Headers.ETag!.Value;
        var deleted = (await table.AddEntityAsync(new TableEntity("p", "deleted"))).Headers.ETag!.Value;
        await table.AddEntityAsync(new TableEntity("p", "upserted") { ["Old"] = "x" });
        await table.AddEntityAsync(new TableEntity("p", "upmerged") { ["Old"] = "x" });

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new TableEntity("p", "added") { ["Value"] = 1 }),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upserted") { ["Value"] = 2 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity("p", "upmerged") { ["Value"] = 3 }),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "replaced") { ["Value"] = 4 }, replaced),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "merged") { ["Value"] = 5 }, merged),
            new(TableTransactionActionType.Delete, new TableEntity("p", "deleted"), deleted),
        };
        var etags = await Wire().TrySubmitAsync(table.Name, actions);

        Assert.NotNull(etags);
        var rows = await table.QueryAsync<TableEntity>().ToDictionaryAsync(e => e.RowKey);
        Assert.Equal(["added", "merged", "replaced", "upmerged", "upserted"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3, 4, 5], new[] { "added", "upserted", "upmerged", "replaced", "merged" }.Select(k => rows[k].GetInt32("Value")));
        // Replace drops the old property; merge keeps it.
        Assert.Null(rows["upserted"].GetString("Old"));
        Assert.Null(rows["replaced"].GetString("Old"));
        Assert.Equal("x", rows["upmerged"].GetString("Old"));
        Assert.Equal("x", rows["merged"].GetString("Old"));
        foreach (var (key, i) in new[] { "added", "upserted", "upmerged", "replaced", "merged" }.Select((k, i) => (k, i)))
        {
            Assert.Equal(rows[key].ETag, etags[i]);
        }
    }

    [Fact]
    public async Task PropertiesReadBackWithTheirTypesAndValues()
    {
        var table = await azurite.NewTableAsync("wire");
        var written = new TableEntity("江西|360000", "it's 萍乡 100%+1")
        {
            ["Text"] = "缴费基数 8400 元，个人扣多少？\n\"quoted\" \\ tab\t",
            ["Int"] = -7,
            ["Long"] = long.MaxValue,
            ["Double"] = 2.0,
            ["Fraction"] = 0.1,
            ["Flag"] = true,
            ["When"] = new DateTimeOffset(2026, 12, 2, 8, 30, 15, 123, TimeSpan.FromHours(8)),
            ["Id"] = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff"),
            ["Bytes"] = new byte[] { 0, 1, 254, 255 },
        };

        Assert.NotNull(await Wire().TrySubmitAsync(table.Name, [new(TableTransactionActionType.UpsertReplace, written), new(TableTransactionActionType.Add, new TableEntity(written.PartitionKey, "second"))]));

        var read = (await table.GetEntityAsync<TableEntity>(written.PartitionKey, written.RowKey)).Value;
        Assert.Equal(written.GetString("Text"), read.GetString("Text"));
        Assert.Equal(-7, read.GetInt32("Int"));
        Assert.Equal(long.MaxValue, read.GetInt64("Long"));
        Assert.Equal(2.0, read.GetDouble("Double"));
        Assert.Equal(0.1, read.GetDouble("Fraction"));
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(written.GetDateTimeOffset("When"), read.GetDateTimeOffset("When"));
        Assert.Equal(written.GetGuid("Id"), read.GetGuid("Id"));
        Assert.Equal([0, 1, 254, 255], read.GetBinary("Bytes"));
    }

    [Fact]
    public async Task RefusedTransactionWritesNothingAndIsReportedForTheClientLibraryToResend()
    {
        var table = await azurite.NewTableAsync("wire");
        var stale = (await table.AddEntityAsync(new TableEntity("p", "row") { ["Value"] = 0 })).Headers.ETag!.Value;
        await table.UpdateEntityAsync(new TableEntity("p", "row") { ["Value"] = 1 }, stale, TableUpdateMode.Replace);

        var wire = Wire();
        var duplicate = await wire.TrySubmitAsync(table.Name, [
            new(TableTransactionActionType.Add, new TableEntity("p", "new")),
            new(TableTransactionActionType.Add, new TableEntity("p", "row"))]);
        var outdated = await wire.TrySubmitAsync(table.Name, [
            new(TableTransactionActionType.Add, new TableEntity("p", "other")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "row") { ["Value"] = 2 }, stale)]);

        Assert.Null(duplicate);
        Assert.Null(outdated);
        Assert.Equal(["row"], await table.QueryAsync<TableEntity>().Select(e => e.RowKey).ToListAsync());
        Assert.Equal(1, (await table.GetEntityAsync<TableEntity>("p", "row")).Value.GetInt32("Value"));
    }

    [Theory]
    [InlineData("UseDevelopmentStorage=true", "devstoreaccount1", "http://127.0.0.1:10002/devstoreaccount1")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=medinsure;AccountKey=AAAA;EndpointSuffix=core.chinacloudapi.cn", "medinsure", "https://medinsure.table.core.chinacloudapi.cn/")]
    [InlineData("AccountName=a;AccountKey=AAAA;TableEndpoint=http://127.0.0.1:1234/a", "a", "http://127.0.0.1:1234/a")]
    public void SharedKeyConnectionStringsNameTheAccountAndTableEndpoint(string connectionString, string account, string endpoint)
    {
        var (name, _, uri) = TransactionWire.SharedKeyOf(connectionString)!.Value;

        Assert.Equal(account, name);
        Assert.Equal(new Uri(endpoint), uri);
    }

    [Fact]
    public void SasConnectionStringLeavesTransactionsToTheClientLibrary() =>
        Assert.Null(TransactionWire.For(
            new StorageConnection("TableEndpoint=https://a.table.core.windows.net/;SharedAccessSignature=sv=2022-11-02&sig=x", null, null, null), new TableClientOptions()));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SettingDecidesWhetherWritersGetTheWire(bool direct)
    {
        var connection = new StorageConnection(azurite.Azurite.ConnectionString, null, null, null);
        var storage = new StorageProvisioner(connection.CreateTableServiceClient(), connection.CreateBlobServiceClient(),
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { WriteTransactionsDirectly = direct }), connection);

        Assert.Equal(direct, storage.Wire is not null);
    }
}
