namespace MedInsure.Functions.Tests.Calculations;

public sealed class FactCheckIngestionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IngestedArticleWithWrongArithmeticAndAMismatchedTitleBaseIsFlaggedAndACorrectOneIsNot()
    {
        await using var app = await MedInsureApplication.StartAsync(azurite.Azurite);
        const string wrong = "社保基数8500个人每月交多少";
        const string right = "社保基数8400个人每月交多少钱";
        await app.UploadAsync("wrong.txt", TestDumps.Page(wrong, "养老保险：8400 × 8% = 672元，医疗保险：8400 × 2% = 168元。\n也有文章写成 8600元 × 8% = 698元。"));
        await app.UploadAsync("right.txt", TestDumps.Page(right, "养老保险：8400 × 8% = 672元，医疗保险：8400 × 2% = 168元，合计840元。"));

        Assert.Equal(2, await app.TriggerAsync());

        var articles = await app.AllArticlesAsync();
        var flags = Flags(articles.Single(a => a.GetString("Title") == wrong));
        Assert.Equal(["arithmetic-mismatch", "title-body-mismatch"], flags.Select(f => f.GetProperty("code").GetString()).Order());
        var arithmetic = JsonDocument.Parse(flags.Single(f => f.GetProperty("code").GetString() == "arithmetic-mismatch").GetProperty("detail").GetString()!).RootElement;
        Assert.Equal("8600元 × 8% = 698元", arithmetic.GetProperty("expression").GetString());
        Assert.Equal((698m, 688m), (arithmetic.GetProperty("stated").GetDecimal(), arithmetic.GetProperty("computed").GetDecimal()));
        var title = JsonDocument.Parse(flags.Single(f => f.GetProperty("code").GetString() == "title-body-mismatch").GetProperty("detail").GetString()!).RootElement;
        Assert.Equal((8500m, 8400m), (title.GetProperty("stated").GetDecimal(), title.GetProperty("computed").GetDecimal()));

        Assert.Empty(Flags(articles.Single(a => a.GetString("Title") == right)));
    }

    private static List<JsonElement> Flags(Azure.Data.Tables.TableEntity article) =>
        [.. JsonDocument.Parse(article.GetString("Flags") ?? "[]").RootElement.EnumerateArray()];
}
