namespace MedInsure.Testing.Tests;

/// <summary>Entities: 1 MiB by Azure's size formula, string and binary values of 64 KiB, 252 custom properties.</summary>
public sealed class EntityLimitsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EntityOfExactlyOneMiBIsStoredAndOneByteMoreIsRefused()
    {
        var table = await azurite.NewTableAsync();

        await table.AddEntityAsync(Entities.OfSize(Entities.MiB, rowKey: "fits"));
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(Entities.OfSize(Entities.MiB + 1, rowKey: "over")), 400, "EntityTooLarge");
        await Entities.Refused<RequestFailedException>(() => table.UpsertEntityAsync(Entities.OfSize(Entities.MiB + 1, rowKey: "fits")), 400, "EntityTooLarge");

        Assert.Equal(["fits"], await table.QueryAsync<TableEntity>(select: ["RowKey"]).Select(e => e.RowKey).ToListAsync());
    }

    [Fact]
    public async Task EntityOverOneMiBInATransactionIsRefusedAtItsIndex()
    {
        var table = await azurite.NewTableAsync();

        await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            Entities.Upsert(new TableEntity("p", "small")),
            Entities.Upsert(Entities.OfSize(Entities.MiB + 1, rowKey: "big"))]), 1, "EntityTooLarge");
        Assert.Equal(0, await table.QueryAsync<TableEntity>().CountAsync());

        await table.SubmitTransactionAsync([Entities.Upsert(new TableEntity("p", "small")), Entities.Upsert(Entities.OfSize(Entities.MiB, rowKey: "big"))]);
        Assert.Equal(2, await table.QueryAsync<TableEntity>(select: ["RowKey"]).CountAsync());
    }

    [Fact]
    public async Task StringOf32KCharactersIsStoredAndOneMoreIsRefused()
    {
        var table = await azurite.NewTableAsync();

        await table.AddEntityAsync(new TableEntity("p", "fits") { ["Text"] = new string('文', 32_768) });
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("p", "over") { ["Text"] = new string('文', 32_769) }), 400, "PropertyValueTooLarge");
        await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            Entities.Upsert(new TableEntity("p", "a")),
            Entities.Upsert(new TableEntity("p", "b")),
            Entities.Upsert(new TableEntity("p", "c") { ["Text"] = new string('x', 32_769) })]), 2, "PropertyValueTooLarge");

        Assert.Equal(32_768, (await table.GetEntityAsync<TableEntity>("p", "fits")).Value.GetString("Text")!.Length);
        Assert.Equal(1, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task BinaryOf64KiBIsStoredAndOneByteMoreIsRefused()
    {
        var table = await azurite.NewTableAsync();

        await table.AddEntityAsync(new TableEntity("p", "fits") { ["Data"] = new byte[65_536] });
        await Entities.Refused<RequestFailedException>(() => table.UpsertEntityAsync(new TableEntity("p", "over") { ["Data"] = new byte[65_537] }), 400, "PropertyValueTooLarge");
        await Entities.RefusedAt(() => table.SubmitTransactionAsync([
            Entities.Upsert(new TableEntity("p", "a") { ["Data"] = new byte[65_537] })]), 0, "PropertyValueTooLarge");

        Assert.Equal(65_536, (await table.GetEntityAsync<TableEntity>("p", "fits")).Value.GetBinary("Data")!.Length);
        Assert.Equal(1, await table.QueryAsync<TableEntity>().CountAsync());
    }

    [Fact]
    public async Task TwoHundredFiftyTwoCustomPropertiesAreStoredAnd253AreRefused()
    {
        var table = await azurite.NewTableAsync();
        static TableEntity WithProperties(string rowKey, int count)
        {
            var entity = new TableEntity("p", rowKey);
            for (var i = 0; i < count; i++)
            {
                // Int64 values carry an odata.type annotation each: annotations are not properties.
                entity[$"P{i:D3}"] = (long)i;
            }

            return entity;
        }

        await table.AddEntityAsync(WithProperties("fits", 252));
        await Entities.Refused<RequestFailedException>(() => table.AddEntityAsync(WithProperties("over", 253)), 400, "TooManyProperties");
        await Entities.RefusedAt(() => table.SubmitTransactionAsync([Entities.Upsert(new TableEntity("p", "a")), Entities.Upsert(WithProperties("b", 253))]), 1, "TooManyProperties");

        var stored = (await table.GetEntityAsync<TableEntity>("p", "fits")).Value;
        Assert.Equal(251L, stored.GetInt64("P251"));
        Assert.Equal(1, await table.QueryAsync<TableEntity>().CountAsync());
    }
}
