namespace BioImage.Kernels;

/// <summary>
/// Shape features of one object given as a binary mask of its bounding-box crop — bioimage-py's regionprops
/// features (scikit-image's definitions, with voxel spacing): the voxel count, the major and minor axis lengths of
/// the inertia-equivalent ellipsoid and the deepest interior point.
/// </summary>
/// <remarks>
/// <para>
/// Axis lengths: with C the population covariance of the voxel coordinates scaled by the spacing, the inertia tensor
/// is I = tr(C)·Id − C (skimage's <c>inertia_tensor</c>), its eigenvalues ev₀ ≥ ev₁ ≥ ev₂ are clipped at 0, and
/// major = √max(0, 10(ev₀ + ev₁ − ev₂)), minor = √max(0, 10(−ev₀ + ev₁ + ev₂)) in 3D (clamped as skimage ≥ 0.26;
/// 0.19 raises on thin objects), 4√ev₀ and 4√ev_last otherwise. With λ_min ≤ … ≤ λ_max the eigenvalues of C,
/// evᵢ = tr(C) − λᵢ, so these are exactly major = √(20·λ_max), minor = √(20·λ_min) in 3D and 4√λ_max, 4√λ_min in 2D
/// (0 and 0 in 1D, where I = 0); they are computed in that form, which has no cancellation: a flat object's minor
/// axis is 0, not the √(rounding error) ≈ 1e-7 that the difference of eigenvalues gives. The covariance comes from exact integer moments (n, Σcᵢ, Σcᵢcⱼ in 128 bits): C_ij = (n·Σcᵢcⱼ − Σcᵢ·Σcⱼ)/n² · sᵢsⱼ,
/// one rounding per entry, so an axis without spread has exactly zero variance. Eigenvalues of C by
/// cyclic Jacobi rotations (Golub and Van Loan, Matrix Computations, §8.5), accurate to a few ulps of the largest.
/// O(voxels of the crop).
/// </para>
/// <para>
/// Deepest point: the first voxel in C order with the largest exact Euclidean distance (<see cref="DistanceTransform"/>
/// with the spacing) to the crop's background — bioimage-py's fallback centroid; the crop border is not background.
/// </para>
/// </remarks>
public static class ObjectShape
{
    /// <summary>Jacobi sweeps at most; each squares the off-diagonal error, so 3×3 matrices converge in 4–6.</summary>
    private const int MaxSweeps = 32;

    /// <summary>The voxel count and the axis lengths of the object <paramref name="mask"/>.</summary>
    /// <param name="mask">The object's crop (z, y, x; leading axes of extent 1 for 1D and 2D objects).</param>
    /// <param name="spacing">Voxel size per axis of the object's <paramref name="rank"/> axes.</param>
    /// <param name="rank">The object's axes (1–3): the last <paramref name="rank"/> axes of the crop.</param>
    /// <returns>The voxel count, and 0 and 0 for the axes of an empty mask.</returns>
    public static (long Voxels, double Major, double Minor) AxisLengths(ReadOnlySpan3D<bool> mask, ReadOnlySpan<double> spacing, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rank, 3);
        if (spacing.Length != rank)
        {
            throw new ArgumentException($"spacing needs {rank} values; got {spacing.Length}.", nameof(spacing));
        }

        var (n, sums, products) = Moments(mask);
        if (n == 0)
        {
            return (0, 0, 0);
        }

        // Covariance over the object's own axes (the crop's last `rank` axes).
        int skip = 3 - rank;
        var covariance = new double[rank, rank];
        for (int i = 0; i < rank; i++)
        {
            for (int j = i; j < rank; j++)
            {
                Int128 centred = ((Int128)n * products[i + skip, j + skip]) - (sums[i + skip] * sums[j + skip]);
                covariance[i, j] = covariance[j, i] = (double)centred / ((double)n * n) * spacing[i] * spacing[j];
            }
        }

        if (rank == 1)
        {
            return (n, 0, 0); // the inertia tensor of a line, tr(C) − C, is 0
        }

        var lambda = Eigenvalues(covariance);
        double largest = Math.Max(0, lambda.Max()), smallest = Math.Max(0, lambda.Min());
        double scale = rank == 3 ? 20 : 16;
        return (n, Math.Sqrt(scale * largest), Math.Sqrt(scale * smallest));
    }

    /// <summary>The first voxel (z, y, x) in C order whose distance to the crop's background is largest.</summary>
    /// <param name="mask">The object's crop.</param>
    /// <param name="spacing">Voxel size (z, y, x).</param>
    public static (int Z, int Y, int X) DeepestPoint(ReadOnlySpan3D<bool> mask, ReadOnlySpan<double> spacing)
    {
        var distances = new double[mask.Count];
        var view = new Span3D<double>(distances, mask.Depth, mask.Height, mask.Width);
        DistanceTransform.Euclidean(mask, view, spacing);
        int best = 0;
        for (int i = 1; i < distances.Length; i++)
        {
            best = distances[i] > distances[best] ? i : best;
        }

        int plane = mask.Height * mask.Width;
        return (best / plane, best % plane / mask.Width, best % mask.Width);
    }

    /// <summary>n, Σ coordinate per axis and Σ coordinate products per pair of axes (z, y, x), exact.</summary>
    private static (long N, Int128[] Sums, Int128[,] Products) Moments(ReadOnlySpan3D<bool> mask)
    {
        long n = 0;
        var sums = new Int128[3];
        var products = new Int128[3, 3];
        for (int z = 0; z < mask.Depth; z++)
        {
            for (int y = 0; y < mask.Height; y++)
            {
                // Row totals fit in 64 bits (x < 2³¹, fewer than 2³¹ voxels per row); the row's z and y are constant.
                long count = 0, sumX = 0, sumXX = 0;
                var row = mask.GetRowSpan(z, y);
                for (int x = 0; x < row.Length; x++)
                {
                    if (row[x])
                    {
                        count++;
                        sumX += x;
                        sumXX += (long)x * x;
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                n += count;
                sums[0] += (Int128)count * z;
                sums[1] += (Int128)count * y;
                sums[2] += sumX;
                products[0, 0] += (Int128)count * z * z;
                products[1, 1] += (Int128)count * y * y;
                products[2, 2] += sumXX;
                products[0, 1] += (Int128)count * z * y;
                products[0, 2] += (Int128)sumX * z;
                products[1, 2] += (Int128)sumX * y;
            }
        }

        products[1, 0] = products[0, 1];
        products[2, 0] = products[0, 2];
        products[2, 1] = products[1, 2];
        return (n, sums, products);
    }

    /// <summary>The eigenvalues of a symmetric matrix of order 1 to 3, by cyclic Jacobi rotations (the matrix is overwritten).</summary>
    private static double[] Eigenvalues(double[,] a)
    {
        int order = a.GetLength(0);
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            bool rotated = false;
            for (int p = 0; p < order - 1; p++)
            {
                for (int q = p + 1; q < order; q++)
                {
                    double apq = a[p, q];
                    if (apq == 0 || Math.Abs(apq) <= 1e-300 + (1e-18 * (Math.Abs(a[p, p]) + Math.Abs(a[q, q]))))
                    {
                        a[p, q] = a[q, p] = 0;
                        continue;
                    }

                    rotated = true;
                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    a[p, p] -= t * apq;
                    a[q, q] += t * apq;
                    a[p, q] = a[q, p] = 0;
                    for (int r = 0; r < order; r++)
                    {
                        if (r == p || r == q)
                        {
                            continue;
                        }

                        double arp = a[r, p], arq = a[r, q];
                        a[r, p] = a[p, r] = (c * arp) - (s * arq);
                        a[r, q] = a[q, r] = (s * arp) + (c * arq);
                    }
                }
            }

            if (!rotated)
            {
                break;
            }
        }

        var values = new double[order];
        for (int i = 0; i < order; i++)
        {
            values[i] = a[i, i];
        }

        return values;
    }
}
