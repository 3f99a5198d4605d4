using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// The Gaussian filter family on float32 or float64 volumes: smoothing, derivatives, gradient magnitude, Laplacian of
/// Gaussian, Hessian and structure-tensor eigenvalues, difference of Gaussians. scipy.ndimage semantics (kernels,
/// radius <c>int(truncate·σ + 0.5)</c>, border modes); see <see cref="FilterOptions"/> for rank and halos.
/// </summary>
/// <remarks>
/// Every filter reads <c>input</c> and writes the box of <c>output</c>'s shape whose first voxel is input voxel
/// <c>origin</c> (default: the whole input, output shaped like the input). The border mode applies at the edges of
/// the input view, so a block read with a halo of at least the filter's radius (see the Halo methods) beyond every
/// side that is not the volume's edge gives bit-identical results to the whole-volume run.
/// <c>degreeOfParallelism</c> threads split the output; the kernels start no other threads. Other element types
/// are converted to float32 first (<see cref="VoxelConversion"/>).
/// </remarks>
public static partial class GaussianFilters
{
    /// <summary>Gaussian smoothing: scipy.ndimage.gaussian_filter(input, σ, mode, cval, truncate).</summary>
    public static void GaussianSmoothing<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        GaussianDerivative(input, output, options, Index3.Zero, origin, degreeOfParallelism);

    /// <summary>
    /// Gaussian derivative of the given order (0, 1 or 2) per axis: scipy.ndimage.gaussian_filter(input, σ, order).
    /// Derivatives need σ &gt; 0 on their axis (scipy silently skips an axis with σ = 0, even for a derivative).
    /// </summary>
    public static void GaussianDerivative<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, in FilterOptions options, Index3 orders, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bank = new SeparableFilterBank<T>(options, [new DerivativeOrders(orders.Z, orders.Y, orders.X)]);
        bank.RunDirect(input, origin, output, degreeOfParallelism);
    }

    /// <summary>The halo a block needs for Gaussian smoothing or a derivative: the kernel radius per axis.</summary>
    public static Index3 SmoothingHalo(in FilterOptions options) => options.Radius;

    private static Index3 Shape<T>(Memory3D<T> view) => new(view.Depth, view.Height, view.Width);
}
