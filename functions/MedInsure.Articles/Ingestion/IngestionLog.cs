namespace MedInsure.Articles.Ingestion;

internal static partial class IngestionLog
{
    [LoggerMessage(EventId = 100, EventName = "DumpIngested", Level = LogLevel.Information,
        Message = "Dump {Dump} ingested ({Status}): {Articles} articles, {New} new, {Updated} updated, {Unchanged} unchanged")]
    public static partial void DumpIngested(this ILogger logger, string dump, string status, int articles, int @new, int updated, int unchanged);

    [LoggerMessage(EventId = 101, EventName = "DumpRejected", Level = LogLevel.Warning,
        Message = "Dump {Dump} rejected: {Reason}")]
    public static partial void DumpRejected(this ILogger logger, string dump, string reason);

    [LoggerMessage(EventId = 102, EventName = "DumpQuarantined", Level = LogLevel.Warning,
        Message = "Dump {Dump} copied to quarantine as {QuarantineBlob}")]
    public static partial void DumpQuarantined(this ILogger logger, string dump, string quarantineBlob);

    [LoggerMessage(EventId = 103, EventName = "IngestionFailed", Level = LogLevel.Error,
        Message = "Ingestion of {Dump} failed on attempt {Attempt}; it will be retried")]
    public static partial void IngestionFailed(this ILogger logger, Exception exception, string dump, int attempt);

    [LoggerMessage(EventId = 104, EventName = "DumpAlreadyIngested", Level = LogLevel.Information,
        Message = "Dump {Dump} was already ingested as {IngestionId} ({Status}); nothing to do")]
    public static partial void DumpAlreadyIngested(this ILogger logger, string dump, string ingestionId, string status);
}
