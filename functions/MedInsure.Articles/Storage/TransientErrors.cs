using Azure;

namespace MedInsure.Articles.Storage;

public static class TransientErrors
{
    /// <summary>Storage outages and throttling: worth retrying later rather than rejecting the dump.</summary>
    public static bool IsTransient(this Exception ex) => ex switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or IOException => true,
        AggregateException a => a.InnerExceptions.Any(IsTransient),
        _ => ex.InnerException?.IsTransient() ?? false,
    };
}
