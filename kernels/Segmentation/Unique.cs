using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// The distinct values of an integer image in increasing order, optionally with how often each occurs —
/// <c>np.unique(x, return_counts=True)</c> (counts as int64).
/// </summary>
/// <remarks>
/// Two strategies, chosen from the value range found by a SIMD min/max pass: when <c>max − min</c> is small (at most
/// <see cref="DenseRange"/>, or the element count) a dense histogram counts in one pass; otherwise a hash map counts,
/// and the keys are sorted at the end. Both count runs of equal values (<see cref="EqualRuns"/>: label images are
/// mostly long runs of one id, so a row costs a few updates). Both are O(n) plus O(k log k) for k distinct values. Rows are split across threads,
/// each with its own histogram or map, merged at the end; the result does not depend on the thread count.
/// Per-block results merge exactly with <see cref="Merge{T}"/>.
/// </remarks>
public static class Unique
{
    /// <summary>Largest value range counted with a dense histogram regardless of the image size (8 MiB of counts).</summary>
    private const int DenseRange = 1 << 20;

    /// <summary>The distinct values of <paramref name="input"/> in increasing order.</summary>
    public static T[] Values<T>(ReadOnlySpan3D<T> input, int degreeOfParallelism = 1)
        where T : unmanaged, IBinaryInteger<T> => ValuesAndCounts(input, degreeOfParallelism).Values;

    /// <summary>The distinct values of <paramref name="input"/> in increasing order and how often each occurs.</summary>
    /// <param name="input">An integer image.</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1); the result does not depend on it.</param>
    public static unsafe (T[] Values, long[] Counts) ValuesAndCounts<T>(ReadOnlySpan3D<T> input, int degreeOfParallelism = 1)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        if (input.IsEmpty)
        {
            return ([], []);
        }

        fixed (T* origin = &System.Runtime.CompilerServices.Unsafe.AsRef(in input.DangerousGetReferenceAt(0, 0, 0)))
        {
            var view = new PinnedView<T>(origin, input.Layout);
            var (min, max) = Moments.MinMax(view, degreeOfParallelism);
            ulong range = ulong.CreateTruncating(max) - ulong.CreateTruncating(min);
            return range < (ulong)Math.Max(DenseRange, input.Count / 4)
                ? CountDense(view, min, (int)range + 1, degreeOfParallelism)
                : CountSparse(view, degreeOfParallelism);
        }
    }

    /// <summary>Merges per-block results (each sorted) into the result of the whole: values united, counts added.</summary>
    public static (T[] Values, long[] Counts) Merge<T>(IEnumerable<(T[] Values, long[] Counts)> parts)
        where T : unmanaged, IBinaryInteger<T>
    {
        ArgumentNullException.ThrowIfNull(parts);
        var totals = new Dictionary<T, long>();
        foreach (var (values, counts) in parts)
        {
            if (values.Length != counts.Length)
            {
                throw new ArgumentException($"A part has {values.Length} values but {counts.Length} counts.", nameof(parts));
            }

            for (int i = 0; i < values.Length; i++)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(totals, values[i], out _) += counts[i];
            }
        }

        return Sorted(totals);
    }

    private static (T[] Values, long[] Counts) CountDense<T>(PinnedView<T> view, T min, int range, int degreeOfParallelism)
        where T : unmanaged, IBinaryInteger<T>
    {
        var layout = view.Layout;
        int rows = layout.Depth * layout.Height;
        var histograms = new long[ParallelChunks.Count(rows, degreeOfParallelism)][];
        try
        {
            ParallelChunks.For(rows, degreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, first, end) =>
            {
                var histogram = histograms[chunk] = ArrayPool<long>.Shared.Rent(range);
                histogram.AsSpan(0, range).Clear();
                ulong origin = ulong.CreateTruncating(min);
                for (int row = first; row < end; row++)
                {
                    ReadOnlySpan<T> values = view.GetRowSpan(row);
                    for (int i = 0; i < values.Length;)
                    {
                        int run = EqualRuns.Length(values, i);
                        histogram[(int)(ulong.CreateTruncating(values[i]) - origin)] += run;
                        i += run;
                    }
                }
            });

            var total = histograms[0].AsSpan(0, range);
            for (int h = 1; h < histograms.Length; h++)
            {
                var other = histograms[h].AsSpan(0, range);
                for (int i = 0; i < range; i++)
                {
                    total[i] += other[i];
                }
            }

            int distinct = 0;
            foreach (long count in total)
            {
                distinct += count > 0 ? 1 : 0;
            }

            var values = new T[distinct];
            var counts = new long[distinct];
            int k = 0;
            for (int i = 0; i < range; i++)
            {
                if (total[i] > 0)
                {
                    values[k] = min + T.CreateTruncating(i);
                    counts[k++] = total[i];
                }
            }

            return (values, counts);
        }
        finally
        {
            foreach (var histogram in histograms)
            {
                if (histogram is not null)
                {
                    ArrayPool<long>.Shared.Return(histogram);
                }
            }
        }
    }

    private static (T[] Values, long[] Counts) CountSparse<T>(PinnedView<T> view, int degreeOfParallelism)
        where T : unmanaged, IBinaryInteger<T>
    {
        var layout = view.Layout;
        int rows = layout.Depth * layout.Height;
        var maps = new Dictionary<T, long>[ParallelChunks.Count(rows, degreeOfParallelism)];
        ParallelChunks.For(rows, degreeOfParallelism, (chunk, first, end) =>
        {
            var map = maps[chunk] = [];
            for (int row = first; row < end; row++)
            {
                ReadOnlySpan<T> values = view.GetRowSpan(row);
                for (int i = 0; i < values.Length;)
                {
                    int run = EqualRuns.Length(values, i);
                    CollectionsMarshal.GetValueRefOrAddDefault(map, values[i], out _) += run;
                    i += run;
                }
            }
        });

        var total = maps[0];
        for (int m = 1; m < maps.Length; m++)
        {
            foreach (var (value, count) in maps[m])
            {
                CollectionsMarshal.GetValueRefOrAddDefault(total, value, out _) += count;
            }
        }

        return Sorted(total);
    }

    private static (T[] Values, long[] Counts) Sorted<T>(Dictionary<T, long> counts)
        where T : unmanaged, IBinaryInteger<T>
    {
        var values = counts.Keys.ToArray();
        Array.Sort(values);
        var sortedCounts = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            sortedCounts[i] = counts[values[i]];
        }

        return (values, sortedCounts);
    }
}
