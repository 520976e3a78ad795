using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

// Root namespace on purpose: a MedInsure.Tagging.Topics namespace would clash with the Topics taxonomy class.
namespace MedInsure.Tagging;

/// <summary>
/// The serving form of the trained topic model: the same arithmetic as the ML.NET pipeline (text normalisation,
/// character 1-3-grams with start/end markers, term counts, per-field L2 norm, one linear model per class, Platt
/// calibration, one-versus-all rescaling) without ML.NET's row machinery. `MedInsure.Training` exports it from the
/// fitted ML.NET model into the model zip (entry <see cref="ZipEntryName"/>) and refuses to save a model whose
/// exported scorer disagrees with ML.NET on the training and test rows; ML.NET stays the reference.
/// Immutable after construction, so one instance serves any number of threads.
/// </summary>
public sealed class TopicScorer
{
    /// <summary>Where the scorer lives inside the ML.NET model zip (ML.NET ignores entries it does not know).</summary>
    public const string ZipEntryName = "MedInsure/topic-scorer.bin";

    /// <summary>Bump when the binary layout changes; readers reject other versions.</summary>
    public const int FormatVersion = 1;

    /// <summary>ML.NET's character tokenizer wraps every non-empty text in STX … ETX.</summary>
    public const char StartMarker = '\u0002';

    public const char EndMarker = '\u0003';

    private const int MaxNgram = 3;
    private const int StackChars = 512;
    private static ReadOnlySpan<byte> Magic => "MITS"u8;

    [ThreadStatic]
    private static int[]? t_counts;

    [ThreadStatic]
    private static int[]? t_touched;

    private readonly string[] _labels;
    private readonly float[] _bias;
    private readonly double[] _plattSlope;
    private readonly double[] _plattOffset;

    /// <summary>Normalised char for every UTF-16 code unit, or -1 when normalisation drops it.</summary>
    private readonly int[] _charMap;

    private readonly Field _title;
    private readonly Field _body;
    private readonly int _stride;

    /// <param name="labels">Class codes in score-slot order.</param>
    /// <param name="bias">Per class: the linear model's bias.</param>
    /// <param name="plattSlope">Per class: p = 1 / (1 + exp(slope · score + offset)).</param>
    /// <param name="plattOffset">Per class, see <paramref name="plattSlope"/>.</param>
    /// <param name="charMap">Code units the normaliser changes (lower-casing, diacritics), old → new.</param>
    /// <param name="droppedChars">Code units the normaliser removes (punctuation, digits, combining marks).</param>
    /// <param name="titleNgrams">Title n-grams (1-3 code units, markers included), one weight row each.</param>
    /// <param name="titleWeights">Row-major titleNgrams × classes.</param>
    /// <param name="bodyNgrams">Body n-grams, as for the title.</param>
    /// <param name="bodyWeights">Row-major bodyNgrams × classes.</param>
    public TopicScorer(
        IReadOnlyList<string> labels, float[] bias, double[] plattSlope, double[] plattOffset,
        IReadOnlyDictionary<char, char> charMap, IReadOnlyCollection<char> droppedChars,
        IReadOnlyList<string> titleNgrams, float[] titleWeights, IReadOnlyList<string> bodyNgrams, float[] bodyWeights)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(charMap);
        ArgumentNullException.ThrowIfNull(droppedChars);
        var classes = labels.Count;
        if (classes == 0 || bias.Length != classes || plattSlope.Length != classes || plattOffset.Length != classes)
        {
            throw new ArgumentException("labels, bias and calibration must have one entry per class.");
        }

        _labels = [.. labels];
        _bias = [.. bias];
        _plattSlope = [.. plattSlope];
        _plattOffset = [.. plattOffset];
        _charMap = new int[char.MaxValue + 1];
        for (var c = 0; c < _charMap.Length; c++)
        {
            _charMap[c] = c;
        }

        foreach (var (from, to) in charMap)
        {
            _charMap[from] = to;
        }

        foreach (var c in droppedChars)
        {
            _charMap[c] = -1;
        }

        // Rows padded to whole SIMD vectors so one n-gram adds its class weights in one or two vector operations.
        _stride = (classes + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        _title = new Field(titleNgrams, titleWeights, classes, _stride);
        _body = new Field(bodyNgrams, bodyWeights, classes, _stride);
    }

    /// <summary>Class codes in score-slot order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>
    /// Writes the per-class probabilities ML.NET's `Score` column would hold for this article (one-versus-all Platt
    /// probabilities rescaled to sum to 1). <paramref name="title"/> and <paramref name="body"/> are raw: they get
    /// the same whitespace collapsing and body cut as <see cref="TopicModelInput.Create"/>.
    /// </summary>
    /// <returns>Whether the cleaned text has at least one CJK ideograph (see TopicClassifier).</returns>
    public bool Score(string? title, string? body, Span<float> probabilities)
    {
        var classes = _labels.Length;
        if (probabilities.Length < classes)
        {
            throw new ArgumentException($"need room for {classes} scores", nameof(probabilities));
        }

        Span<float> titleSums = stackalloc float[_stride];
        Span<float> bodySums = stackalloc float[_stride];
        var evidence = Accumulate(_title, title, int.MaxValue, titleSums, out var titleNorm);
        evidence |= Accumulate(_body, body, TopicModelInput.MaxBodyChars, bodySums, out var bodyNorm);

        double sum = 0;
        for (var c = 0; c < classes; c++)
        {
            var margin = _bias[c] + titleSums[c] * titleNorm + bodySums[c] * bodyNorm;
            var p = (float)(1 / (1 + Math.Exp(_plattSlope[c] * margin + _plattOffset[c])));
            // One-versus-all rescaling as ML.NET does it: NaN left alone, negatives clamped, divide by the double sum.
            if (float.IsNaN(p))
            {
                probabilities[c] = p;
                continue;
            }

            if (p >= 0)
            {
                sum += p;
            }
            else
            {
                p = 0;
            }

            probabilities[c] = p;
        }

        if (sum > 0)
        {
            for (var c = 0; c < classes; c++)
            {
                probabilities[c] = (float)(probabilities[c] / sum);
            }
        }

        return evidence;
    }

    /// <summary>
    /// Cleans, normalises and n-grams one field, adding Σ count·weight per class into <paramref name="sums"/>;
    /// <paramref name="inverseNorm"/> is 1/‖counts‖₂ over the n-grams in the vocabulary (0 when there are none).
    /// </summary>
    private bool Accumulate(Field field, string? raw, int maxChars, Span<float> sums, out float inverseNorm)
    {
        sums.Clear();
        inverseNorm = 0;
        if (string.IsNullOrEmpty(raw))
        {
            return false;
        }

        // Room for STX + text + ETX; the cleaned text is never longer than the raw one.
        var capacity = Math.Min(raw.Length, maxChars) + 2;
        char[]? rented = null;
        var tokens = capacity <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            var length = Tokenize(raw, maxChars, tokens, out var evidence);
            if (length > 0)
            {
                inverseNorm = CountNgrams(field, tokens[..length], sums);
            }

            return evidence;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// <see cref="TopicModelInput.Clean"/> (whitespace runs → one space, trimmed, cut to <paramref name="maxChars"/>)
    /// followed by the ML.NET text normaliser and the STX/ETX markers, in one pass. Returns 0 when nothing is left,
    /// as ML.NET emits no tokens (not even markers) for empty text.
    /// </summary>
    private int Tokenize(string raw, int maxChars, Span<char> tokens, out bool evidence)
    {
        evidence = false;
        var map = _charMap;
        var cleaned = 0;
        var n = 1;
        var pendingSpace = false;
        foreach (var ch in raw)
        {
            if (char.IsWhiteSpace(ch))
            {
                pendingSpace = cleaned > 0;
                continue;
            }

            if (pendingSpace)
            {
                if (cleaned == maxChars)
                {
                    break;
                }

                cleaned++;
                pendingSpace = false;
                var space = map[' '];
                if (space >= 0)
                {
                    tokens[n++] = (char)space;
                }
            }

            if (cleaned == maxChars)
            {
                break;
            }

            cleaned++;
            evidence |= IsCjk(ch);
            var mapped = map[ch];
            if (mapped >= 0)
            {
                tokens[n++] = (char)mapped;
            }
        }

        if (n == 1)
        {
            return 0;
        }

        tokens[0] = StartMarker;
        tokens[n++] = EndMarker;
        return n;
    }

    private float CountNgrams(Field field, ReadOnlySpan<char> tokens, Span<float> sums)
    {
        var vocabulary = field.Ids;
        var counts = t_counts;
        if (counts is null || counts.Length < field.Count)
        {
            counts = t_counts = new int[Math.Max(field.Count, Math.Max(_title.Count, _body.Count))];
        }

        var touched = t_touched;
        var maxNgrams = tokens.Length * MaxNgram;
        if (touched is null || touched.Length < maxNgrams)
        {
            touched = t_touched = new int[Math.Max(maxNgrams, 1024)];
        }

        ref var weights = ref MemoryMarshal.GetArrayDataReference(field.Weights);
        ref var acc = ref MemoryMarshal.GetReference(sums);
        var stride = _stride;
        var distinct = 0;
        long squares = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            ulong key = 0;
            var last = Math.Min(MaxNgram, tokens.Length - i);
            for (var len = 1; len <= last; len++)
            {
                key = key << 16 | tokens[i + len - 1];
                if (!vocabulary.TryGetValue(key | (ulong)len << 48, out var id))
                {
                    continue;
                }

                var before = counts[id]++;
                if (before == 0)
                {
                    touched[distinct++] = id;
                }

                squares += 2L * before + 1;
                var row = (nuint)(id * stride);
                for (var j = 0; j < stride; j += Vector<float>.Count)
                {
                    var total = Vector.LoadUnsafe(ref acc, (nuint)j) + Vector.LoadUnsafe(ref weights, row + (nuint)j);
                    total.StoreUnsafe(ref acc, (nuint)j);
                }
            }
        }

        for (var k = 0; k < distinct; k++)
        {
            counts[touched[k]] = 0;
        }

        return squares == 0 ? 0f : 1f / MathF.Sqrt(squares);
    }

    internal static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    /// <summary>The n-gram lookup key: up to three UTF-16 code units and the length.</summary>
    private static ulong Key(string ngram)
    {
        if (ngram.Length is < 1 or > MaxNgram)
        {
            throw new InvalidDataException($"n-gram of length {ngram.Length}: '{ngram}'");
        }

        ulong key = 0;
        foreach (var c in ngram)
        {
            key = key << 16 | c;
        }

        return key | (ulong)ngram.Length << 48;
    }

    public void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(_labels.Length);
        foreach (var label in _labels)
        {
            writer.Write(label);
        }

        for (var c = 0; c < _labels.Length; c++)
        {
            writer.Write(_bias[c]);
            writer.Write(_plattSlope[c]);
            writer.Write(_plattOffset[c]);
        }

        var changed = Enumerable.Range(0, _charMap.Length).Where(c => _charMap[c] != c).ToList();
        writer.Write(changed.Count);
        foreach (var c in changed)
        {
            writer.Write((ushort)c);
            writer.Write(_charMap[c] < 0 ? -1 : _charMap[c]);
        }

        _title.WriteTo(writer, _labels.Length, _stride);
        _body.WriteTo(writer, _labels.Length, _stride);
    }

    public static TopicScorer ReadFrom(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{ZipEntryName}: not a topic scorer file.");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"{ZipEntryName}: format version {version}, this build reads {FormatVersion}.");
        }

        var classes = reader.ReadInt32();
        var labels = new string[classes];
        for (var c = 0; c < classes; c++)
        {
            labels[c] = reader.ReadString();
        }

        var bias = new float[classes];
        var slope = new double[classes];
        var offset = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            bias[c] = reader.ReadSingle();
            slope[c] = reader.ReadDouble();
            offset[c] = reader.ReadDouble();
        }

        var map = new Dictionary<char, char>();
        var dropped = new List<char>();
        var changed = reader.ReadInt32();
        for (var i = 0; i < changed; i++)
        {
            var from = (char)reader.ReadUInt16();
            var to = reader.ReadInt32();
            if (to < 0)
            {
                dropped.Add(from);
            }
            else
            {
                map[from] = (char)to;
            }
        }

        var (titleNgrams, titleWeights) = Field.Read(reader, classes);
        var (bodyNgrams, bodyWeights) = Field.Read(reader, classes);
        return new TopicScorer(labels, bias, slope, offset, map, dropped, titleNgrams, titleWeights, bodyNgrams, bodyWeights);
    }

    /// <summary>One text field's vocabulary (n-gram → row) and weight rows (padded to the SIMD stride).</summary>
    private sealed class Field
    {
        public Field(IReadOnlyList<string> ngrams, float[] weights, int classes, int stride)
        {
            ArgumentNullException.ThrowIfNull(ngrams);
            ArgumentNullException.ThrowIfNull(weights);
            if (weights.Length != ngrams.Count * classes)
            {
                throw new ArgumentException($"expected {ngrams.Count} × {classes} weights, got {weights.Length}.");
            }

            Ngrams = [.. ngrams];
            Ids = new NgramTable(Ngrams.Select(Key).ToArray());

            Weights = new float[Math.Max(Ngrams.Length, 1) * stride];
            for (var i = 0; i < Ngrams.Length; i++)
            {
                Array.Copy(weights, i * classes, Weights, i * stride, classes);
            }
        }

        public string[] Ngrams { get; }
        public NgramTable Ids { get; }
        public float[] Weights { get; }
        public int Count => Ngrams.Length;

        public void WriteTo(BinaryWriter writer, int classes, int stride)
        {
            writer.Write(Ngrams.Length);
            foreach (var ngram in Ngrams)
            {
                writer.Write((byte)ngram.Length);
                foreach (var c in ngram)
                {
                    writer.Write((ushort)c);
                }
            }

            // Class-major on disk (one class's weights together) compresses better than row-major.
            for (var c = 0; c < classes; c++)
            {
                for (var i = 0; i < Ngrams.Length; i++)
                {
                    writer.Write(Weights[i * stride + c]);
                }
            }
        }

        public static (string[] Ngrams, float[] Weights) Read(BinaryReader reader, int classes)
        {
            var count = reader.ReadInt32();
            var ngrams = new string[count];
            Span<char> buffer = stackalloc char[MaxNgram];
            for (var i = 0; i < count; i++)
            {
                var length = reader.ReadByte();
                if (length is < 1 or > MaxNgram)
                {
                    throw new InvalidDataException($"{ZipEntryName}: n-gram of length {length}.");
                }

                for (var k = 0; k < length; k++)
                {
                    buffer[k] = (char)reader.ReadUInt16();
                }

                ngrams[i] = new string(buffer[..length]);
            }

            var weights = new float[count * classes];
            for (var c = 0; c < classes; c++)
            {
                for (var i = 0; i < count; i++)
                {
                    weights[i * classes + c] = reader.ReadSingle();
                }
            }

            return (ngrams, weights);
        }
    }

    /// <summary>Open-addressing hash map from n-gram key to row: the hot path does ~3 lookups per character.</summary>
    private sealed class NgramTable
    {
        private readonly ulong[] _keys;
        private readonly int[] _rows;
        private readonly int _shift;
        private readonly int _mask;

        public NgramTable(ulong[] keys)
        {
            var bits = Math.Max(4, (int)Math.Ceiling(Math.Log2(Math.Max(keys.Length, 1) * 2.0)));
            _keys = new ulong[1 << bits];
            _rows = new int[1 << bits];
            _shift = 64 - bits;
            _mask = (1 << bits) - 1;
            for (var row = 0; row < keys.Length; row++)
            {
                // Keys carry the length in bits 48+, so 0 never occurs and marks an empty slot.
                var slot = Slot(keys[row]);
                while (_keys[slot] != 0)
                {
                    if (_keys[slot] == keys[row])
                    {
                        throw new ArgumentException("duplicate n-grams in the vocabulary.");
                    }

                    slot = (slot + 1) & _mask;
                }

                _keys[slot] = keys[row];
                _rows[slot] = row;
            }
        }

        public bool TryGetValue(ulong key, out int row)
        {
            var slot = Slot(key);
            while (true)
            {
                var candidate = _keys[slot];
                if (candidate == key)
                {
                    row = _rows[slot];
                    return true;
                }

                if (candidate == 0)
                {
                    row = -1;
                    return false;
                }

                slot = (slot + 1) & _mask;
            }
        }

        private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
