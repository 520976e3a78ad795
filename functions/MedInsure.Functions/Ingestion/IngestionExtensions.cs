using MedInsure.Functions.HostProtocol;
using MedInsure.Functions.Tagging;
using MedInsure.Parsing;
using MedInsure.Tagging;

namespace MedInsure.Functions.Ingestion;

internal static class IngestionExtensions
{
    public static IHostApplicationBuilder AddIngestion(this IHostApplicationBuilder builder, bool standalone)
    {
        builder.Services.AddOptions<DumpParserOptions>().BindConfiguration("Parser");
        builder.Services.AddOptions<BlobTriggerOptions>().BindConfiguration(BlobTriggerOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new DumpReader(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DumpParserOptions>>().Value));
        builder.Services.AddSingleton<ArticleStore>();
        builder.Services.AddSingleton<IngestionRecords>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddSingleton<HostInvocationHandler>();
        builder.Services.AddTagging();

        // In Azure the host owns the trigger; standalone, a stand-in watches the dumps container.
        builder.Services.AddSingleton<BlobTriggerEmulator>();
        if (standalone)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<BlobTriggerEmulator>());
        }

        return builder;
    }
}
