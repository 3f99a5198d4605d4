using System.Numerics;

namespace BioImage.Kernels;

public static partial class GaussianFilters
{
    /// <summary>
    /// Gradient magnitude <c>sqrt(Σ_axis (∂_axis G_σ * input)²)</c> with Gaussian first derivatives:
    /// scipy.ndimage.gaussian_gradient_magnitude. Needs σ &gt; 0 on every axis of the rank.
    /// </summary>
    public static void GaussianGradientMagnitude<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ReduceAxisDerivatives<T, RootSumOfSquares<T>>(input, output, options, 1, origin, degreeOfParallelism);

    /// <summary>The halo of <see cref="GaussianGradientMagnitude{T}"/>: the kernel radius per axis.</summary>
    public static Index3 GradientMagnitudeHalo(in FilterOptions options) => options.Radius;

    /// <summary>One term per axis of the rank, each with derivative <paramref name="order"/> along that axis only.</summary>
    private static DerivativeOrders[] AxisDerivatives(int rank, int order) => rank == 3
        ? [new(order, 0, 0), new(0, order, 0), new(0, 0, order)]
        : [new(0, order, 0), new(0, 0, order)];

    /// <summary>Folds the order-<paramref name="order"/> derivatives along each axis into one output per voxel.</summary>
    private static void ReduceAxisDerivatives<T, TReduction>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, int order, Index3 origin, int degreeOfParallelism)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TReduction : struct, ITermReduction<T>
    {
        var bank = new SeparableFilterBank<T>(options, AxisDerivatives(options.Rank, order));
        bank.Run(input, origin, Shape(output), new ReducedRows<T, TReduction>(output), degreeOfParallelism);
    }

    /// <summary>sqrt(t0² + t1² [+ t2²]), accumulated with fused multiply-adds in term order.</summary>
    private readonly struct RootSumOfSquares<T> : ITermReduction<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Vector<T> First(Vector<T> term) => term * term;

        public static Vector<T> Add(Vector<T> sum, Vector<T> term) => WeightedRowSum.Fma(term, term, sum);

        public static Vector<T> Finish(Vector<T> sum) => Vector.SquareRoot(sum);

        public static T First(T term) => term * term;

        public static T Add(T sum, T term) => T.FusedMultiplyAdd(term, term, sum);

        public static T Finish(T sum) => T.Sqrt(sum);
    }
}
