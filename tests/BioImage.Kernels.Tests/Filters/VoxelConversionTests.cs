using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Conversion rules: exact widening to float (SIMD paths equal to the scalar one), scipy.ndimage's round-half-away-and-clamp back to integers.</summary>
public class VoxelConversionTests
{
    [Fact]
    public void Floats_round_half_away_from_zero_and_clamp_to_integer_types()
    {
        float[] values = [-1.2f, -0.5f, 0.49f, 0.5f, 1.5f, 2.5f, 254.5f, 300f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var bytes = new byte[values.Length];
        VoxelConversion.Convert<float, byte>(values, bytes);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 3, 255, 255, 0, 255, 0 }, bytes);
        var shorts = new short[values.Length];
        VoxelConversion.Convert<float, short>(values, shorts);
        Assert.Equal(new short[] { -1, -1, 0, 1, 2, 3, 255, 300, 0, short.MaxValue, short.MinValue }, shorts);
        var longs = new ulong[2];
        VoxelConversion.Convert<double, ulong>([1e30, 1.8446744073709550e19], longs);
        Assert.Equal(new ulong[] { ulong.MaxValue, 18446744073709549568UL }, longs);
    }

    [Fact]
    public void Integers_widen_to_float_like_numpy()
    {
        var floats = new float[3];
        VoxelConversion.Convert<ulong, float>([0, 16777217, ulong.MaxValue], floats);
        Assert.Equal(new float[] { 0, 16777216, 1.8446744e19f }, floats);
        var doubles = new double[2];
        VoxelConversion.Convert<short, double>([short.MinValue, 7], doubles);
        Assert.Equal(new double[] { -32768, 7 }, doubles);
    }

    [Fact]
    public void Views_convert_row_by_row_and_shapes_must_match()
    {
        var source = Enumerable.Range(0, 4 * 5 * 6).Select(i => (byte)i).ToArray();
        var view = new ReadOnlySpan3D<byte>(source, 4, 5, 6).Slice(1, 1, 2, 2, 3, 3);
        var target = new float[18];
        VoxelConversion.Convert(view, new Span3D<float>(target, 2, 3, 3));
        Assert.Equal(view[1, 2, 2], (byte)target[17]);
        Assert.Throws<ArgumentException>(() => VoxelConversion.Convert(new ReadOnlySpan3D<byte>(source, 4, 5, 6), new Span3D<float>(target, 2, 3, 3)));
    }

    [Fact]
    public void Simd_widening_equals_scalar_conversion()
    {
        var random = new Random(11);
        for (int length = 0; length < 300; length += 7)
        {
            Check(Enumerable.Range(0, length).Select(_ => (byte)random.Next(256)).ToArray());
            Check(Enumerable.Range(0, length).Select(_ => (ushort)random.Next(65536)).ToArray());
            Check(Enumerable.Range(0, length).Select(_ => (short)random.Next(-32768, 32768)).ToArray());
            Check(Enumerable.Range(0, length).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray());
        }

        Check(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray());
        Check(Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray());
        Check(Enumerable.Range(0, 65536).Select(i => (short)(i - 32768)).ToArray());
        Check([16777217, -16777217, int.MaxValue, int.MinValue, 33554435, 0, 1, -1]);
    }

    private static void Check<T>(T[] values)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        var converted = new float[values.Length];
        VoxelConversion.Convert<T, float>(values, converted);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(float.CreateTruncating(values[i]), converted[i]);
        }
    }
}
