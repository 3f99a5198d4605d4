using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Statistics;

/// <summary>Moments against a plain double-precision two-pass oracle, for every numeric element type and every tail length.</summary>
public class MomentsTests
{
    public static TheoryData<int> Lengths => new(Enumerable.Range(1, 70).Concat([127, 128, 129, 511, 512, 513, 1025, 4099]));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Every_element_type_matches_the_oracle(int length)
    {
        Check<byte>(length);
        Check<sbyte>(length);
        Check<ushort>(length);
        Check<short>(length);
        Check<uint>(length);
        Check<int>(length);
        Check<ulong>(length);
        Check<long>(length);
        Check<float>(length);
        Check<double>(length);
    }

    [Fact]
    public void Min_and_max_are_found_in_every_lane_and_tail_position()
    {
        for (int length = 2; length <= 80; length++)
        {
            for (int position = 0; position < length; position++)
            {
                var values = new int[length];
                values[position] = -3;
                Assert.Equal((-3, 0), Moments.MinMax<int>(values));
                values[position] = 5;
                Assert.Equal((0, 5), Moments.MinMax<int>(values));
            }
        }
    }

    [Fact]
    public void Merge_is_exact_union_and_empty_is_identity()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 1000).Select(_ => (random.NextDouble() * 1000) + 1e6).ToArray();
        var whole = Moments.Of<double>(values);
        var merged = Moments.Of<double>(values.AsSpan(0, 313)).Merge(Moments.Of<double>(values.AsSpan(313)));
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Mean, merged.Mean, 1e-9);
        Assert.Equal(whole.Variance, merged.Variance, 1e-6);
        Assert.Equal(whole, whole.Merge(Moments.Empty));
        Assert.Equal(whole, Moments.Empty.Merge(whole));
        Assert.True(double.IsNaN(Moments.Empty.Variance));
    }

    [Fact]
    public void Large_offset_does_not_destroy_the_variance()
    {
        // A naive Σx² − (Σx)²/n loses every digit here; the chunked two-pass merge keeps them.
        var values = Enumerable.Range(0, 10_000).Select(i => 1e9 + (i % 2)).ToArray();
        var moments = Moments.Of<double>(values);
        Assert.Equal(0.25, moments.Variance, 1e-9);
    }

    [Fact]
    public void Strided_view_covers_only_its_elements()
    {
        var data = Enumerable.Range(0, 6 * 7 * 8).Select(i => (float)i).ToArray();
        var view = new ReadOnlySpan3D<float>(data, 6, 7, 8).Slice(1, 2, 3, 4, 3, 2);
        var expected = new List<double>();
        for (int z = 0; z < 4; z++)
        {
            for (int y = 0; y < 3; y++)
            {
                for (int x = 0; x < 2; x++)
                {
                    expected.Add(view[z, y, x]);
                }
            }
        }

        var moments = Moments.Of(view);
        Assert.Equal(expected.Count, moments.Count);
        Assert.Equal(expected.Min(), moments.Min);
        Assert.Equal(expected.Max(), moments.Max);
        Assert.Equal(expected.Average(), moments.Mean, 1e-9);
    }

    [Fact]
    public void NaN_propagates_like_numpy()
    {
        var moments = Moments.Of<float>([1f, float.NaN, 3f]);
        Assert.True(double.IsNaN(moments.Max));
        Assert.True(double.IsNaN(moments.Mean));
    }

    [Fact]
    public void MinMax_of_nothing_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => Moments.MinMax<int>([]));
        Assert.Equal(0, Moments.Of<int>([]).Count);
    }

    private static void Check<T>(int length)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var random = new Random(length);
        double lo = Math.Max(double.CreateTruncating(T.MinValue), -1e6);
        double hi = Math.Min(double.CreateTruncating(T.MaxValue), 1e6);
        var values = new T[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = T.CreateTruncating(lo + (random.NextDouble() * (hi - lo)));
        }

        var doubles = values.Select(double.CreateTruncating).ToArray();
        double mean = doubles.Average();
        double variance = doubles.Select(v => (v - mean) * (v - mean)).Sum() / length;
        var moments = Moments.Of<T>(values);
        Assert.Equal(length, moments.Count);
        Assert.Equal(doubles.Min(), moments.Min);
        Assert.Equal(doubles.Max(), moments.Max);
        Assert.Equal(mean, moments.Mean, Math.Abs(mean) * 1e-12);
        Assert.Equal(variance, moments.Variance, variance * 1e-9);
    }
}
