using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MedInsure.Functions.Calculations;

internal static class CalculationsExtensions
{
    public static IHostApplicationBuilder AddCalculations(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CalculationService>();
        builder.Services.AddSingleton<AnswerService>();
        builder.Services.AddSingleton<RelatedArticles>();
        return builder;
    }
}
