using System.Collections.Concurrent;

namespace MedInsure.Testing.AzureLimits;

/// <summary>A write as a fault rule sees it: a table entity (or one operation of a transaction), or a blob.</summary>
/// <param name="Account">The storage account (tests share one Azurite, each app with an account of its own).</param>
/// <param name="Resource">The table or the blob container.</param>
/// <param name="RowKey">The entity's RowKey, or the blob's name.</param>
public sealed record StorageWrite(string Account, string Method, string Resource, string? PartitionKey, string? RowKey);

/// <summary>Whether a faulted write reaches storage: refused before it (nothing applied), or applied with its answer lost.</summary>
public enum FaultMode
{
    Refuse,
    LoseResponse,
}

/// <summary>
/// Failures injected into the writes that pass through a proxy, for tests that check what a retry leaves behind: the
/// next <c>times</c> writes that match fail with a 500 (a transient error to the client), either before they reach
/// Azurite or after it applied them. A transaction fails as a whole when any of its operations matches.
/// </summary>
public sealed class StorageFaults
{
    private readonly ConcurrentDictionary<Rule, byte> rules = new();

    /// <summary>Fails the next <paramref name="times"/> matching writes; dispose the result to stop early.</summary>
    public IDisposable Fail(Func<StorageWrite, bool> when, int times = 1, FaultMode mode = FaultMode.Refuse)
    {
        var rule = new Rule(when, times, mode, this);
        rules[rule] = 0;
        return rule;
    }

    /// <summary>How many writes the rules have failed so far.</summary>
    public int Injected => injected;

    private int injected;

    internal FaultMode? Take(IReadOnlyCollection<StorageWrite> writes)
    {
        foreach (var rule in rules.Keys)
        {
            if (writes.Any(rule.When) && rule.TryTake())
            {
                Interlocked.Increment(ref injected);
                return rule.Mode;
            }
        }

        return null;
    }

    private sealed class Rule(Func<StorageWrite, bool> when, int times, FaultMode mode, StorageFaults owner) : IDisposable
    {
        private int left = times;

        public Func<StorageWrite, bool> When { get; } = when;

        public FaultMode Mode { get; } = mode;

        public bool TryTake()
        {
            var remaining = Interlocked.Decrement(ref left);
            if (remaining <= 0)
            {
                Dispose();
            }

            return remaining >= 0;
        }

        public void Dispose() => owner.rules.TryRemove(this, out _);
    }
}
