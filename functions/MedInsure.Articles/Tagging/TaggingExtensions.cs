using MedInsure.Tagging;
using MedInsure.Tagging.Regions;

namespace MedInsure.Articles.Tagging;

internal static class TaggingExtensions
{
    public static IServiceCollection AddTagging(this IServiceCollection services)
    {
        // Loaded on first use, once per process: start-up stays fast for the host's readiness probe.
        services.AddSingleton(_ => new Lazy<ITopicClassifier>(() => TopicClassifier.LoadDefault(), LazyThreadSafetyMode.ExecutionAndPublication));
        services.AddSingleton(_ => new Lazy<RegionGazetteer>(RegionGazetteer.LoadDefault, LazyThreadSafetyMode.ExecutionAndPublication));
        services.AddSingleton(sp =>
        {
            var gazetteer = sp.GetRequiredService<Lazy<RegionGazetteer>>();
            return new Lazy<IRegionTagger>(() => new RegionTagger(gazetteer.Value), LazyThreadSafetyMode.ExecutionAndPublication);
        });
        services.AddSingleton<IArticleAnalyzer, ArticleAnalyzer>();
        services.AddSingleton<RetagService>();
        return services;
    }
}
