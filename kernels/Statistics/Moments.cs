using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Count, minimum, maximum, mean and M2 (the sum of squared deviations from the mean) of a set of values,
/// computed in one pass and mergeable across blocks.
/// </summary>
/// <remarks>
/// Algorithm: values are processed in chunks of <see cref="ChunkLength"/>. Minimum and maximum run SIMD over
/// the element type (<see cref="Vector{T}"/>, scalar fallback). Each chunk is converted to double and reduced
/// two-pass (mean, then squared deviations), and chunks combine with the pairwise update of Chan, Golub and
/// LeVeque, "Updating formulae and a pairwise algorithm for computing sample variances" (1979) — the same
/// merge bioimage-py applies across blocks. O(n) time, O(1) extra memory (one stack chunk), no allocation.
/// The variance is the population variance (numpy's ddof=0). NaNs propagate into min, max and mean.
/// </remarks>
/// <param name="Count">Number of values.</param>
/// <param name="Min">Smallest value (+∞ when empty).</param>
/// <param name="Max">Largest value (−∞ when empty).</param>
/// <param name="Mean">Arithmetic mean (0 when empty).</param>
/// <param name="M2">Sum of squared deviations from the mean.</param>
public readonly record struct Moments(long Count, double Min, double Max, double Mean, double M2)
{
    /// <summary>Values converted and reduced per chunk (4 KiB of doubles on the stack).</summary>
    public const int ChunkLength = 512;

    /// <summary>The moments of no values; the identity of <see cref="Merge"/>.</summary>
    public static Moments Empty { get; } = new(0, double.PositiveInfinity, double.NegativeInfinity, 0, 0);

    /// <summary>Population variance (ddof = 0); NaN when empty.</summary>
    public double Variance => Count == 0 ? double.NaN : M2 / Count;

    /// <summary>Population standard deviation (ddof = 0); NaN when empty.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>The moments of the union of both value sets (Chan et al. pairwise update).</summary>
    public Moments Merge(Moments other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        long count = Count + other.Count;
        double delta = other.Mean - Mean;
        double mean = Mean + (delta * other.Count / count);
        double m2 = M2 + other.M2 + (delta * delta * ((double)Count * other.Count / count));
        return new Moments(count, Math.Min(Min, other.Min), Math.Max(Max, other.Max), mean, m2);
    }

    /// <summary>The moments of every element of a 3D view.</summary>
    public static Moments Of<T>(ReadOnlySpan3D<T> values)
        where T : unmanaged, INumber<T>
    {
        if (values.TryGetSpan(out var all))
        {
            return Of(all);
        }

        var result = Empty;
        for (int z = 0; z < values.Depth; z++)
        {
            for (int y = 0; y < values.Height; y++)
            {
                result = result.Merge(Of(values.GetRowSpan(z, y)));
            }
        }

        return result;
    }

    /// <summary>The moments of a span of values.</summary>
    public static Moments Of<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        var result = Empty;
        Span<double> chunk = stackalloc double[ChunkLength];
        for (int start = 0; start < values.Length; start += ChunkLength)
        {
            var part = values.Slice(start, Math.Min(ChunkLength, values.Length - start));
            var (min, max) = MinMax(part);
            var converted = chunk[..part.Length];
            ConvertToDouble(part, converted);
            double mean = Sum(converted) / part.Length;
            result = result.Merge(new Moments(part.Length, double.CreateTruncating(min), double.CreateTruncating(max), mean, SquaredDeviations(converted, mean)));
        }

        return result;
    }

    /// <summary>Smallest and largest element of a non-empty view, its rows split across threads.</summary>
    internal static (T Min, T Max) MinMax<T>(PinnedView<T> view, int degreeOfParallelism)
        where T : unmanaged, INumber<T>
    {
        int rows = view.Layout.Depth * view.Layout.Height;
        var parts = new (T Min, T Max)[ParallelChunks.Count(rows, degreeOfParallelism)];
        ParallelChunks.For(rows, degreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (chunk, first, end) =>
        {
            var (min, max) = MinMax<T>(view.GetRowSpan(first));
            for (int row = first + 1; row < end; row++)
            {
                var (rowMin, rowMax) = MinMax<T>(view.GetRowSpan(row));
                min = T.Min(min, rowMin);
                max = T.Max(max, rowMax);
            }

            parts[chunk] = (min, max);
        });
        return (parts.Min(part => part.Min), parts.Max(part => part.Max));
    }

    /// <summary>Smallest and largest element of a non-empty span.</summary>
    public static (T Min, T Max) MinMax<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("MinMax needs at least one value.", nameof(values));
        }

        return Simd<T>.IsAccelerated ? MinMaxVector(values) : MinMaxScalar(values, values[0], values[0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line measures once: its loops must not run as tier-0 code
    private static (T Min, T Max) MinMaxVector<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        int lanes = Vector<T>.Count;
        if (values.Length < lanes)
        {
            return MinMaxScalar(values, values[0], values[0]);
        }

        var min = new Vector<T>(values);
        var max = min;
        int i = lanes;
        for (; i <= values.Length - lanes; i += lanes)
        {
            var v = new Vector<T>(values[i..]);
            min = Vector.Min(min, v);
            max = Vector.Max(max, v);
        }

        T lo = min[0], hi = max[0];
        for (int lane = 1; lane < lanes; lane++)
        {
            lo = T.Min(lo, min[lane]);
            hi = T.Max(hi, max[lane]);
        }

        return MinMaxScalar(values[i..], lo, hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line measures once: its loops must not run as tier-0 code
    private static (T Min, T Max) MinMaxScalar<T>(ReadOnlySpan<T> values, T min, T max)
        where T : unmanaged, INumber<T>
    {
        foreach (var v in values)
        {
            min = T.Min(min, v);
            max = T.Max(max, v);
        }

        return (min, max);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line measures once: its loops must not run as tier-0 code
    private static void ConvertToDouble<T>(ReadOnlySpan<T> source, Span<double> destination)
        where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = double.CreateTruncating(source[i]);
        }
    }

    private static double Sum(ReadOnlySpan<double> values) => Deviations(values, 0, squared: false);

    private static double SquaredDeviations(ReadOnlySpan<double> values, double mean) => Deviations(values, mean, squared: true);

    /// <summary>Σ (x − mean)² when <paramref name="squared"/>, else Σ (x − mean); one loop serves both.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line measures once: its loops must not run as tier-0 code
    private static double Deviations(ReadOnlySpan<double> values, double mean, bool squared)
    {
        if (!Simd<double>.IsAccelerated)
        {
            return SquaredDeviationsScalar(values, mean, 0, squared);
        }

        var acc = Vector<double>.Zero;
        var center = new Vector<double>(mean);
        int lanes = Vector<double>.Count;
        int i = 0;
        for (; i <= values.Length - lanes; i += lanes)
        {
            var d = new Vector<double>(values[i..]) - center;
            acc += squared ? d * d : d;
        }

        return SquaredDeviationsScalar(values[i..], mean, Vector.Sum(acc), squared);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line measures once: its loops must not run as tier-0 code
    private static double SquaredDeviationsScalar(ReadOnlySpan<double> values, double mean, double sum, bool squared)
    {
        foreach (double v in values)
        {
            double d = v - mean;
            sum += squared ? d * d : d;
        }

        return sum;
    }
}
