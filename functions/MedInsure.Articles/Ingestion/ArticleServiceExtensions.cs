using MedInsure.Articles.Calculations;
using MedInsure.Articles.Catalog;
using MedInsure.Articles.Queries;
using MedInsure.Articles.Stats;
using MedInsure.Articles.Storage;
using MedInsure.Articles.Tagging;
using MedInsure.Parsing;

namespace MedInsure.Articles.Ingestion;

public static class ArticleServiceExtensions
{
    /// <summary>Every service of the article domain: storage, ingestion, tagging, the query index and the statistics
    /// (both kept in step by observers of article changes) and the calculations. The function app and the CLI register
    /// the same set, so whatever either writes keeps the derived tables exact.</summary>
    public static IHostApplicationBuilder AddArticleServices(this IHostApplicationBuilder builder)
    {
        builder.AddStorage();
        var services = builder.Services;
        services.AddOptions<DumpParserOptions>().BindConfiguration("Parser");
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new DumpReader(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DumpParserOptions>>().Value));
        services.AddSingleton<SightingStore>();
        services.AddSingleton<ArticleStore>();
        services.AddSingleton<IngestionRecords>();
        services.AddSingleton<IngestionService>();
        services.AddTagging();

        services.AddSingleton<IArticleChangeObserver, ArticleIndexObserver>();
        services.AddSingleton<ArticleQueryService>();
        services.AddSingleton<CatalogService>();

        services.AddSingleton<StatsStore>();
        services.AddSingleton<StatsService>();
        services.AddSingleton<IArticleChangeObserver, StatsObserver>();

        services.AddSingleton<MedInsure.Articles.Rebuild.DerivedRebuild>();
        services.AddSingleton<MedInsure.Articles.Operations.AdminOperations>();

        services.AddSingleton<CalculationService>();
        services.AddSingleton<AnswerService>();
        services.AddSingleton<RelatedArticles>();
        return builder;
    }
}
