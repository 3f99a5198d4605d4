using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Statistics;

/// <summary>
/// Crafted cases of the histogram kernel (numpy's rules: last bin closed, outside and NaN ignored, repeated edges,
/// an empty range widened by ±0.5) and of the float keys (their order is the floats' order, ±0 one key, NaN last).
/// The numpy comparisons on every dtype and backend are in BioImage.Core.Tests' StatsHistogramUniqueTests.
/// </summary>
public sealed class HistogramAndFloatKeysTests
{
    [Fact]
    public void Uniform_bins_close_the_last_bin_and_ignore_what_lies_outside()
    {
        var bins = HistogramBins.Uniform(4, 0, 1, singlePrecision: false);
        Assert.Equal([0, 0.25, 0.5, 0.75, 1], bins.Edges);
        var counts = new long[4];
        Histogram.Add<double>([0, 0.25, 0.2499999, 0.5, 1, 1.0000001, -1e-300, double.NaN, double.PositiveInfinity, 0.75], bins, counts);
        Assert.Equal([2L, 1, 1, 2], counts);
    }

    [Fact]
    public void An_empty_range_is_widened_and_float32_edges_are_rounded()
    {
        var bins = HistogramBins.Uniform(3, 0.1f, 0.1f, singlePrecision: true);
        Assert.Equal((float)(0.1f - 0.5), (float)bins.Edges[0]);
        Assert.All(bins.Edges, e => Assert.Equal(e, (float)e));
        var counts = new long[3];
        Histogram.Add<float>([0.1f, 0.1f], bins, counts);
        Assert.Equal([0L, 2, 0], counts);
        Assert.Throws<ArgumentException>(() => HistogramBins.Uniform(3, 1, 0, singlePrecision: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramBins.Uniform(0, 0, 1, singlePrecision: false));
    }

    [Fact]
    public void Explicit_edges_may_repeat_and_be_infinite()
    {
        var bins = HistogramBins.FromEdges([double.NegativeInfinity, 0, 1, 1, 2]);
        var counts = new long[4];
        Histogram.Add<int>([-5, 0, 1, 1, 2, 3], bins, counts);
        Assert.Equal([1L, 1, 0, 3], counts);
        Assert.Throws<ArgumentException>(() => HistogramBins.FromEdges([1, 0]));
        Assert.Throws<ArgumentException>(() => HistogramBins.FromEdges([0, double.NaN]));
    }

    [Fact]
    public void Float_keys_order_like_the_floats_with_one_zero_and_nan_last()
    {
        float[] values = [float.NaN, 3, -0.0f, float.NegativeInfinity, 1e-45f, -1e-45f, 0, -2.5f, float.PositiveInfinity, -float.NaN];
        var keys = new int[values.Length];
        FloatKeys.ToKeys<float, int>(values, keys);
        var byKey = values.Zip(keys).OrderBy(p => p.Second).Select(p => p.First).ToArray();
        Assert.Equal([float.NegativeInfinity, -2.5f, -1e-45f, 0, 0, 1e-45f, 3, float.PositiveInfinity], byKey[..8]);
        Assert.True(float.IsNaN(byKey[8]) && float.IsNaN(byKey[9]));
        Assert.Equal(keys[2], keys[6]);
        Assert.Equal(keys[0], keys[9]);
        Assert.All(values.Where(v => !float.IsNaN(v) && v != 0).Zip(keys.Where((_, i) => !float.IsNaN(values[i]) && values[i] != 0)), p => Assert.Equal(p.First, FloatKeys.FromKey<float, int>(p.Second)));

        var doubles = new long[1];
        FloatKeys.ToKeys<double, long>([-0.0], doubles);
        Assert.Equal(0.0, FloatKeys.FromKey<double, long>(doubles[0]));
        Assert.Throws<ArgumentException>(() => FloatKeys.ToKeys<double, int>([1.0], new int[1]));
    }
}
