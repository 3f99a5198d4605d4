namespace BioImage.Kernels;

/// <summary>
/// Dice coefficients of a segmentation against a ground truth (Dice, "Measures of the amount of ecologic association
/// between species", Ecology 26:297, 1945) from their <see cref="ContingencyTable"/>: the foreground dice of
/// bioimage-py's <c>dice_score</c> with labels binarised at 0, and its <c>best_dice_scores</c> (symmetric best dice,
/// Scharr et al., "Leaf segmentation in plant phenotyping: a collation study", Mach. Vis. Appl. 27:585, 2016).
/// </summary>
/// <remarks>O(k) for k pairs (after the marginals, O(k log k)); the sums are exact 64-bit integers.</remarks>
public static class DiceScore
{
    /// <summary>bioimage-py's smoothing term in the denominator of the dice score.</summary>
    public const double Epsilon = 1e-7;

    /// <summary>
    /// 2·|S ∩ G| / (|S| + |G| + 1e-7) with S the voxels whose segmentation label and G those whose ground-truth label is
    /// foreground — bioimage-py's <c>dice_score(seg, gt)</c> with <c>threshold_seg = threshold_gt = 0</c> (foreground
    /// = label &gt; 0, so negative labels of a signed dtype are background).
    /// </summary>
    /// <param name="table">The contingency table.</param>
    /// <param name="segSigned">The segmentation's labels are a signed dtype's (bit patterns of negative values are background).</param>
    /// <param name="gtSigned">The same for the ground truth.</param>
    public static double Foreground(ContingencyTable table, bool segSigned = false, bool gtSigned = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        long both = 0, seg = 0, gt = 0;
        for (int i = 0; i < table.Length; i++)
        {
            bool inSeg = IsForeground(table.SegLabels[i], segSigned), inGt = IsForeground(table.GtLabels[i], gtSigned);
            long count = table.Counts[i];
            both += inSeg && inGt ? count : 0;
            seg += inSeg ? count : 0;
            gt += inGt ? count : 0;
        }

        return 2.0 * both / (seg + gt + Epsilon);
    }

    /// <summary>
    /// Symmetric best dice: for every object the best dice 2c/(a + b) over the objects it overlaps (0 when it overlaps
    /// only the ignore label), averaged per side over the objects other than <paramref name="ignoreLabel"/>; the smaller
    /// of the two means (0 when either side has no object) — bioimage-py's <c>best_dice_scores</c>.
    /// </summary>
    public static double SymmetricBest(ContingencyTable table, ulong? ignoreLabel = 0)
    {
        ArgumentNullException.ThrowIfNull(table);
        var (segLabels, segSizes) = table.SegSizes();
        var (gtLabels, gtSizes) = table.GtSizes();
        var segBest = Best(segLabels, ignoreLabel);
        var gtBest = Best(gtLabels, ignoreLabel);
        if (segBest.Count == 0 || gtBest.Count == 0)
        {
            return 0;
        }

        var segSize = segLabels.Zip(segSizes).ToDictionary(p => p.First, p => p.Second);
        var gtSize = gtLabels.Zip(gtSizes).ToDictionary(p => p.First, p => p.Second);
        for (int k = 0; k < table.Length; k++)
        {
            ulong s = table.SegLabels[k], g = table.GtLabels[k];
            if (s == ignoreLabel || g == ignoreLabel)
            {
                continue;
            }

            double dice = 2.0 * table.Counts[k] / (segSize[s] + gtSize[g]);
            segBest[s] = Math.Max(segBest[s], dice);
            gtBest[g] = Math.Max(gtBest[g], dice);
        }

        return Math.Min(segBest.Values.Average(), gtBest.Values.Average());
    }

    private static bool IsForeground(ulong label, bool signed) => signed ? (long)label > 0 : label != 0;

    private static Dictionary<ulong, double> Best(ulong[] labels, ulong? ignoreLabel) =>
        labels.Where(label => label != ignoreLabel).ToDictionary(label => label, _ => 0.0);
}
