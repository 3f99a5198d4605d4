using System.Numerics;
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

    /// <summary>
    /// Long rows (over 255 whole vectors, so the SIMD counter is flushed, plus a scalar tail) of every element type,
    /// with values on both sides of the threshold, equal to it, negative, above the signed range of unsigned types, and
    /// NaN for floating point: each mask byte is exactly 0 or 1 and equals the element's own <c>&gt;</c>.
    /// </summary>
    [Fact]
    public void Long_rows_of_every_type_match_the_elementwise_definition()
    {
        AssertMatches<byte>([0, 1, 127, 128, 129, 200, 255], 128);
        AssertMatches<sbyte>([-128, -1, 0, 1, 5, 6, 127], 5);
        AssertMatches<ushort>([0, 1, 32767, 32768, 32769, 40000, 65535], 32768);
        AssertMatches<short>([short.MinValue, -300, -1, 0, 299, 300, 301, short.MaxValue], -1);
        AssertMatches<uint>([0, 1, 2147483647, 2147483648, 2147483649, 4000000000, uint.MaxValue], 2147483648);
        AssertMatches<int>([int.MinValue, -70000, -1, 0, 7, 70000, int.MaxValue], 7);
        AssertMatches<ulong>([0, 1, long.MaxValue, 9223372036854775808, 9223372036854775809, ulong.MaxValue - 1, ulong.MaxValue], 9223372036854775808);
        AssertMatches<long>([long.MinValue, -5_000_000_000, -1, 0, 3, 5_000_000_000, long.MaxValue], -1);
        AssertMatches<float>([float.NegativeInfinity, -1.5f, 0f, 0.25f, 0.2500001f, float.MaxValue, float.PositiveInfinity, float.NaN], 0.25f);
        AssertMatches<double>([double.NegativeInfinity, -1e300, 0, 0.25, 0.25000000000000006, 1e300, double.PositiveInfinity, double.NaN], 0.25);
        AssertMatches<Half>([Half.NegativeInfinity, (Half)(-1), Half.Zero, (Half)0.5, (Half)0.75, Half.MaxValue, Half.NaN], (Half)0.5);
    }

    private static void AssertMatches<T>(T[] palette, T threshold)
        where T : unmanaged, INumber<T>
    {
        var random = new Random(palette.Length);
        foreach (int length in new[] { (300 * 64) + 37, 63, 1 })
        {
            var values = Enumerable.Range(0, length).Select(_ => palette[random.Next(palette.Length)]).ToArray();
            var mask = new bool[length + 1];
            mask[length] = true; // past the end: must stay untouched
            int count = Threshold.GreaterThan<T>(values, threshold, mask.AsSpan(0, length));

            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(mask.AsSpan());
            for (int i = 0; i < length; i++)
            {
                Assert.True(bytes[i] == (values[i] > threshold ? 1 : 0), $"{typeof(T).Name}[{i}] = {values[i]} vs {threshold}: mask byte {bytes[i]}");
            }

            Assert.True(mask[length]);
            Assert.Equal(values.Count(v => v > threshold), count);
        }
    }
}
