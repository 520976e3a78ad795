namespace MedInsure.Articles.Storage;

/// <summary>
/// A bounded, thread-safe set of recently seen keys: two generations of at most <c>capacity</c> each, so keys in use
/// survive a turnover and memory stays bounded however long the process runs.
/// </summary>
public sealed class RecentIds(int capacity)
{
    private readonly Lock gate = new();
    private HashSet<string> current = new(StringComparer.Ordinal);
    private HashSet<string> previous = new(StringComparer.Ordinal);

    public bool Contains(string id)
    {
        lock (gate)
        {
            return current.Contains(id) || previous.Contains(id);
        }
    }

    public void Add(string id)
    {
        lock (gate)
        {
            if (current.Add(id) && current.Count > capacity)
            {
                (previous, current) = (current, new HashSet<string>(StringComparer.Ordinal));
            }
        }
    }
}
