using System.Text;
using Azure.Data.Tables;

namespace MedInsure.Benchmarks.Support;

/// <summary>
/// The raw baseline's transactions, planned once and kept in a temporary file instead of the heap, read back a batch at a
/// time by each run. Held in memory between runs, the ~480,000 rows made the benchmark's heap large enough to change the
/// GC of every later ingestion round (3 gen2 collections instead of about 110), which the function app never has.
/// </summary>
internal sealed class SpilledBatches : IDisposable
{
    private readonly string path;

    private SpilledBatches(string path, int count, IReadOnlyList<string> tables)
    {
        this.path = path;
        Count = count;
        Tables = tables;
    }

    public int Count { get; }

    public IReadOnlyList<string> Tables { get; }

    public static SpilledBatches Write(IEnumerable<(string Table, IReadOnlyList<TableEntity> Rows)> batches)
    {
        var path = Path.Combine(Path.GetTempPath(), $"medinsure-raw-{Guid.NewGuid():N}.bin");
        var count = 0;
        var tables = new List<string>();
        using var writer = new BinaryWriter(File.Create(path), Encoding.UTF8);
        foreach (var (table, rows) in batches)
        {
            if (!tables.Contains(table))
            {
                tables.Add(table);
            }

            writer.Write(table);
            writer.Write(rows.Count);
            foreach (var row in rows)
            {
                WriteEntity(writer, row);
            }

            count++;
        }

        return new SpilledBatches(path, count, tables);
    }

    /// <summary>The batches in the order they were written; <paramref name="take"/> stops early (warm-ups).</summary>
    public async IAsyncEnumerable<(string Table, List<TableEntity> Rows)> ReadAsync(int take = int.MaxValue)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        for (var i = 0; i < Math.Min(take, Count); i++)
        {
            var table = reader.ReadString();
            var count = reader.ReadInt32();
            var rows = new List<TableEntity>(count);
            for (var r = 0; r < count; r++)
            {
                rows.Add(ReadEntity(reader));
            }

            yield return (table, rows);
        }
    }

    public void Dispose() => File.Delete(path);

    private static void WriteEntity(BinaryWriter writer, TableEntity entity)
    {
        // Rows read back from a table: the ETag and the service's timestamp are not written again.
        var properties = entity.Where(p => p.Key is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")).ToList();
        writer.Write(entity.PartitionKey);
        writer.Write(entity.RowKey);
        writer.Write(properties.Count);
        foreach (var (name, value) in properties)
        {
            writer.Write(name);
            switch (value)
            {
                case string s: writer.Write((byte)0); writer.Write(s); break;
                case int i: writer.Write((byte)1); writer.Write(i); break;
                case long l: writer.Write((byte)2); writer.Write(l); break;
                case double d: writer.Write((byte)3); writer.Write(d); break;
                case bool b: writer.Write((byte)4); writer.Write(b); break;
                case DateTimeOffset t: writer.Write((byte)5); writer.Write(t.UtcTicks); break;
                case Guid g: writer.Write((byte)6); writer.Write(g.ToByteArray()); break;
                case byte[] bytes: writer.Write((byte)7); writer.Write(bytes.Length); writer.Write(bytes); break;
                case BinaryData data: writer.Write((byte)7); writer.Write(data.ToMemory().Length); writer.Write(data.ToMemory().Span); break;
                default: throw new NotSupportedException($"property {name} of {entity.PartitionKey}/{entity.RowKey}: {value?.GetType().Name ?? "null"}");
            }
        }
    }

    private static TableEntity ReadEntity(BinaryReader reader)
    {
        var entity = new TableEntity(reader.ReadString(), reader.ReadString());
        for (var p = reader.ReadInt32(); p > 0; p--)
        {
            var name = reader.ReadString();
            entity[name] = reader.ReadByte() switch
            {
                0 => reader.ReadString(),
                1 => reader.ReadInt32(),
                2 => reader.ReadInt64(),
                3 => reader.ReadDouble(),
                4 => reader.ReadBoolean(),
                5 => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
                6 => new Guid(reader.ReadBytes(16)),
                7 => reader.ReadBytes(reader.ReadInt32()),
                var tag => throw new InvalidDataException($"unknown value tag {tag}"),
            };
        }

        return entity;
    }
}
