using System.Numerics;

namespace BioImage.Kernels;

/// <summary>A 1D correlation kernel for one axis of a separable filter, with the symmetry its weights have.</summary>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class AxisKernel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private AxisKernel(T[] weights, KernelSymmetry symmetry)
    {
        Weights = weights;
        Symmetry = symmetry;
    }

    /// <summary>Kernel radius r: the kernel has 2r+1 taps at offsets −r…r.</summary>
    public int Radius => Weights.Length / 2;

    /// <summary>Weight of tap k (offset k − r).</summary>
    public T[] Weights { get; }

    /// <summary>The symmetry of <see cref="Weights"/>, verified exactly after rounding to <typeparamref name="T"/>.</summary>
    public KernelSymmetry Symmetry { get; }

    /// <summary>The order-<paramref name="order"/> Gaussian derivative kernel (scipy's definition, see <see cref="GaussianKernel"/>).</summary>
    public static AxisKernel<T> Gaussian(double sigma, int order, double truncate)
    {
        var weights = Array.ConvertAll(GaussianKernel.CorrelationWeights(sigma, order, truncate), T.CreateChecked);
        return new AxisKernel<T>(weights, SymmetryOf(weights));
    }

    private static KernelSymmetry SymmetryOf(T[] weights)
    {
        int r = weights.Length / 2;
        bool even = true, odd = weights[r] == T.Zero;
        for (int j = 1; j <= r; j++)
        {
            even &= weights[r - j] == weights[r + j];
            odd &= weights[r - j] == -weights[r + j];
        }

        return even ? KernelSymmetry.Even : odd ? KernelSymmetry.Odd : KernelSymmetry.General;
    }
}
