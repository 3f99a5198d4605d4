using System.Buffers;
using System.Numerics;

namespace BioImage.Kernels;

public static partial class GaussianFilters
{
    /// <summary>
    /// Eigenvalues of the structure tensor, largest first like vigra: the gradient g = ∇(G_inner * input) by Gaussian
    /// first derivatives at the inner scale, the outer products g_a·g_b smoothed with a Gaussian at the outer scale
    /// (same border mode), then the closed-form eigenvalues of the smoothed tensor. scipy equivalent: gaussian_filter
    /// orders for g, gaussian_filter of the products, numpy.linalg.eigvalsh.
    /// </summary>
    /// <param name="input">Input volume.</param>
    /// <param name="eigenvalues">One output per eigenvalue (rank of them), largest first; an empty view skips that channel.</param>
    /// <param name="options">Inner scale σ, rank, border mode.</param>
    /// <param name="outerSigma">Outer (integration) scale per axis.</param>
    /// <param name="origin">Input position of the first output voxel.</param>
    /// <param name="degreeOfParallelism">Threads that split each pass.</param>
    /// <remarks>
    /// The tensor components are kept for the output box plus the outer radius (clipped to the input view, with the
    /// border mode applied to them at the view's edges, as a whole-volume run applies it at the volume's edges).
    /// Scratch: rank·(rank+1)/2 component volumes of that region plus as many of the output box, pooled.
    /// </remarks>
    public static void StructureTensorEigenvalues<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> eigenvalues, in FilterOptions options, AxisScales outerSigma, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var channels = CheckChannels(eigenvalues, options.Rank, nameof(eigenvalues), out var shape);
        var outer = options with { Sigma = outerSigma };
        outer.Validate();
        var reach = outer.Radius;
        var extent = new Index3(input.Depth, input.Height, input.Width);
        Span<int> lo = stackalloc int[3], size = stackalloc int[3];
        for (int axis = 0; axis < 3; axis++)
        {
            var (begin, end) = BorderIndex.Reach((long)origin[axis] - reach[axis], (long)origin[axis] + shape[axis] + reach[axis], Math.Max(extent[axis], 1), options.Mode, origin[axis], origin[axis] + shape[axis]);
            lo[axis] = begin;
            size[axis] = end - begin;
        }

        int components = options.Rank * (options.Rank + 1) / 2;
        int regionVoxels = checked(size[0] * size[1] * size[2]);
        int outputVoxels = checked(shape.Z * shape.Y * shape.X);
        var scratch = ArrayPool<T>.Shared.Rent(checked(components * (regionVoxels + outputVoxels)));
        try
        {
            var products = new Memory3D<T>[components];
            var smoothed = new Memory3D<T>[components];
            for (int c = 0; c < components; c++)
            {
                products[c] = new Memory3D<T>(scratch.AsMemory(c * regionVoxels, regionVoxels), size[0], size[1], size[2]);
                smoothed[c] = new Memory3D<T>(scratch.AsMemory((components * regionVoxels) + (c * outputVoxels), outputVoxels), shape.Z, shape.Y, shape.X);
            }

            var gradient = new SeparableFilterBank<T>(options, AxisDerivatives(options.Rank, 1));
            gradient.Run(input, new Index3(lo[0], lo[1], lo[2]), new Index3(size[0], size[1], size[2]), new OuterProductRows<T>(products), degreeOfParallelism);
            var inside = new Index3(origin.Z - lo[0], origin.Y - lo[1], origin.X - lo[2]);
            for (int c = 0; c < components; c++)
            {
                GaussianSmoothing(products[c], smoothed[c], outer, inside, degreeOfParallelism);
            }

            var combiner = new EigenvalueRows<T>(channels);
            var terms = ArrayPool<T>.Shared.Rent(components * shape.X);
            try
            {
                for (int z = 0; z < shape.Z; z++)
                {
                    for (int y = 0; y < shape.Y; y++)
                    {
                        for (int c = 0; c < components; c++)
                        {
                            smoothed[c].Span.GetRowSpan(z, y).CopyTo(terms.AsSpan(c * shape.X));
                        }

                        combiner.Combine(terms.AsSpan(0, components * shape.X), shape.X, z, y);
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(terms);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>The halo of <see cref="StructureTensorEigenvalues{T}"/>: inner plus outer kernel radius per axis.</summary>
    public static Index3 StructureTensorHalo(in FilterOptions options, AxisScales outerSigma) =>
        options.Radius + (options with { Sigma = outerSigma }).Radius;

    /// <summary>Terms are the gradient components; writes g_a·g_b for a ≤ b (row order of the upper triangle).</summary>
    private readonly struct OuterProductRows<T>(Memory3D<T>[] products) : IRowCombiner<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Combine(ReadOnlySpan<T> terms, int width, int z, int y)
        {
            int rank = terms.Length / width, c = 0;
            for (int a = 0; a < rank; a++)
            {
                for (int b = a; b < rank; b++)
                {
                    var destination = products[c++].Span.GetRowSpan(z, y);
                    var left = terms.Slice(a * width, width);
                    var right = terms.Slice(b * width, width);
                    int i = 0;
                    if (Simd<T>.IsAccelerated)
                    {
                        for (; i <= width - Vector<T>.Count; i += Vector<T>.Count)
                        {
                            (new Vector<T>(left[i..]) * new Vector<T>(right[i..])).CopyTo(destination[i..]);
                        }
                    }

                    for (; i < width; i++)
                    {
                        destination[i] = left[i] * right[i];
                    }
                }
            }
        }
    }
}
