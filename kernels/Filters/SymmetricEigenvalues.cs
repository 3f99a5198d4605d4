using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Closed-form eigenvalues of real symmetric 2×2 and 3×3 matrices, sorted descending (vigra's order), in double
/// precision, for <see cref="Vector{T}"/> lanes of matrices at once.
/// </summary>
/// <remarks>
/// 2×2: <c>m ± sqrt(((a − c)/2)² + b²)</c> with m the mean of the diagonal. 3×3: the trigonometric solution of the
/// characteristic cubic (O. K. Smith, "Eigenvalues of a symmetric 3 × 3 matrix", CACM 4(4), 1961): with
/// q = tr(A)/3, p = sqrt(tr((A − qI)²)/6) and r = det((A − qI)/p)/2 ∈ [−1, 1], the eigenvalues are
/// q + 2p·cos(φ + 2πk/3) with φ = acos(r)/3, k = 0, 2, 1 from largest to smallest. A matrix with p = 0 is q·I.
/// acos is evaluated with the arcsine series (<see cref="Acos"/>), cos and sin of φ ∈ [0, π/3] with their Taylor
/// series (<see cref="SinCos"/>). O(1) per matrix, no iteration, no branches. Every step is a lane-wise IEEE operation
/// (add, multiply, fused multiply-add, divide, square root, compare/select), so a matrix's eigenvalues do not depend on
/// its lane or its neighbours — which <see cref="Vector.SinCos(Vector{double})"/> does not guarantee (measured: about
/// 2 % of its results differ by an ulp from lane to lane) — and callers run row tails through the same vector code
/// (padded). That is what makes block-wise eigenvalue filters bit-identical to whole-volume ones.
/// </remarks>
internal static class SymmetricEigenvalues
{
    /// <summary>Terms of the arcsine series used (even, for Estrin's pairing): the first one left out is below 2e-13 for |y| ≤ ½.</summary>
    private const int SeriesTerms = 18;

    /// <summary>Coefficients c_k = (2k)! / (4^k (k!)² (2k + 1)) of asin(y) = Σ c_k y^(2k+1).</summary>
    private static readonly double[] AsinSeries = BuildAsinSeries();

    /// <summary>Terms of the sine and cosine series: for |φ| ≤ π/3 the first one left out is below 1e-19.</summary>
    private const int TrigTerms = 10;

    /// <summary>Coefficients (−1)^k / (2k + 1)! of sin(φ) = φ · Σ c_k φ^(2k).</summary>
    private static readonly double[] SinSeries = BuildTrigSeries(1);

    /// <summary>Coefficients (−1)^k / (2k)! of cos(φ) = Σ c_k φ^(2k).</summary>
    private static readonly double[] CosSeries = BuildTrigSeries(0);

    /// <summary>Eigenvalues of [[a, b], [b, c]], largest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector<double> Largest, Vector<double> Smallest) Of2x2(Vector<double> a, Vector<double> b, Vector<double> c)
    {
        var half = new Vector<double>(0.5);
        var mean = half * (a + c);
        var difference = half * (a - c);
        var radius = Vector.SquareRoot((difference * difference) + (b * b));
        return (mean + radius, mean - radius);
    }

    /// <summary>Eigenvalues of the symmetric matrices with upper triangles (a00, a01, a02, a11, a12, a22), largest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector<double> Largest, Vector<double> Middle, Vector<double> Smallest) Of3x3(
        Vector<double> a00, Vector<double> a01, Vector<double> a02, Vector<double> a11, Vector<double> a12, Vector<double> a22)
    {
        var q = (a00 + a11 + a22) * new Vector<double>(1.0 / 3);
        var b00 = a00 - q;
        var b11 = a11 - q;
        var b22 = a22 - q;
        var offDiagonal = (a01 * a01) + (a02 * a02) + (a12 * a12);
        var p2 = (b00 * b00) + (b11 * b11) + (b22 * b22) + (offDiagonal + offDiagonal);
        var p = Vector.SquareRoot(p2 * new Vector<double>(1.0 / 6));
        var det = (b00 * ((b11 * b22) - (a12 * a12))) - (a01 * ((a01 * b22) - (a12 * a02))) + (a02 * ((a01 * a12) - (b11 * a02)));
        var isotropic = Vector.LessThanOrEqual(p2, Vector<double>.Zero); // q·I: avoid 0/0
        var safeP = Vector.ConditionalSelect(isotropic, Vector<double>.One, p);
        var r = Vector.Clamp(det / (new Vector<double>(2) * safeP * safeP * safeP), -Vector<double>.One, Vector<double>.One);
        var phi = Acos(r) * new Vector<double>(1.0 / 3);
        var (sin, cos) = SinCos(phi);
        var twoP = p + p;
        var largest = q + (twoP * cos);

        // cos(φ + 2π/3) = −cos φ / 2 − sin φ · √3/2
        var smallest = q - (p * (cos + (new Vector<double>(Math.Sqrt(3)) * sin)));
        var middle = Vector.Clamp((new Vector<double>(3) * q) - largest - smallest, smallest, largest);
        largest = Vector.ConditionalSelect(isotropic, q, largest);
        middle = Vector.ConditionalSelect(isotropic, q, middle);
        smallest = Vector.ConditionalSelect(isotropic, q, smallest);
        return (largest, middle, smallest);
    }

    /// <summary>
    /// acos on [−1, 1] from the arcsine series on [0, ½]: π/2 − asin(r) for |r| ≤ ½, 2·asin(sqrt((1 − |r|)/2)) for
    /// |r| &gt; ½ (mirrored to π − … for negative r). Absolute error below 1e-12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<double> Acos(Vector<double> r)
    {
        var half = new Vector<double>(0.5);
        var magnitude = Vector.Abs(r);
        var small = Vector.LessThanOrEqual(magnitude, half);
        var y = Vector.SquareRoot((Vector<double>.One - magnitude) * half);
        var asin = Asin(Vector.ConditionalSelect(small, r, y));
        var twice = asin + asin;
        var large = Vector.ConditionalSelect(Vector.LessThan(r, Vector<double>.Zero), new Vector<double>(Math.PI) - twice, twice);
        return Vector.ConditionalSelect(small, new Vector<double>(Math.PI / 2) - asin, large);
    }

    /// <summary>
    /// asin(y) for |y| ≤ ½ by the series in z = y², evaluated with Estrin's scheme (pairs, then pairs of pairs, …):
    /// the dependency chain is log₂ of the term count deep instead of Horner's one multiply-add per term, which is what
    /// limits this code.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Asin(Vector<double> y)
    {
        var c = AsinSeries;
        var z = y * y;
        var z2 = z * z;
        var z4 = z2 * z2;
        var z8 = z4 * z4;
        var z16 = z8 * z8;
        var q0 = Pair(Pair(c[0], c[1], z), Pair(c[2], c[3], z), z2);
        var q1 = Pair(Pair(c[4], c[5], z), Pair(c[6], c[7], z), z2);
        var q2 = Pair(Pair(c[8], c[9], z), Pair(c[10], c[11], z), z2);
        var q3 = Pair(Pair(c[12], c[13], z), Pair(c[14], c[15], z), z2);
        var q4 = Pair(c[16], c[17], z);
        var sum = WeightedRowSum.Fma(q4, z16, WeightedRowSum.Fma(Pair(q2, q3, z4), z8, Pair(q0, q1, z4)));
        return y * sum;
    }

    /// <summary>
    /// sin and cos of φ ∈ [0, π/3] by their Taylor series in z = φ² (ten terms each, Estrin's scheme), error below
    /// 1e-16; lane-wise, unlike <see cref="Vector.SinCos(Vector{double})"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector<double> Sin, Vector<double> Cos) SinCos(Vector<double> phi)
    {
        var z = phi * phi;
        var z2 = z * z;
        var z4 = z2 * z2;
        var z8 = z4 * z4;
        return (phi * Series10(SinSeries, z, z2, z4, z8), Series10(CosSeries, z, z2, z4, z8));
    }

    /// <summary>Σ c_k z^k for ten coefficients by Estrin's scheme, given z, z², z⁴ and z⁸.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Series10(double[] c, Vector<double> z, Vector<double> z2, Vector<double> z4, Vector<double> z8)
    {
        var low = Pair(Pair(Pair(c[0], c[1], z), Pair(c[2], c[3], z), z2), Pair(Pair(c[4], c[5], z), Pair(c[6], c[7], z), z2), z4);
        return WeightedRowSum.Fma(Pair(c[8], c[9], z), z8, low);
    }

    /// <summary>low + high · power for two coefficients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Pair(double low, double high, Vector<double> power) =>
        WeightedRowSum.Fma(new Vector<double>(high), power, new Vector<double>(low));

    /// <summary>low + high · power for two partial sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Pair(Vector<double> low, Vector<double> high, Vector<double> power) =>
        WeightedRowSum.Fma(high, power, low);

    /// <summary>(−1)^k / (2k + <paramref name="shift"/>)! for k &lt; <see cref="TrigTerms"/>.</summary>
    private static double[] BuildTrigSeries(int shift)
    {
        var coefficients = new double[TrigTerms];
        double term = 1;
        for (int n = 2; n <= shift; n++)
        {
            term /= n;
        }

        for (int k = 0; k < TrigTerms; k++)
        {
            coefficients[k] = term;
            int next = (2 * k) + shift;
            term = -term / ((next + 1) * (next + 2));
        }

        return coefficients;
    }

    private static double[] BuildAsinSeries()
    {
        var coefficients = new double[SeriesTerms];
        double ratio = 1; // (2k)! / (4^k (k!)²), updated by (2k−1)/(2k)
        for (int k = 0; k < SeriesTerms; k++)
        {
            if (k > 0)
            {
                ratio *= (2.0 * k - 1) / (2.0 * k);
            }

            coefficients[k] = ratio / ((2 * k) + 1);
        }

        return coefficients;
    }
}
