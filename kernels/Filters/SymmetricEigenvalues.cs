using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Closed-form eigenvalues of real symmetric 2×2 and 3×3 matrices, sorted descending (vigra's order), in double
/// precision.
/// </summary>
/// <remarks>
/// 2×2: <c>m ± sqrt(((a − c)/2)² + b²)</c> with m the mean of the diagonal. 3×3: the trigonometric solution of the
/// characteristic cubic (O. K. Smith, "Eigenvalues of a symmetric 3 × 3 matrix", CACM 4(4), 1961): with
/// q = tr(A)/3, p = sqrt(tr((A − qI)²)/6) and r = det((A − qI)/p)/2 ∈ [−1, 1], the eigenvalues are
/// q + 2p·cos(φ + 2πk/3) with φ = acos(r)/3. A matrix with p = 0 is q·I. O(1) per matrix, no iteration.
/// </remarks>
public static class SymmetricEigenvalues
{
    /// <summary>Eigenvalues of [[a, b], [b, c]], largest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Largest, double Smallest) Of2x2(double a, double b, double c)
    {
        double mean = 0.5 * (a + c);
        double half = 0.5 * (a - c);
        double radius = Math.Sqrt((half * half) + (b * b));
        return (mean + radius, mean - radius);
    }

    /// <summary>Eigenvalues of the symmetric matrix with upper triangle (a00, a01, a02, a11, a12, a22), largest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Largest, double Middle, double Smallest) Of3x3(double a00, double a01, double a02, double a11, double a12, double a22)
    {
        double q = (a00 + a11 + a22) / 3;
        double b00 = a00 - q, b11 = a11 - q, b22 = a22 - q;
        double offDiagonal = (a01 * a01) + (a02 * a02) + (a12 * a12);
        double p2 = (b00 * b00) + (b11 * b11) + (b22 * b22) + (2 * offDiagonal);
        if (!(p2 > 0))
        {
            return (q, q, q); // a multiple of the identity (or NaN, which propagates through q)
        }

        double p = Math.Sqrt(p2 / 6);
        double det = (b00 * ((b11 * b22) - (a12 * a12))) - (a01 * ((a01 * b22) - (a12 * a02))) + (a02 * ((a01 * a12) - (b11 * a02)));
        double r = Math.Clamp(det / (2 * p * p * p), -1, 1);
        double phi = Math.Acos(r) / 3;
        double largest = q + (2 * p * Math.Cos(phi));
        double smallest = q + (2 * p * Math.Cos(phi + (2 * Math.PI / 3)));
        double middle = (3 * q) - largest - smallest;

        // Rounding can push the middle value a hair outside [smallest, largest]; keep the order exact.
        middle = Math.Clamp(middle, smallest, largest);
        return (largest, middle, smallest);
    }
}
