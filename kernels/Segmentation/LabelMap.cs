using System.Buffers;
using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// A label mapping prepared once and applied to many images (the blocks of a volume): old labels
/// <c>keys[i]</c> → new labels <c>values[i]</c>, as bioimage-cpp's <c>take_dict</c>. Every label present (inside the
/// mask) must be a key, else <see cref="KeyNotFoundException"/> names it. Not thread-safe against <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Keys spanning at most <see cref="DenseRange"/> values become a dense table with presence flags (pooled, returned
/// on <see cref="Dispose"/>); wider key sets go into a hash map. Preparing costs O(k) for k keys; each application is
/// one pass over the voxels (see <see cref="Relabel"/>), safe to run concurrently on several images.
/// </remarks>
/// <typeparam name="TIn">Old label type.</typeparam>
/// <typeparam name="TOut">New label type.</typeparam>
public sealed class LabelMap<TIn, TOut> : IDisposable
    where TIn : unmanaged, IBinaryInteger<TIn>
    where TOut : unmanaged
{
    /// <summary>Largest key range expanded into a dense table (4 M entries).</summary>
    public const int DenseRange = 1 << 22;

    private TOut[]? _table;
    private bool[]? _present;
    private readonly int _range;
    private readonly TIn _origin;
    private readonly Dictionary<TIn, TOut>? _map;

    /// <summary>Prepares the mapping <c>keys[i] → values[i]</c>.</summary>
    /// <param name="keys">Old labels, sorted increasing and distinct.</param>
    /// <param name="values">The new label of each key.</param>
    /// <exception cref="ArgumentException">The lengths differ or the keys are not sorted and distinct.</exception>
    public LabelMap(ReadOnlySpan<TIn> keys, ReadOnlySpan<TOut> values)
    {
        if (keys.Length != values.Length)
        {
            throw new ArgumentException($"The mapping has {keys.Length} keys but {values.Length} values.", nameof(values));
        }

        for (int i = 1; i < keys.Length; i++)
        {
            if (keys[i] <= keys[i - 1])
            {
                throw new ArgumentException($"The keys must be sorted increasing and distinct; key {i} ({keys[i]}) follows {keys[i - 1]}.", nameof(keys));
            }
        }

        Count = keys.Length;
        if (keys.Length > 0 && ulong.CreateTruncating(keys[^1]) - ulong.CreateTruncating(keys[0]) < DenseRange)
        {
            _origin = keys[0];
            _range = (int)(ulong.CreateTruncating(keys[^1]) - ulong.CreateTruncating(_origin)) + 1;
            _table = ArrayPool<TOut>.Shared.Rent(_range);
            _present = ArrayPool<bool>.Shared.Rent(_range);
            _present.AsSpan(0, _range).Clear();
            ulong origin = ulong.CreateTruncating(_origin);
            for (int i = 0; i < keys.Length; i++)
            {
                int index = (int)(ulong.CreateTruncating(keys[i]) - origin);
                _table[index] = values[i];
                _present[index] = true;
            }

            return;
        }

        _map = new Dictionary<TIn, TOut>(keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            _map[keys[i]] = values[i];
        }
    }

    /// <summary>How many labels the mapping has.</summary>
    public int Count { get; }

    /// <summary><c>output = mapping[input]</c>, only where <paramref name="mask"/> is true when one is given.</summary>
    /// <param name="input">Integer labels.</param>
    /// <param name="output">Same shape; may be the input's memory when the types match.</param>
    /// <param name="mask">Optional: only voxels where it is true are written (empty for all).</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1).</param>
    public unsafe void Apply(ReadOnlySpan3D<TIn> input, Span3D<TOut> output, ReadOnlySpan3D<bool> mask = default, int degreeOfParallelism = 1)
    {
        if (_map is not null)
        {
            Relabel.Apply(input, new Relabel.MapLookup<TIn, TOut>(_map), output, mask, degreeOfParallelism);
            return;
        }

        ObjectDisposedException.ThrowIf(_table is null, this);
        fixed (TOut* entries = _table)
        fixed (bool* flags = _present)
        {
            Relabel.Apply(input, new Relabel.TableLookup<TIn, TOut>(entries, _range, _origin, flags), output, mask, degreeOfParallelism);
        }
    }

    /// <summary>Returns the pooled table; the mapping cannot be applied afterwards.</summary>
    public void Dispose()
    {
        if (_table is not null)
        {
            ArrayPool<TOut>.Shared.Return(_table);
            ArrayPool<bool>.Shared.Return(_present!);
            _table = null;
            _present = null;
        }
    }
}
