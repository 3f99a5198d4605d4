namespace BioImage.Kernels;

/// <summary>The Gaussian scale and border handling shared by the Gaussian filter family.</summary>
/// <remarks>
/// <para><b>Rank.</b> A rank-3 filter works along z, y and x. A rank-2 filter works along y and x only and treats
/// every plane of its input as an independent 2D image (derivatives and eigenvalues are 2D; σ.Z is ignored).</para>
/// <para><b>Halo.</b> <see cref="Radius"/> is the exact reach of the kernels along each axis. A filter evaluated on a
/// sub-box of a larger volume, from an input view that extends at least that far beyond the sub-box on every side
/// that is not the volume's edge, gives bit-identical results to the whole-volume run (each output voxel is computed
/// by the same arithmetic in the same order wherever it sits).</para>
/// </remarks>
/// <param name="Sigma">Gaussian standard deviation per axis, in voxels. An axis with σ ≤ 1e-15 is not smoothed (scipy).</param>
/// <param name="Rank">2 (plane-wise filters on y, x) or 3 (volumetric filters).</param>
/// <param name="Mode">How the input is extended beyond its edges; scipy.ndimage's default is <see cref="BorderMode.Reflect"/>.</param>
/// <param name="Cval">The value outside the input for <see cref="BorderMode.Constant"/>.</param>
/// <param name="Truncate">Kernel reach in standard deviations (scipy's <c>truncate</c>, 4 by default).</param>
public readonly record struct FilterOptions(AxisScales Sigma, int Rank = 3, BorderMode Mode = BorderMode.Reflect, double Cval = 0, double Truncate = GaussianKernel.DefaultTruncate)
{
    /// <summary>The kernel radius along each axis: <c>int(truncate·σ + 0.5)</c>, 0 for unfiltered axes.</summary>
    public Index3 Radius => new(
        Rank == 3 ? GaussianKernel.Radius(Sigma.Z, Truncate) : 0,
        GaussianKernel.Radius(Sigma.Y, Truncate),
        GaussianKernel.Radius(Sigma.X, Truncate));

    /// <summary>True when the filter works along <paramref name="axis"/> (σ above 1e-15, and z only for rank 3).</summary>
    public bool Filters(int axis) => (axis > 0 || Rank == 3) && Sigma[axis] > GaussianKernel.MinimumSigma;

    /// <summary>Throws unless the rank is 2 or 3, every σ is finite and ≥ 0, and truncate is positive.</summary>
    public void Validate()
    {
        if (Rank is not (2 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "Rank must be 2 (plane-wise) or 3 (volumetric).");
        }

        for (int axis = 3 - Rank; axis < 3; axis++)
        {
            _ = GaussianKernel.Radius(Sigma[axis], Truncate);
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Unknown border mode.");
        }
    }
}
