namespace BioImage.Kernels.Graphs;

/// <summary>
/// The natural logarithm of a float32 exactly as numpy 1.24 computes <c>np.log</c> on float32 arrays on x86-64 with
/// AVX2+FMA3 or AVX512F (<c>simd_log_FLOAT</c> in <c>loops_exponent_log.dispatch.c.src</c>): x = 2^k·m with m in
/// [√½, √2), then ln x = k·ln 2 + P(m − 1)/Q(m − 1) with numpy's degree-5 minimax rational coefficients, evaluated with
/// fused multiply-adds in float32 (max error 3.83 ulp). Not correctly rounded — which is why it is reproduced: the
/// cost of p = 0 is 6.906755 (this) where a correctly rounded log gives 6.9067545. O(1).
/// </summary>
internal static class NumpyFloat32Log
{
    private static readonly float SqrtHalf = BitConverter.Int32BitsToSingle(0x3F3504F3);
    private static readonly float Ln2 = BitConverter.Int32BitsToSingle(0x3F317218);
    private static readonly float[] P = [0f, 9.999999999999998702752e-01f, 2.112677543073053063722e+00f, 1.480000633576506585156e+00f, 3.808837741388407920751e-01f, 2.589979117907922693523e-02f];
    private static readonly float[] Q = [1f, 2.612677543073109236779e+00f, 2.453006071784736363091e+00f, 9.864942958519418960339e-01f, 1.546476374983906719538e-01f, 5.875095403124574342950e-03f];

    /// <summary>ln <paramref name="x"/> as numpy's float32 SIMD loop gives it (NaN for x &lt; 0 or NaN, −∞ for 0, +∞ for +∞).</summary>
    public static float Log(float x)
    {
        if (float.IsNaN(x) || x < 0)
        {
            return float.NaN;
        }

        if (x == 0 || float.IsPositiveInfinity(x))
        {
            return x == 0 ? float.NegativeInfinity : x;
        }

        // Subnormals are scaled by 2^100 first, their exponent corrected by 100.
        float shift = 0;
        if (x < BitConverter.Int32BitsToSingle(0x00800000))
        {
            x *= BitConverter.Int32BitsToSingle(0x71800000);
            shift = 100;
        }

        int bits = BitConverter.SingleToInt32Bits(x);
        float exponent = ((bits >> 23) - 0x7E) - shift;
        float m = BitConverter.Int32BitsToSingle((bits & 0x7FFFFF) | (126 << 23));
        if (m <= SqrtHalf)
        {
            m += m;
            exponent -= 1;
        }

        float y = m - 1f;
        float numerator = MathF.FusedMultiplyAdd(P[5], y, P[4]);
        float denominator = MathF.FusedMultiplyAdd(Q[5], y, Q[4]);
        for (int i = 3; i >= 0; i--)
        {
            numerator = MathF.FusedMultiplyAdd(numerator, y, P[i]);
            denominator = MathF.FusedMultiplyAdd(denominator, y, Q[i]);
        }

        return MathF.FusedMultiplyAdd(exponent, Ln2, numerator / denominator);
    }
}
