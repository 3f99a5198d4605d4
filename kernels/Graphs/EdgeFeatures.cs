namespace BioImage.Kernels.Graphs;

/// <summary>Which edge features <see cref="EdgeFeatures.Compute"/> gives.</summary>
public enum EdgeFeatureSet
{
    /// <summary>mean and size — elf's <c>compute_boundary_mean_and_length</c> (needs only sums).</summary>
    Mean,

    /// <summary>The 12 columns of elf's <c>compute_boundary_features</c>: mean, median, std, min, max, p5, p10, p25, p75, p90, p95, size (needs the kept values).</summary>
    All,
}

/// <summary>
/// Edge features from an <see cref="EdgeTable"/> — the statistics of each edge's face-pair values
/// (bioimage-cpp's <c>feature_accumulation.hxx</c>): mean, population standard deviation (two passes: the mean,
/// then Σ(x − mean)²/n), minimum, maximum, and the quantiles with numpy's default <c>linear</c> method (virtual index
/// q·(n − 1) between the order statistics, numpy's <c>_lerp</c>). With the values kept (<see cref="EdgeFeatureSet.All"/>)
/// every sum runs over the sorted values, so the features do not depend on how the volume was cut into blocks.
/// O(k) for k edges, from the sorted values.
/// </summary>
public static class EdgeFeatures
{
    private static readonly string[] MeanNames = ["mean", "size"];

    private static readonly string[] AllNames = ["mean", "median", "std", "min", "max", "p5", "p10", "p25", "p75", "p90", "p95", "size"];

    private static readonly double[] Quantiles = [0.5, 0.05, 0.1, 0.25, 0.75, 0.9, 0.95];

    /// <summary>The column names of <paramref name="set"/>, in order.</summary>
    public static IReadOnlyList<string> Names(EdgeFeatureSet set) => set == EdgeFeatureSet.Mean ? MeanNames : AllNames;

    /// <summary>The features of every edge of <paramref name="table"/>, row-major: edge e's feature f at [e·F + f] for F = Names(set).Count.</summary>
    /// <exception cref="ArgumentException">The table has no boundary sums, or no kept values for <see cref="EdgeFeatureSet.All"/>.</exception>
    public static double[] Compute(EdgeTable table, EdgeFeatureSet set)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Sums is null || (set == EdgeFeatureSet.All && table.Values is null))
        {
            throw new ArgumentException($"Edge features '{set}' need a table accumulated over a boundary map{(set == EdgeFeatureSet.All ? " with its values kept" : string.Empty)}.", nameof(table));
        }

        int columns = Names(set).Count;
        var features = new double[(long)table.EdgeCount * columns];
        long offset = 0;
        for (int e = 0; e < table.EdgeCount; e++)
        {
            var row = features.AsSpan(e * columns, columns);
            long size = table.Sizes[e];
            if (set == EdgeFeatureSet.Mean)
            {
                row[0] = table.Sums[e] / size;
                row[1] = size;
                continue;
            }

            var values = table.Values.AsSpan((int)offset, (int)size);
            offset += size;
            double mean = Mean(values);
            row[0] = mean;
            row[1] = Quantile(values, Quantiles[0]);
            row[2] = StandardDeviation(values, mean);
            row[3] = values[0];
            row[4] = values[^1];
            for (int q = 1; q < Quantiles.Length; q++)
            {
                row[4 + q] = Quantile(values, Quantiles[q]);
            }

            row[11] = size;
        }

        return features;
    }

    /// <summary>numpy's <c>quantile(values, q)</c> with the <c>linear</c> method, for ascending <paramref name="sorted"/> (at least one value).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(sorted));
        }

        double position = q * (sorted.Length - 1);
        if (position >= sorted.Length - 1)
        {
            return sorted[^1];
        }

        double below = Math.Floor(position);
        double a = sorted[(int)below], b = sorted[(int)below + 1];
        double t = position - below, difference = b - a;
        return t >= 0.5 ? b - (difference * (1 - t)) : a + (difference * t);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        return sum / values.Length;
    }

    private static double StandardDeviation(ReadOnlySpan<double> values, double mean)
    {
        double squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }
}
