using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Adapted Rand error of a segmentation against a ground truth — <c>skimage.metrics.adapted_rand_error(image_true,
/// image_test)</c> with its default <c>ignore_labels=(0,)</c>, the SNEMI3D / CREMI metric (Arganda-Carreras et al.,
/// "Crowdsourcing the creation of image segmentation algorithms for connectomics", Front. Neuroanat. 9:142, 2015).
/// </summary>
/// <remarks>
/// One pass builds the contingency table of (true, test) label pairs over the voxels whose true label is not ignored
/// (a hash map, O(n) expected). With c the pair counts, a the true and b the test segment sizes, precision is
/// <c>Σ(c² − c) / Σ(a² − a)</c> and recall <c>Σ(c² − c) / Σ(b² − b)</c> (skimage's naming), the error
/// <c>1 − 2PR / (P + R)</c>. The sums are exact (128-bit integers) before the final division, so the result is
/// skimage's up to its floating-point summation order; 0 / 0 gives NaN as in skimage.
/// </remarks>
public static class AdaptedRandError
{
    /// <summary>The adapted Rand error, precision and recall of <paramref name="test"/> against <paramref name="truth"/>.</summary>
    /// <param name="truth">Ground-truth labels (C order, any integer type).</param>
    /// <param name="test">The segmentation, same length.</param>
    /// <param name="ignoreBackground">Ignore voxels whose true label is 0 (skimage's default); false counts every voxel.</param>
    public static (double Error, double Precision, double Recall) Compute<TTrue, TTest>(ReadOnlySpan<TTrue> truth, ReadOnlySpan<TTest> test, bool ignoreBackground = true)
        where TTrue : unmanaged, IBinaryInteger<TTrue>
        where TTest : unmanaged, IBinaryInteger<TTest>
    {
        if (truth.Length != test.Length)
        {
            throw new ArgumentException($"The segmentation has {test.Length} voxels but the ground truth has {truth.Length}.", nameof(test));
        }

        var pairs = new Dictionary<(ulong True, ulong Test), long>();
        var trueSizes = new Dictionary<ulong, long>();
        var testSizes = new Dictionary<ulong, long>();
        for (int i = 0; i < truth.Length; i++)
        {
            if (ignoreBackground && TTrue.IsZero(truth[i]))
            {
                continue;
            }

            ulong a = ulong.CreateTruncating(truth[i]), b = ulong.CreateTruncating(test[i]);
            Increment(pairs, (a, b));
            Increment(trueSizes, a);
            Increment(testSizes, b);
        }

        double joint = (double)PairSum(pairs.Values);
        double precision = joint / (double)PairSum(trueSizes.Values);
        double recall = joint / (double)PairSum(testSizes.Values);
        return (1 - (2 * precision * recall / (precision + recall)), precision, recall);
    }

    private static void Increment<TKey>(Dictionary<TKey, long> counts, TKey key)
        where TKey : notnull
    {
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
    }

    /// <summary>Σ (c² − c): twice the number of voxel pairs sharing a label.</summary>
    private static Int128 PairSum(IEnumerable<long> counts)
    {
        Int128 sum = 0;
        foreach (long count in counts)
        {
            sum += ((Int128)count * count) - count;
        }

        return sum;
    }
}
