using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// The bins of a histogram exactly as <c>numpy.histogram</c> (numpy 1.24) makes them: either <c>count</c> equal bins
/// over a range (<see cref="Uniform"/>) or explicit edges (<see cref="FromEdges"/>). Every bin is half-open
/// <c>[e_i, e_i+1)</c> except the last, which is closed; values outside the edges (and NaN) are not counted.
/// </summary>
/// <remarks>
/// Equal bins: the range <c>[First, Last]</c> (expanded by ±0.5 when empty) is cut by numpy's <c>linspace</c> in
/// float64 (<c>edge_i = i·step + first</c>, the last edge exactly <c>last</c>) and the edges are rounded to the data's
/// precision: float32 for float32 data, float64 otherwise (integer and bool data). A value's bin is numpy's estimate
/// <c>(int)(((v − first) / width) · count)</c> in that precision, moved once by one bin when the edges disagree — the
/// same arithmetic, so values within an ulp of an edge land where numpy puts them.
/// </remarks>
public sealed record HistogramBins
{
    /// <summary>The bin edges (count + 1 values, non-decreasing), in the precision the bins use.</summary>
    public required double[] Edges { get; init; }

    /// <summary>Equal bins (<c>bins=count</c>): numpy's index estimate applies; false for explicit edges.</summary>
    public bool IsUniform { get; init; }

    /// <summary>Equal bins: the lower end of the range as numpy holds it (before rounding to float32).</summary>
    public double First { get; init; }

    /// <summary>Equal bins: the upper end of the range.</summary>
    public double Last { get; init; }

    /// <summary>Equal bins: <c>Last − First</c> as numpy computes it (an exact integer difference for integer data).</summary>
    public double Width { get; init; }

    /// <summary>Equal bins: edges and bin arithmetic in float32 (float32 data), else float64.</summary>
    public bool SinglePrecision { get; init; }

    /// <summary>The number of bins.</summary>
    public int Count => Edges.Length - 1;

    /// <summary>
    /// <paramref name="count"/> equal bins over <c>[first, last]</c> — <c>np.histogram(a, bins=count, range=(first, last))</c>,
    /// or with the data's minimum and maximum when numpy picks the range.
    /// </summary>
    /// <param name="count">Number of bins (≥ 1).</param>
    /// <param name="first">Lower end (finite).</param>
    /// <param name="last">Upper end (finite, ≥ <paramref name="first"/>); an empty range becomes [first − 0.5, last + 0.5].</param>
    /// <param name="singlePrecision">The data are float32: edges and arithmetic in float32.</param>
    /// <param name="width">
    /// <c>last − first</c> when it is not their float64 difference: for integer data numpy subtracts the integers exactly
    /// and then converts (pass that); ignored when the range is empty.
    /// </param>
    public static HistogramBins Uniform(int count, double first, double last, bool singlePrecision, double? width = null)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The number of bins must be positive.");
        }

        if (!double.IsFinite(first) || !double.IsFinite(last))
        {
            throw new ArgumentException($"The range [{first}, {last}] is not finite.", nameof(first));
        }

        if (first > last)
        {
            throw new ArgumentException($"The range [{first}, {last}] is reversed: its maximum must be at least its minimum.", nameof(last));
        }

        if (first == last)
        {
            (first, last, width) = (first - 0.5, last + 0.5, null);
        }

        // numpy.linspace(first, last, count + 1) in float64, then cast to the bins' type.
        var edges = new double[count + 1];
        double delta = last - first;
        double step = delta / count;
        for (int i = 0; i < count; i++)
        {
            double edge = step == 0 ? (i / (double)count * delta) + first : (i * step) + first;
            edges[i] = singlePrecision ? (float)edge : edge;
        }

        edges[count] = singlePrecision ? (float)last : last;
        return new HistogramBins { Edges = edges, IsUniform = true, First = first, Last = last, Width = width ?? delta, SinglePrecision = singlePrecision };
    }

    /// <summary>Bins between explicit edges — <c>np.histogram(a, bins=edges)</c>; values compare with the edges in float64.</summary>
    /// <param name="edges">At least two non-decreasing edges (±∞ allowed, NaN not).</param>
    public static HistogramBins FromEdges(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count < 2)
        {
            throw new ArgumentException($"Bin edges need at least two values; got {edges.Count}.", nameof(edges));
        }

        for (int i = 0; i < edges.Count; i++)
        {
            if (double.IsNaN(edges[i]) || (i > 0 && edges[i] < edges[i - 1]))
            {
                throw new ArgumentException($"Bin edges must increase monotonically and not be NaN; got [{string.Join(", ", edges)}].", nameof(edges));
            }
        }

        return new HistogramBins { Edges = [.. edges] };
    }
}

/// <summary>
/// Counts values into <see cref="HistogramBins"/> — the counting half of <c>numpy.histogram</c> (no weights, no
/// density). Counts add up, so blocks counted separately sum to the histogram of the whole. O(n) for equal bins,
/// O(n log bins) for explicit edges; no allocation beyond the edges converted to the bins' precision.
/// </summary>
public static class Histogram
{
    /// <summary>Adds the bin counts of <paramref name="values"/> to <paramref name="counts"/> (one per bin).</summary>
    public static void Add<T>(ReadOnlySpan<T> values, HistogramBins bins, Span<long> counts)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(bins);
        if (counts.Length != bins.Count)
        {
            throw new ArgumentException($"{bins.Count} bins need as many counts; got {counts.Length}.", nameof(counts));
        }

        if (!bins.IsUniform)
        {
            AddBetweenEdges(values, bins.Edges, counts);
        }
        else if (bins.SinglePrecision)
        {
            AddUniform<T, float>(values, bins, counts);
        }
        else
        {
            AddUniform<T, double>(values, bins, counts);
        }
    }

    /// <summary>numpy's equal-bin path: range test, index estimate, one correction against the edges, all in <typeparamref name="TFloat"/>.</summary>
    private static void AddUniform<T, TFloat>(ReadOnlySpan<T> values, HistogramBins bins, Span<long> counts)
        where T : unmanaged, INumber<T>
        where TFloat : unmanaged, IBinaryFloatingPointIeee754<TFloat>
    {
        int count = bins.Count;
        var first = TFloat.CreateTruncating(bins.First);
        var last = TFloat.CreateTruncating(bins.Last);
        var width = TFloat.CreateTruncating(bins.Width);
        var binCount = TFloat.CreateTruncating(count);
        Span<TFloat> edges = count < 1024 ? stackalloc TFloat[count + 1] : new TFloat[count + 1];
        for (int i = 0; i <= count; i++)
        {
            edges[i] = TFloat.CreateTruncating(bins.Edges[i]);
        }

        foreach (var item in values)
        {
            var value = TFloat.CreateTruncating(item);
            if (!(value >= first && value <= last))
            {
                continue;
            }

            int index = int.CreateTruncating((value - first) / width * binCount);
            index -= index == count ? 1 : 0;
            if (value < edges[index])
            {
                index--;
            }
            else if (index != count - 1 && value >= edges[index + 1])
            {
                index++;
            }

            counts[index]++;
        }
    }

    /// <summary>numpy's explicit-edge path: bin i holds e_i ≤ v &lt; e_i+1, the last bin also v = e_n; compared in float64.</summary>
    private static void AddBetweenEdges<T>(ReadOnlySpan<T> values, double[] edges, Span<long> counts)
        where T : unmanaged, INumber<T>
    {
        int last = edges.Length - 1;
        foreach (var item in values)
        {
            double value = double.CreateTruncating(item);
            if (!(value >= edges[0] && value <= edges[last]))
            {
                continue;
            }

            // The number of edges ≤ value, minus one: the last bin with e_i ≤ value; the top edge belongs to the last bin.
            int low = 0, high = edges.Length;
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (edges[middle] <= value)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            counts[Math.Min(low - 1, last - 1)]++;
        }
    }
}
