namespace BioImage.Kernels;

/// <summary>
/// Centred B-splines of order 0–5 and the impulse response of their interpolating prefilter, the two ingredients of
/// scipy.ndimage's spline interpolation (Unser, Aldroubi, Eden, "B-spline signal processing", IEEE TSP 41(2), 1993).
/// </summary>
/// <remarks>
/// <para>β_n is the n-fold convolution of the unit box, supported on |t| &lt; (n+1)/2.</para>
/// <para>Interpolation with order n ≥ 2 needs coefficients c with Σ_j c[j] β_n(i − j) = x[i]: c = h * x where h is
/// the inverse filter of the sampled B-spline. h is symmetric and decays like |z|^|k| for the filter's largest pole
/// z (−0.17 for order 2 up to −0.43 for order 5), so it is truncated where it falls below
/// <see cref="PrefilterTolerance"/> of h[0]: 16 to 36 taps each side. scipy applies the same filter recursively
/// (causal + anticausal passes with boundary initialisation); the truncated FIR form gives the same coefficients
/// to ~1e-13 relative and, unlike the recursion, a finite reach, so blocks with a halo reproduce whole-volume
/// results exactly.</para>
/// </remarks>
public static class BSpline
{
    /// <summary>Relative size of the first prefilter tap left out.</summary>
    public const double PrefilterTolerance = 1e-14;

    private static readonly double[]?[] Prefilters = new double[6][];

    /// <summary>β_n(t), the centred B-spline of order <paramref name="order"/> (0–5).</summary>
    /// <remarks>
    /// Evaluated with the Cox–de Boor recursion on integer knots, N_1 = 1 on [0, 1),
    /// N_m(x) = (x·N_{m−1}(x) + (m − x)·N_{m−1}(x − 1)) / (m − 1), β_n(t) = N_{n+1}(|t| + (n+1)/2): every term is
    /// non-negative, so there is no cancellation (the truncated-power sum loses up to 1e-7 relative near the ends of
    /// the support), and the result is exactly symmetric.
    /// </remarks>
    public static double Value(int order, double t)
    {
        CheckOrder(order);
        double x = Math.Abs(t) + ((order + 1) / 2.0);
        if (!(x < order + 1))
        {
            return 0;
        }

        // values[i] holds N_m(x − i) for the current m; only i ≤ order matter.
        Span<double> values = stackalloc double[order + 1];
        int cell = (int)Math.Floor(x);
        for (int i = 0; i <= order; i++)
        {
            values[i] = i == cell ? 1 : 0;
        }

        for (int m = 2; m <= order + 1; m++)
        {
            for (int i = 0; i <= order + 1 - m; i++)
            {
                double u = x - i;
                values[i] = ((u * values[i]) + ((m - u) * values[i + 1])) / (m - 1);
            }
        }

        return values[0];
    }

    /// <summary>
    /// The symmetric prefilter h[−K..K] (index k + K) of order <paramref name="order"/> (2–5): spline coefficients
    /// are c[j] = Σ_k h[k] x[j − k] over the infinitely extended signal.
    /// </summary>
    public static ReadOnlySpan<double> Prefilter(int order)
    {
        CheckOrder(order);
        if (order < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Orders 0 and 1 interpolate without a prefilter.");
        }

        return Prefilters[order] ??= BuildPrefilter(order);
    }

    /// <summary>Poles of the order-n prefilter (roots inside the unit circle of the sampled B-spline's z-transform).</summary>
    private static double[] Poles(int order) => order switch
    {
        2 => [Math.Sqrt(8.0) - 3.0],
        3 => [Math.Sqrt(3.0) - 2.0],
        4 => [Math.Sqrt(664.0 - Math.Sqrt(438976.0)) + Math.Sqrt(304.0) - 19.0, Math.Sqrt(664.0 + Math.Sqrt(438976.0)) - Math.Sqrt(304.0) - 19.0],
        _ => [Math.Sqrt(67.5 - Math.Sqrt(4436.25)) + Math.Sqrt(26.25) - 6.5, Math.Sqrt(67.5 + Math.Sqrt(4436.25)) - Math.Sqrt(26.25) - 6.5],
    };

    /// <summary>Runs the recursive filter on a unit impulse in a long zero line and keeps the taps above tolerance.</summary>
    private static double[] BuildPrefilter(int order)
    {
        const int Half = 400; // |z| ≤ 0.431: z^400 is far below double precision
        var line = new double[(2 * Half) + 1];
        double gain = 1;
        var poles = Poles(order);
        foreach (double z in poles)
        {
            gain *= (1 - z) * (1 - (1 / z));
        }

        line[Half] = gain;
        foreach (double z in poles)
        {
            for (int i = 1; i < line.Length; i++)
            {
                line[i] += z * line[i - 1];
            }

            line[^1] = 0; // the anticausal start: the line ends Half samples after the impulse
            for (int i = line.Length - 2; i >= 0; i--)
            {
                line[i] = z * (line[i + 1] - line[i]);
            }
        }

        int reach = 0;
        while (reach < Half && Math.Abs(line[Half + reach + 1]) > PrefilterTolerance * Math.Abs(line[Half]))
        {
            reach++;
        }

        // The recursion leaves last-bit asymmetries; h is symmetric, so mirror the right half.
        var taps = new double[(2 * reach) + 1];
        for (int k = 0; k <= reach; k++)
        {
            taps[reach + k] = taps[reach - k] = line[Half + k];
        }

        return taps;
    }

    private static void CheckOrder(int order)
    {
        if (order is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Spline order must be 0 to 5.");
        }
    }
}
