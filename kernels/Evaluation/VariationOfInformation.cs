using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Variation of information of a segmentation against a ground truth from their <see cref="ContingencyTable"/>
/// (Meilă, "Comparing clusterings — an information based distance", J. Multivariate Anal. 98:873, 2007) —
/// bioimage-py's <c>vi_scores</c> and <c>object_vi_scores</c>, <c>skimage.metrics.variation_of_information(gt, seg)</c>.
/// </summary>
/// <remarks>
/// With c_ij the pair counts, a_i the segmentation and b_j the ground-truth sizes and n = Σc: split = H(seg | gt) =
/// −Σ (c_ij/n)·log(c_ij/b_j) and merge = H(gt | seg) = −Σ (c_ij/n)·log(c_ij/a_i). These equal bioimage-py's
/// H(seg) − I and H(gt) − I; the conditional form sums non-negative terms, so a near-perfect segmentation has no
/// cancellation. O(k) for k pairs (after the marginals, O(k log k)).
/// </remarks>
public static class VariationOfInformation
{
    /// <summary>(split, merge) = (H(seg | gt), H(gt | seg)) in bits (<paramref name="useLog2"/>) or nats; (0, 0) for an empty table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double Split, double Merge) Compute(ContingencyTable table, bool useLog2 = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Total == 0)
        {
            return (0, 0);
        }

        var segSize = table.SegSizeOfPairs();
        var gtSize = table.GtSizeOfPairs();
        double n = table.Total, split = 0, merge = 0;
        for (int i = 0; i < table.Length; i++)
        {
            double c = table.Counts[i];
            split -= c * Math.Log(c / gtSize[i]);
            merge -= c * Math.Log(c / segSize[i]);
        }

        double scale = useLog2 ? n * Math.Log(2) : n;
        return (split / scale, merge / scale);
    }

    /// <summary>
    /// Per ground-truth object j (sorted): split_j = −Σ_i (c_ij/b_j)·log(c_ij/a_i) and merge_j = −Σ_i (c_ij/b_j)·log(c_ij/b_j)
    /// = H(seg | gt = j) — bioimage-py's <c>object_vi_scores</c> (Plaza &amp; Funke, arXiv:1708.02599, p. 16); "merge"
    /// measures how the object is fragmented, as bioimage-py names it.
    /// </summary>
    public static (ulong[] Labels, double[] Split, double[] Merge) PerObject(ContingencyTable table, bool useLog2 = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (labels, sizes) = table.GtSizes();
        var segSize = table.SegSizeOfPairs();
        var index = new Dictionary<ulong, int>(labels.Length);
        for (int j = 0; j < labels.Length; j++)
        {
            index[labels[j]] = j;
        }

        var split = new double[labels.Length];
        var merge = new double[labels.Length];
        double unit = useLog2 ? Math.Log(2) : 1;
        for (int i = 0; i < table.Length; i++)
        {
            int j = index[table.GtLabels[i]];
            double c = table.Counts[i], b = sizes[j];
            split[j] -= c / b * Math.Log(c / segSize[i]) / unit;
            merge[j] -= c / b * Math.Log(c / b) / unit;
        }

        return (labels, split, merge);
    }
}
