using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Adapted Rand error and Rand index of a segmentation against a ground truth, the SNEMI3D / CREMI metric
/// (Arganda-Carreras et al., "Crowdsourcing the creation of image segmentation algorithms for connectomics", Front.
/// Neuroanat. 9:142, 2015; Rand, J. Am. Stat. Assoc. 66:846, 1971), from the <see cref="ContingencyTable"/> in two
/// conventions: bioimage-py's <c>rand_scores</c> (<see cref="Compute(ContingencyTable)"/>) and
/// <c>skimage.metrics.adapted_rand_error</c> (<see cref="Compute{TTrue, TTest}"/>).
/// </summary>
/// <remarks>
/// With c the pair counts, a the segmentation and b the ground-truth sizes, n = Σc and C = Σc², A = Σa², B = Σb²
/// (bioimage-py counts self-pairs): precision C/A, recall C/B, error 1 − 2PR/(P + R) = (A + B − 2C)/(A + B) and
/// Rand index 1 − (A + B − 2C)/n². scikit-image subtracts the self-pairs (Σc² − n …) and swaps the names of
/// precision and recall. The sums are exact 128-bit integers (bioimage-py's float64 sums are not once c² passes
/// 2^53); only the final ratio is rounded to double. O(k) for k pairs.
/// </remarks>
public static class AdaptedRandError
{
    /// <summary>bioimage-py's (adapted Rand error, Rand index) of a table; (0, 1) for an empty table.</summary>
    public static (double Error, double RandIndex) Compute(ContingencyTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Total == 0)
        {
            return (0, 1);
        }

        UInt128 joint = SquareSum(table.Counts, selfPairs: true);
        UInt128 seg = SquareSum(table.SegSizes().Sizes, selfPairs: true);
        UInt128 gt = SquareSum(table.GtSizes().Sizes, selfPairs: true);
        UInt128 disagreement = seg + gt - (2 * joint);
        return (Ratio(disagreement, seg + gt), 1 - Ratio(disagreement, (UInt128)table.Total * (ulong)table.Total));
    }

    /// <summary>
    /// The adapted Rand error, precision and recall of <paramref name="test"/> against <paramref name="truth"/> as
    /// <c>skimage.metrics.adapted_rand_error(image_true, image_test)</c> with its default <c>ignore_labels=(0,)</c>
    /// computes them; 0 / 0 gives NaN as in skimage.
    /// </summary>
    /// <param name="truth">Ground-truth labels (C order, any integer type).</param>
    /// <param name="test">The segmentation, same length.</param>
    /// <param name="ignoreBackground">Ignore voxels whose true label is 0 (skimage's default); false counts every voxel.</param>
    /// <param name="degreeOfParallelism">Threads counting the table (≥ 1); the result does not depend on it.</param>
    public static (double Error, double Precision, double Recall) Compute<TTrue, TTest>(ReadOnlySpan<TTrue> truth, ReadOnlySpan<TTest> test, bool ignoreBackground = true, int degreeOfParallelism = 1)
        where TTrue : unmanaged, IBinaryInteger<TTrue>
        where TTest : unmanaged, IBinaryInteger<TTest>
    {
        var table = ContingencyTable.Count(truth, test, degreeOfParallelism);
        if (ignoreBackground)
        {
            table = table.DropIgnored([0], []);
        }

        // The table's "segmentation" side is the true image here.
        double joint = (double)SquareSum(table.Counts, selfPairs: false);
        double precision = joint / (double)SquareSum(table.SegSizes().Sizes, selfPairs: false);
        double recall = joint / (double)SquareSum(table.GtSizes().Sizes, selfPairs: false);
        return (1 - (2 * precision * recall / (precision + recall)), precision, recall);
    }

    /// <summary>Σ c² (with self-pairs) or Σ (c² − c) (without): the ordered voxel pairs sharing a label.</summary>
    private static UInt128 SquareSum(long[] counts, bool selfPairs)
    {
        UInt128 sum = 0;
        foreach (long count in counts)
        {
            sum += ((UInt128)(ulong)count * (ulong)count) - (selfPairs ? 0UL : (ulong)count);
        }

        return sum;
    }

    /// <summary>numerator / denominator as a double; 0 when both are 0.</summary>
    private static double Ratio(UInt128 numerator, UInt128 denominator) =>
        numerator == 0 ? 0 : (double)numerator / (double)denominator;
}
