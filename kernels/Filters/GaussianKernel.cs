namespace BioImage.Kernels;

/// <summary>
/// Sampled 1D Gaussian and Gaussian-derivative kernels exactly as scipy.ndimage.gaussian_filter1d builds them.
/// </summary>
/// <remarks>
/// Radius <c>r = int(truncate·σ + 0.5)</c> (truncate 4 by default, so σ = 2 gives 17 taps). The order-0 kernel is
/// <c>φ(t) = exp(−t²/(2σ²))</c> sampled at t = −r…r and normalized to sum 1; the order-n kernel is
/// <c>q_n(t)·φ(t)</c> where q_0 = 1 and q_{n+1} = q_n′ − t·q_n/σ² (so order 1 is −t/σ²·φ and order 2 is
/// (t²/σ⁴ − 1/σ²)·φ), with the same normalization of φ. Weights are computed in double precision. scipy convolves
/// with this kernel; <see cref="CorrelationWeights"/> returns it reversed, so that
/// <c>out[i] = Σ_k w[k] · in[i − r + k]</c>. Axes with σ ≤ 1e-15 are not filtered at all, as in scipy.
/// </remarks>
public static class GaussianKernel
{
    /// <summary>scipy's default truncation: the kernel reaches 4 standard deviations.</summary>
    public const double DefaultTruncate = 4.0;

    /// <summary>σ at or below which scipy skips an axis (1e-15).</summary>
    public const double MinimumSigma = 1e-15;

    /// <summary>Kernel radius <c>int(truncate·σ + 0.5)</c>; 0 when the axis is skipped (σ ≤ 1e-15).</summary>
    public static int Radius(double sigma, double truncate = DefaultTruncate)
    {
        CheckSigma(sigma, truncate);
        return sigma <= MinimumSigma ? 0 : checked((int)((truncate * sigma) + 0.5));
    }

    /// <summary>
    /// The 2r+1 correlation weights of the order-<paramref name="order"/> Gaussian derivative, r = <see cref="Radius"/>.
    /// </summary>
    public static double[] CorrelationWeights(double sigma, int order, double truncate = DefaultTruncate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(order);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, 2);
        int radius = Radius(sigma, truncate);
        if (sigma <= MinimumSigma)
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "A Gaussian kernel needs σ > 1e-15; smaller σ means the axis is not filtered.");
        }

        int taps = (2 * radius) + 1;
        var phi = new double[taps];
        double sum = 0;
        for (int k = 0; k < taps; k++)
        {
            double t = k - radius;
            phi[k] = Math.Exp(-0.5 / (sigma * sigma) * t * t);
            sum += phi[k];
        }

        // numpy sums φ pairwise; this left-to-right sum can differ from it in the last bit only.
        double sigma2 = sigma * sigma;
        var weights = new double[taps];
        for (int k = 0; k < taps; k++)
        {
            // Kernel at t = k − r, reversed for correlation: weight k belongs to offset k − r, kernel position r − k.
            double t = radius - k;
            double q = order switch
            {
                0 => 1.0,
                1 => -t / sigma2,
                _ => (t * t / (sigma2 * sigma2)) - (1.0 / sigma2),
            };
            weights[k] = q * (phi[taps - 1 - k] / sum);
        }

        return weights;
    }

    private static void CheckSigma(double sigma, double truncate)
    {
        if (!(sigma >= 0) || double.IsInfinity(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be a finite number ≥ 0.");
        }

        if (!(truncate > 0) || double.IsInfinity(truncate))
        {
            throw new ArgumentOutOfRangeException(nameof(truncate), truncate, "truncate must be a finite number > 0.");
        }
    }
}
