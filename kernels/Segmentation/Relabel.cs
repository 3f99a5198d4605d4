using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Maps every voxel's label through a table or a dictionary: <c>np.take(table, labels)</c> or bioimage-cpp's
/// <c>take_dict(mapping, labels)</c>, optionally only inside a mask (elsewhere the output is left as it is).
/// </summary>
/// <remarks>
/// One pass over the rows, split across threads. A dictionary whose keys span a small range is turned into a dense
/// table first (<see cref="LabelMap{TIn, TOut}"/>); otherwise lookups go through a hash map. Rows are mapped per run
/// of equal labels (<see cref="EqualRuns"/>): one lookup and one vectorized fill per run, so the long runs of one id
/// in label images cost little; masked rows remember the last label they looked up. Input and output may be the same memory
/// (relabelling in place) when the element types match. O(n).
/// </remarks>
public static partial class Relabel
{
    /// <summary>Runs up to this length are written element by element; longer ones with a vectorized fill.</summary>
    private const int ShortRun = 8;

    /// <summary><c>output = table[input]</c>; a value outside the table throws <see cref="KeyNotFoundException"/> naming it.</summary>
    /// <param name="input">Integer labels (non-negative).</param>
    /// <param name="table">The new label of each old label (its index).</param>
    /// <param name="output">Same shape; may be the input's memory when the types match.</param>
    /// <param name="mask">Optional: only voxels where it is true are written (empty for all).</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1).</param>
    public static unsafe void WithTable<TIn, TOut>(ReadOnlySpan3D<TIn> input, ReadOnlySpan<TOut> table, Span3D<TOut> output, ReadOnlySpan3D<bool> mask = default, int degreeOfParallelism = 1)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
    {
        fixed (TOut* entries = table)
        {
            Apply(input, new TableLookup<TIn, TOut>(entries, table.Length, TIn.Zero), output, mask, degreeOfParallelism);
        }
    }

    /// <summary><c>output = mapping[input]</c>; every value present (inside the mask) must be a key, else <see cref="KeyNotFoundException"/>.</summary>
    /// <param name="input">Integer labels.</param>
    /// <param name="mapping">Old label → new label.</param>
    /// <param name="output">Same shape; may be the input's memory when the types match.</param>
    /// <param name="mask">Optional: only voxels where it is true are written (empty for all).</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1).</param>
    public static void WithMap<TIn, TOut>(ReadOnlySpan3D<TIn> input, IReadOnlyDictionary<TIn, TOut> mapping, Span3D<TOut> output, ReadOnlySpan3D<bool> mask = default, int degreeOfParallelism = 1)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var keys = mapping.Keys.ToArray();
        Array.Sort(keys);
        var values = new TOut[keys.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            values[i] = mapping[keys[i]];
        }

        WithSortedMap(input, keys, values, output, mask, degreeOfParallelism);
    }

    /// <summary>The mapping <c>keys[i] → values[i]</c> with <paramref name="keys"/> sorted and distinct.</summary>
    internal static void WithSortedMap<TIn, TOut>(ReadOnlySpan3D<TIn> input, TIn[] keys, TOut[] values, Span3D<TOut> output, ReadOnlySpan3D<bool> mask, int degreeOfParallelism)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
    {
        using var map = new LabelMap<TIn, TOut>(keys, values);
        map.Apply(input, output, mask, degreeOfParallelism);
    }

    internal static unsafe void Apply<TIn, TOut, TLookup>(ReadOnlySpan3D<TIn> input, TLookup lookup, Span3D<TOut> output, ReadOnlySpan3D<bool> mask, int degreeOfParallelism)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
        where TLookup : struct, ILabelLookup<TIn, TOut>
    {
        input.Layout.CheckSameShape(output.Layout, nameof(output));
        bool masked = !mask.IsEmpty;
        if (masked)
        {
            input.Layout.CheckSameShape(mask.Layout, nameof(mask));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        if (input.IsEmpty)
        {
            return;
        }

        fixed (TIn* inputOrigin = &Unsafe.AsRef(in input.DangerousGetReferenceAt(0, 0, 0)))
        fixed (TOut* outputOrigin = &output.DangerousGetReferenceAt(0, 0, 0))
        fixed (bool* maskOrigin = &(masked ? ref Unsafe.AsRef(in mask.DangerousGetReferenceAt(0, 0, 0)) : ref Unsafe.NullRef<bool>()))
        {
            var source = new PinnedView<TIn>(inputOrigin, input.Layout);
            var target = new PinnedView<TOut>(outputOrigin, output.Layout);
            var inside = masked ? new PinnedView<bool>(maskOrigin, mask.Layout) : default;
            ParallelChunks.For(input.Depth * input.Height, degreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, first, end) =>
            {
                for (int row = first; row < end; row++)
                {
                    MapRow(source.GetRowSpan(row), lookup, target.GetRowSpan(row), masked ? inside.GetRowSpan(row) : default);
                }
            });
        }
    }

    private static void MapRow<TIn, TOut, TLookup>(ReadOnlySpan<TIn> source, TLookup lookup, Span<TOut> target, ReadOnlySpan<bool> mask)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
        where TLookup : struct, ILabelLookup<TIn, TOut>
    {
        if (mask.IsEmpty)
        {
            // Unmasked: one lookup and one vectorized fill per run of equal labels (the input may be the output:
            // the run is measured before it is overwritten).
            for (int x = 0; x < source.Length;)
            {
                int run = EqualRuns.Length(source, x);
                TOut newLabel = lookup.Map(source[x]);
                if (run <= ShortRun)
                {
                    for (int end = x + run; x < end; x++)
                    {
                        target[x] = newLabel;
                    }
                }
                else
                {
                    target.Slice(x, run).Fill(newLabel);
                    x += run;
                }
            }

            return;
        }

        TIn last = default;
        TOut mapped = default;
        bool known = false;
        for (int x = 0; x < source.Length; x++)
        {
            if (!mask[x])
            {
                continue;
            }

            TIn value = source[x];
            if (!known || value != last)
            {
                mapped = lookup.Map(value);
                last = value;
                known = true;
            }

            target[x] = mapped;
        }
    }

    /// <summary>Maps one label; throws naming the label when it has no entry.</summary>
    internal interface ILabelLookup<TIn, TOut>
    {
        TOut Map(TIn value);
    }

    /// <summary>A dense table over [origin, origin + length), with optional presence flags (a dictionary made dense).</summary>
    internal readonly unsafe struct TableLookup<TIn, TOut>(TOut* entries, int length, TIn origin, bool* present = null) : ILabelLookup<TIn, TOut>
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TOut Map(TIn value)
        {
            ulong index = ulong.CreateTruncating(value) - ulong.CreateTruncating(origin);
            if (index >= (ulong)length || (present != null && !present[index]))
            {
                Missing(value);
            }

            return entries[index];
        }

        private void Missing(TIn value) => throw (present == null
            ? new KeyNotFoundException($"Label {value} is outside the relabeling table of {length} entries.")
            : new KeyNotFoundException($"The relabeling is missing key {value}."));
    }

    /// <summary>A hash map.</summary>
    internal readonly struct MapLookup<TIn, TOut>(Dictionary<TIn, TOut> map) : ILabelLookup<TIn, TOut>
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged
    {
        public TOut Map(TIn value) =>
            map.TryGetValue(value, out var mapped) ? mapped : throw new KeyNotFoundException($"The relabeling is missing key {value}.");
    }
}
