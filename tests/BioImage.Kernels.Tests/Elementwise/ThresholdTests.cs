using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Elementwise;

public class ThresholdTests
{
    [Fact]
    public void Marks_strictly_greater_values_and_counts_them()
    {
        int[] values = [1, 5, 5, 6, -2, 9];
        var mask = new bool[values.Length];
        Assert.Equal(2, Threshold.GreaterThan<int>(values, 5, mask));
        Assert.Equal(new[] { false, false, false, true, false, true }, mask);
    }

    [Fact]
    public void Works_on_strided_views_and_leaves_the_rest()
    {
        var values = Enumerable.Range(0, 4 * 4 * 4).Select(i => (float)i).ToArray();
        var mask = new bool[64];
        var source = new ReadOnlySpan3D<float>(values, 4, 4, 4).Slice(1, 1, 1, 2, 2, 2);
        var destination = new Span3D<bool>(mask, 4, 4, 4).Slice(1, 1, 1, 2, 2, 2);
        long count = Threshold.GreaterThan(source, 30f, destination);
        Assert.Equal(4, count);
        Assert.Equal(4, mask.Count(m => m));
        Assert.True(mask[(2 * 16) + (1 * 4) + 1]);
        Assert.Throws<ArgumentException>(() => Threshold.GreaterThan(new ReadOnlySpan3D<float>(values, 4, 4, 4).Slice(0, 0, 0, 2, 2, 2), 0f, new Span3D<bool>(mask, 4, 4, 4)));
    }

    [Fact]
    public void NaN_is_never_foreground()
    {
        var mask = new bool[2];
        Assert.Equal(1, Threshold.GreaterThan<float>([float.NaN, 1f], 0f, mask));
        Assert.False(mask[0]);
    }
}
