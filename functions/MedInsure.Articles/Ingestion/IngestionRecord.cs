namespace MedInsure.Articles.Ingestion;

public static class IngestionStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Partial = "partial";
    public const string Rejected = "rejected";
    public const string Failed = "failed";

    public static bool IsFinal(string status) => status is Succeeded or Partial or Rejected;
}

/// <summary>What happened to one dump (or one member of a zip): the content team's receipt.</summary>
public sealed record IngestionRecord
{
    public required string Id { get; init; }

    /// <summary>Blob name in the dumps container; for a zip member "bundle.zip/member.txt".</summary>
    public required string Dump { get; init; }

    /// <summary>For a zip member, the zip's ingestion id.</summary>
    public string? Parent { get; init; }

    public required string Status { get; init; }
    public int Articles { get; init; }
    public int New { get; init; }
    public int Updated { get; init; }
    public int Unchanged { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public string? Reason { get; init; }
    public string? Encoding { get; init; }
    public string? ContentHash { get; init; }
    public long Size { get; init; }
    public string? QuarantineBlob { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}
