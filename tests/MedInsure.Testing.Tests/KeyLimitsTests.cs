namespace MedInsure.Testing.Tests;

/// <summary>PartitionKey and RowKey: at most 1 KiB (512 UTF-16 characters), none of / \ # ? or control characters.</summary>
public sealed class KeyLimitsTests(AzuriteFixture azurite)
{
    public static TheoryData<string> Disallowed => ["/", "\\", "#", "?", "\u0000", "\t", "\n", "\r", "\u001F", "\u007F", "\u0080", "\u009F"];

    public static TheoryData<string> AllowedNeighbours => [" ", "~", "'", "%", "|", "}", "\u00A0", "文"];

    [Fact]
    public async Task KeysOf512CharactersAreStoredAnd513AreRefused()
    {
        var table = await azurite.NewTableAsync();
        var fits = new string('k', 512);
        var over = new string('k', 513);

        await table.AddEntityAsync(new TableEntity(fits, fits));
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(new TableEntity(over, "r")), 400, "OutOfRangeInput");
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", over)), 400, "OutOfRangeInput");
        await Entities.Refused<RequestFailedException>(() => table.UpsertEntityAsync(new TableEntity(fits, over)), 400, "OutOfRangeInput");

        Assert.Equal(fits, (await table.GetEntityAsync<TableEntity>(fits, fits)).Value.RowKey);
        Assert.Equal(1, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(Disallowed))]
    public async Task KeyWithADisallowedCharacterIsRefusedInTheBodyTheUrlAndATransaction(string character)
    {
        var table = await azurite.NewTableAsync();
        var key = $"a{character}b";

        // Insert: the keys are in the body. Upsert, read and delete: in the URL (and the body).
        var refused = await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", key)), 400, "OutOfRangeInput");
        Assert.Contains("'RowKey' parameter", refused.Message, StringComparison.Ordinal);
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(new TableEntity(key, "r")), 400, "OutOfRangeInput");
        // Kestrel itself refuses a request target holding %00, with a bare 400 before the proxy sees it.
        var inUrl = character == "\u0000" ? null : "OutOfRangeInput";
        await Entities.Refused<RequestFailedException>(() => table.UpsertEntityAsync(new TableEntity(key, "r")), 400, inUrl);
        await Entities.Refused<RequestFailedException>(() => table.GetEntityAsync<TableEntity>("p", key), 400, inUrl);
        await Entities.Refused<RequestFailedException>(() => table.DeleteEntityAsync("p", key), 400, inUrl);
        await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "ok")),
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", key))]), 1, "OutOfRangeInput");
        await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity("p", key), ETag.All)]), 0, "OutOfRangeInput");

        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Theory]
    [MemberData(nameof(AllowedNeighbours))]
    public async Task KeyWithAnAllowedCharacterIsStoredReadAndDeleted(string character)
    {
        var table = await azurite.NewTableAsync();
        var key = $"a{character}b";

        await table.AddEntityAsync(new TableEntity(key, key));
        await table.SubmitTransactionAsync([Entities.Upsert(new TableEntity(key, key + "2"))]);

        Assert.Equal(key, (await table.GetEntityAsync<TableEntity>(key, key)).Value.RowKey);
        await table.DeleteEntityAsync(key, key);
        Assert.Equal(1, await table.QueryAsync<TableEntity>().CountAsync());
    }
}
