using System.Numerics;

namespace BioImage.Kernels;

public static partial class GaussianFilters
{
    /// <summary>
    /// Laplacian of Gaussian <c>Σ_axis ∂²_axis G_σ * input</c>: scipy.ndimage.gaussian_laplace. Needs σ &gt; 0 on
    /// every axis of the rank.
    /// </summary>
    public static void LaplacianOfGaussian<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ReduceAxisDerivatives<T, TermSum<T>>(input, output, options, 2, origin, degreeOfParallelism);

    /// <summary>The halo of <see cref="LaplacianOfGaussian{T}"/>: the kernel radius per axis.</summary>
    public static Index3 LaplacianHalo(in FilterOptions options) => options.Radius;

    /// <summary>t0 + t1 [+ t2], summed in term order.</summary>
    private readonly struct TermSum<T> : ITermReduction<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> First(Vector<T> term) => term;

        public static Vector<T> Add(Vector<T> sum, Vector<T> term) => sum + term;

        public static Vector<T> Finish(Vector<T> sum) => sum;

        public static T First(T term) => term;

        public static T Add(T sum, T term) => sum + term;

        public static T Finish(T sum) => sum;
    }
}
