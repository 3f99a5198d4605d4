using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Resampling;

/// <summary>
/// Pooling (mean, max, min, mode) against numpy block reductions, for uint8/uint16/uint32/uint64/float32, odd shapes
/// with partial blocks, sums that overflow the element type, and ties; exact except the float32 mean.
/// </summary>
public class PoolingTests
{
    public static TheoryData<string> Cases => ResamplingFixtures.OfKind("pool");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_matches_numpy(string name)
    {
        var c = ResamplingFixtures.Case(name);
        switch (c.DType)
        {
            case "uint8": Check<byte>(c); break;
            case "uint16": Check<ushort>(c); break;
            case "uint32": Check<uint>(c); break;
            case "uint64": Check<ulong>(c); break;
            case "float32": Check<float>(c); break;
            default: throw new ArgumentException(c.DType);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Blocks_aligned_to_the_factors_equal_the_whole_volume(int threads)
    {
        var random = new Random(5);
        var shape = new Index3(9, 71, 133); // odd height: the last output row has a partial block beside the SIMD rows
        int voxels = shape.Z * shape.Y * shape.X;
        foreach (var factors in new[] { new Index3(2, 2, 2), new Index3(1, 2, 2), new Index3(3, 1, 2) })
        {
            CheckBlocks(Enumerable.Range(0, voxels).Select(_ => (byte)random.Next(0, 6)).ToArray(), shape, factors, threads, random);
            CheckBlocks(Enumerable.Range(0, voxels).Select(_ => (ushort)random.Next(0, 65536)).ToArray(), shape, factors, threads, random);
            CheckBlocks(Enumerable.Range(0, voxels).Select(_ => (float)random.NextDouble()).ToArray(), shape, factors, threads, random);
        }
    }

    /// <summary>Pools random factor-aligned boxes and compares them with the whole volume's voxels (the SIMD path
    /// covers different outputs in each, so this also checks it against the scalar path bit for bit).</summary>
    private static void CheckBlocks<T>(T[] input, Index3 shape, Index3 factors, int threads, Random random)
        where T : unmanaged, INumber<T>
    {
        var volume = new ReadOnlyMemory3D<T>(input, shape.Z, shape.Y, shape.X);
        var outShape = Kernels.Resampling.PooledShape(shape, factors);
        foreach (var method in Enum.GetValues<PoolingMethod>())
        {
            var whole = new T[outShape.Z * outShape.Y * outShape.X];
            Kernels.Resampling.Pool<T>(volume, new Memory3D<T>(whole, outShape.Z, outShape.Y, outShape.X), factors, method, threads);
            for (int trial = 0; trial < 4; trial++)
            {
                int oz = random.Next(outShape.Z), oy = random.Next(outShape.Y), ox = random.Next(outShape.X);
                int dz = random.Next(1, outShape.Z - oz + 1), dy = random.Next(1, outShape.Y - oy + 1), dx = random.Next(1, outShape.X - ox + 1);
                int iz = oz * factors.Z, iy = oy * factors.Y, ix = ox * factors.X;
                var view = volume.Slice(iz, iy, ix, Math.Min(dz * factors.Z, shape.Z - iz), Math.Min(dy * factors.Y, shape.Y - iy), Math.Min(dx * factors.X, shape.X - ix));
                var block = new T[dz * dy * dx];
                Kernels.Resampling.Pool<T>(view, new Memory3D<T>(block, dz, dy, dx), factors, method, threads);
                for (int z = 0; z < dz; z++)
                {
                    for (int y = 0; y < dy; y++)
                    {
                        for (int x = 0; x < dx; x++)
                        {
                            Assert.Equal(whole[((((oz + z) * outShape.Y) + oy + y) * outShape.X) + ox + x], block[(((z * dy) + y) * dx) + x]);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Mode_ties_go_to_the_smallest_label_whatever_the_order()
    {
        // Block of 2×2×2 with labels 9, 9, 4, 4, 7, 7, 7, 4 → 4 and 7 tie at three; 4 wins.
        ulong[] values = [9, 4, 7, 7, 9, 4, 7, 4];
        var output = new ulong[1];
        Kernels.Resampling.Pool<ulong>(new ReadOnlyMemory3D<ulong>(values, 2, 2, 2), new Memory3D<ulong>(output, 1, 1, 1), new Index3(2, 2, 2), PoolingMethod.Mode);
        Assert.Equal(4UL, output[0]);
        Array.Reverse(values);
        Kernels.Resampling.Pool<ulong>(new ReadOnlyMemory3D<ulong>(values, 2, 2, 2), new Memory3D<ulong>(output, 1, 1, 1), new Index3(2, 2, 2), PoolingMethod.Mode);
        Assert.Equal(4UL, output[0]);
    }

    [Fact]
    public void Max_and_min_propagate_NaN_like_numpy()
    {
        float[] values = [1, float.NaN, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8];
        var output = new float[2];
        Kernels.Resampling.Pool<float>(new ReadOnlyMemory3D<float>(values, 2, 2, 4), new Memory3D<float>(output, 1, 1, 2), new Index3(2, 2, 2), PoolingMethod.Max);
        Assert.True(float.IsNaN(output[0]));
        Assert.Equal(8f, output[1]);
        Kernels.Resampling.Pool<float>(new ReadOnlyMemory3D<float>(values, 2, 2, 4), new Memory3D<float>(output, 1, 1, 2), new Index3(2, 2, 2), PoolingMethod.Min);
        Assert.True(float.IsNaN(output[0]));
    }

    [Fact]
    public void Wrong_output_shape_or_factor_is_rejected()
    {
        var input = new ReadOnlyMemory3D<byte>(new byte[5 * 5 * 5], 5, 5, 5);
        Assert.Throws<ArgumentException>(() => Kernels.Resampling.Pool<byte>(input, new Memory3D<byte>(new byte[8], 2, 2, 2), new Index3(2, 2, 2), PoolingMethod.Mean));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Resampling.Pool<byte>(input, new Memory3D<byte>(new byte[27], 3, 3, 3), new Index3(2, 0, 2), PoolingMethod.Mean));
    }

    private static void Check<T>(ResamplingCase c)
        where T : unmanaged, INumber<T>
    {
        var (input, shape) = ResamplingFixtures.Read<T>(c.Input);
        var (expected, outShape) = ResamplingFixtures.Read<T>(c.Name);
        var factors = new Index3(c.Factors[0], c.Factors[1], c.Factors[2]);
        Assert.Equal(outShape, Kernels.Resampling.PooledShape(shape, factors));
        var method = Enum.Parse<PoolingMethod>(c.Method, ignoreCase: true);
        foreach (int threads in new[] { 1, 2 })
        {
            var output = new T[expected.Length];
            Kernels.Resampling.Pool<T>(new ReadOnlyMemory3D<T>(input, shape.Z, shape.Y, shape.X), new Memory3D<T>(output, outShape.Z, outShape.Y, outShape.X), factors, method, threads);
            if (typeof(T) == typeof(float) && method == PoolingMethod.Mean)
            {
                Filters.Tolerance.AssertClose((float[])(object)expected, (float[])(object)output, 1e-6, c.Name);
            }
            else
            {
                Assert.Equal(expected, output);
            }
        }
    }
}
