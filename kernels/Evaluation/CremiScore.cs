namespace BioImage.Kernels;

/// <summary>
/// The CREMI challenge score (https://cremi.org/metrics/) of a segmentation against a ground truth: variation of
/// information split and merge (<see cref="VariationOfInformation"/>), adapted Rand error
/// (<see cref="AdaptedRandError"/>, bioimage-py's convention) and their combination √(ARE · (split + merge)) —
/// bioimage-py's <c>cremi_scores</c>, all from one <see cref="ContingencyTable"/>. O(k log k) for k pairs.
/// </summary>
public static class CremiScore
{
    /// <summary>(split, merge, adapted Rand error, √(ARE · (split + merge))); VI in bits.</summary>
    public static (double Split, double Merge, double AdaptedRandError, double Score) Compute(ContingencyTable table)
    {
        var (split, merge) = VariationOfInformation.Compute(table);
        double error = AdaptedRandError.Compute(table).Error;
        return (split, merge, error, Math.Sqrt(error * (split + merge)));
    }
}
