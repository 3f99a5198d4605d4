namespace BioImage.Kernels.Tests.Evaluation;

/// <summary>
/// <see cref="DiceSums"/> on crafted cases with closed-form answers: numpy 1.24's comparison rules (float32 against a
/// fractional threshold in float32, against an integral one exactly; integers exactly, thresholds outside the dtype's
/// range), raw values (soft dice), lengths across chunk boundaries, the merge of parts, and refused length mismatches.
/// </summary>
public class DiceSumsTests
{
    [Fact]
    public void Float32_compares_in_float32_against_a_fractional_threshold_and_exactly_against_an_integral_one()
    {
        float[] tenth = [0.1f, 0.1f, 0.2f];
        Assert.Equal(1, DiceSums.Of<float, byte>(tenth, [1, 1, 1], 0.1, 0).Seg); // float32(0.1) > 0.1 is false in numpy
        Assert.Equal(3, DiceSums.Of<float, byte>(tenth, [1, 1, 1], 0.09999999, 0).Seg);

        // 16777219 rounds to 16777220 in float32, but numpy compares a Python int exactly (in float64).
        float[] large = [16777220f, 16777216f];
        Assert.Equal(1, DiceSums.Of<float, byte>(large, [0, 0], 16777219, 0).Seg);
        Assert.Equal(0, DiceSums.Of<float, byte>([float.NaN], [0], double.NegativeInfinity, 0).Seg);
    }

    [Fact]
    public void Integers_compare_exactly_whatever_the_threshold_and_its_range()
    {
        byte[] bytes = [0, 1, 254, 255];
        Assert.Equal(4, DiceSums.Of<byte, byte>(bytes, bytes, -1, 0).Seg);
        Assert.Equal(1, DiceSums.Of<byte, byte>(bytes, bytes, 254.5, 0).Seg);
        Assert.Equal(0, DiceSums.Of<byte, byte>(bytes, bytes, 255, 0).Seg);
        Assert.Equal(0, DiceSums.Of<byte, byte>(bytes, bytes, 1e300, 0).Seg);

        long[] longs = [long.MinValue, -1, 0, long.MaxValue];
        Assert.Equal(4, DiceSums.Of<long, byte>(longs, [0, 0, 0, 0], -1e19, 0).Seg);
        Assert.Equal(3, DiceSums.Of<long, byte>(longs, [0, 0, 0, 0], -9.2e18, 0).Seg);
        Assert.Equal(1, DiceSums.Of<long, byte>(longs, [0, 0, 0, 0], 0, 0).Seg);

        ulong[] ulongs = [(1UL << 63) - 1, 1UL << 63, (1UL << 63) + 1, ulong.MaxValue];
        Assert.Equal(2, DiceSums.Of<ulong, byte>(ulongs, [0, 0, 0, 0], 9223372036854775808.0, 0).Seg);
        Assert.Equal(0, DiceSums.Of<ulong, byte>(ulongs, [0, 0, 0, 0], 18446744073709551616.0, 0).Seg);
    }

    [Fact]
    public void Raw_values_give_the_soft_dice()
    {
        double[] seg = [0.5, 0.25, 1, 0];
        short[] gt = [2, -1, 0, 3];
        var sums = DiceSums.Of<double, short>(seg, gt, null, null);
        Assert.Equal(new DiceSums((0.5 * 2) - 0.25, 1.75, 4), sums);
        Assert.Equal(2 * 0.75 / (5.75 + DiceScore.Epsilon), sums.Score);
        Assert.Equal(new DiceSums(0.5, 1.75, 2), DiceSums.Of<double, short>(seg, gt, null, 0));
    }

    [Fact]
    public void Chunks_and_parts_add_up_and_no_foreground_scores_0()
    {
        const int length = (3 * DiceSums.ChunkLength) + 7;
        var ones = Enumerable.Repeat((byte)1, length).ToArray();
        var half = Enumerable.Range(0, length).Select(i => (ushort)(i % 2)).ToArray();
        var whole = DiceSums.Of<byte, ushort>(ones, half, 0, 0);
        Assert.Equal(new DiceSums(length / 2, length, length / 2), whole);
        var parts = DiceSums.Of<byte, ushort>(ones.AsSpan(0, 700), half.AsSpan(0, 700), 0, 0).Merge(DiceSums.Of<byte, ushort>(ones.AsSpan(700), half.AsSpan(700), 0, 0));
        Assert.Equal(whole, parts);
        Assert.Equal(0, DiceSums.Empty.Score);
        Assert.Equal(0, DiceSums.Of<byte, byte>([0, 0], [0, 0], 0, 0).Score);
    }

    [Fact]
    public void Spans_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => DiceSums.Of<byte, byte>([1, 2], [1], 0, 0));
        Assert.Contains("got 2 and 1", error.Message, StringComparison.Ordinal);
    }
}
