using MedInsure.Tagging.Regions;

namespace MedInsure.Tagging.Tests.Regions;

// Loading and indexing the gazetteer takes a while; every region test shares one instance.
internal static class RegionFixture
{
    private static readonly Lazy<RegionTagger> LazyTagger = new(RegionTagger.LoadDefault);

    public static RegionTagger Tagger => LazyTagger.Value;

    public static RegionGazetteer Gazetteer => Tagger.Gazetteer;

    public static string Code(string title, string? body = null) => Tagger.Tag(title, body).Primary.Code;
}
