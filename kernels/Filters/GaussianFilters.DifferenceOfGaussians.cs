using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

public static partial class GaussianFilters
{
    /// <summary>
    /// Difference of Gaussians <c>G_low * input − G_high * input</c>: skimage.filters.difference_of_gaussians
    /// (with scikit-image's default high σ = 1.6 · low σ when the caller passes that).
    /// </summary>
    /// <param name="input">Input volume.</param>
    /// <param name="output">Output box.</param>
    /// <param name="options">The low σ, rank and border mode.</param>
    /// <param name="highSigma">The high σ per axis (≥ the low σ).</param>
    /// <param name="origin">Input position of the first output voxel.</param>
    /// <param name="degreeOfParallelism">Threads that split each pass.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DifferenceOfGaussians<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, AxisScales highSigma, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var high = options with { Sigma = highSigma };
        high.Validate();
        GaussianSmoothing(input, output, options, origin, degreeOfParallelism);
        int voxels = checked(output.Depth * output.Height * output.Width);
        var scratch = ArrayPool<T>.Shared.Rent(voxels);
        try
        {
            var wide = new Memory3D<T>(scratch.AsMemory(0, voxels), output.Depth, output.Height, output.Width);
            GaussianSmoothing(input, wide, high, origin, degreeOfParallelism);
            var difference = output.Span;
            var subtrahend = wide.Span;
            for (int z = 0; z < output.Depth; z++)
            {
                for (int y = 0; y < output.Height; y++)
                {
                    Subtract(difference.GetRowSpan(z, y), subtrahend.GetRowSpan(z, y));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>The halo of <see cref="DifferenceOfGaussians{T}"/>: the larger of the two kernel radii per axis.</summary>
    public static Index3 DifferenceOfGaussiansHalo(in FilterOptions options, AxisScales highSigma)
    {
        var low = options.Radius;
        var high = (options with { Sigma = highSigma }).Radius;
        return new Index3(Math.Max(low.Z, high.Z), Math.Max(low.Y, high.Y), Math.Max(low.X, high.X));
    }

    /// <summary>row −= subtrahend, element-wise.</summary>
    private static void Subtract<T>(Span<T> row, ReadOnlySpan<T> subtrahend)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Simd<T>.IsAccelerated)
        {
            for (; i <= row.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                (new Vector<T>(row[i..]) - new Vector<T>(subtrahend[i..])).CopyTo(row[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            row[i] -= subtrahend[i];
        }
    }
}
