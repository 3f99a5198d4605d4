namespace BioImage.Kernels;

/// <summary>How an overlap is scored when objects are matched.</summary>
public enum MatchingCriterion
{
    /// <summary>Intersection over union: c / (a + b − c).</summary>
    Iou,

    /// <summary>bioimage-py's "iot": c / a, the overlap over the <b>segmentation</b> object's size (stardist's "iop": bioimage-py and elf swap the names).</summary>
    Iot,

    /// <summary>bioimage-py's "iop": c / b, the overlap over the <b>ground-truth</b> object's size.</summary>
    Iop,
}

/// <summary>Precision, recall, segmentation accuracy and F1 of a matching; all 0 when no pair matched.</summary>
/// <param name="Precision">tp / (tp + fp).</param>
/// <param name="Recall">tp / (tp + fn).</param>
/// <param name="SegmentationAccuracy">tp / (tp + fp + fn).</param>
/// <param name="F1">2tp / (2tp + fp + fn).</param>
public readonly record struct MatchingScores(double Precision, double Recall, double SegmentationAccuracy, double F1)
{
    /// <summary>The scores of <paramref name="truePositives"/> matches among <paramref name="predicted"/> and <paramref name="actual"/> objects.</summary>
    public static MatchingScores Of(long truePositives, long predicted, long actual)
    {
        if (truePositives == 0)
        {
            return default;
        }

        double tp = truePositives, fp = predicted - truePositives, fn = actual - truePositives;
        return new MatchingScores(tp / (tp + fp), tp / (tp + fn), tp / (tp + fp + fn), 2 * tp / ((2 * tp) + fp + fn));
    }
}

/// <summary>
/// Object matching of a segmentation against a ground truth from their <see cref="ContingencyTable"/> — bioimage-py's
/// <c>matching_scores</c> and <c>mean_segmentation_accuracy_scores</c> (elf <c>evaluation/matching.py</c>, ported from
/// stardist's <c>matching.py</c>; Schmidt et al., "Cell detection with star-convex polygons", MICCAI 2018).
/// </summary>
/// <remarks>
/// Every segmentation object i and ground-truth object j of the table is a vertex (the ignore label's on either side
/// left out after the scores are computed, so sizes are the full object sizes, background overlap included); a pair
/// is an edge when its score (<see cref="MatchingCriterion"/>) is at least the threshold. bioimage-py's Hungarian
/// assignment on −(score ≥ t) − score/(2m) keeps exactly a maximum matching's number of such pairs, so the true
/// positives are the size of a maximum matching (<see cref="BipartiteMatching"/>); fp = n_seg − tp, fn = n_gt − tp. Only
/// overlapping pairs are edges when t &gt; 0 (a score of 0 passes no positive threshold); t ≤ 0 admits every pair and
/// tp = min(n_seg, n_gt). O(k + E·√V) per threshold for k pairs, not the dense n_seg × n_gt matrix.
/// </remarks>
public static class ObjectMatching
{
    /// <summary>bioimage-py's mean segmentation accuracy thresholds: <c>np.arange(0.5, 1.0, 0.05)</c>.</summary>
    public static IReadOnlyList<double> DefaultThresholds { get; } = Arange(0.5, 1.0, 0.05);

    /// <summary>Precision, recall, segmentation accuracy and F1 at <paramref name="threshold"/> (bioimage-py's <c>matching_scores</c>).</summary>
    /// <param name="table">The contingency table (segmentation, ground truth).</param>
    /// <param name="threshold">A pair matches when its score is at least this.</param>
    /// <param name="criterion">How a pair is scored.</param>
    /// <param name="ignoreLabel">The label left out on both sides (bioimage-py's default 0), or null for none.</param>
    public static MatchingScores Scores(ContingencyTable table, double threshold = 0.5, MatchingCriterion criterion = MatchingCriterion.Iou, ulong? ignoreLabel = 0)
    {
        var objects = new Objects(table, criterion, ignoreLabel);
        return MatchingScores.Of(objects.TruePositives(threshold), objects.SegCount, objects.GtCount);
    }

    /// <summary>
    /// The mean over <paramref name="thresholds"/> (default <see cref="DefaultThresholds"/>) of the IoU segmentation
    /// accuracy, and the accuracy at each threshold; 0 for no thresholds.
    /// </summary>
    public static (double Mean, double[] Accuracies) MeanSegmentationAccuracy(ContingencyTable table, IReadOnlyList<double>? thresholds = null, ulong? ignoreLabel = 0)
    {
        var objects = new Objects(table, MatchingCriterion.Iou, ignoreLabel);
        var accuracies = (thresholds ?? DefaultThresholds).Select(t => MatchingScores.Of(objects.TruePositives(t), objects.SegCount, objects.GtCount).SegmentationAccuracy).ToArray();
        return (accuracies.Length == 0 ? 0 : accuracies.Average(), accuracies);
    }

    /// <summary>
    /// <c>np.arange(start, stop, step)</c> for floats, value for value: ceil((stop − start)/step) values start + i·δ
    /// with δ = (start + step) − start, so 0.5, 0.55, 0.6000000000000001, … for the default thresholds (an IoU of
    /// exactly 0.6 fails the third).
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        if (step == 0 || !double.IsFinite(start) || !double.IsFinite(stop) || !double.IsFinite(step))
        {
            throw new ArgumentException($"arange needs finite bounds and a non-zero step; got ({start}, {stop}, {step}).", nameof(step));
        }

        double length = Math.Ceiling((stop - start) / step);
        double delta = (start + step) - start;
        return length <= 0 ? [] : [.. Enumerable.Range(0, checked((int)length)).Select(i => start + (i * delta))];
    }

    /// <summary>The objects of both sides as vertices and every overlapping pair's score.</summary>
    private sealed class Objects
    {
        private readonly int[] _seg, _gt;
        private readonly double[] _scores;

        public Objects(ContingencyTable table, MatchingCriterion criterion, ulong? ignoreLabel)
        {
            ArgumentNullException.ThrowIfNull(table);
            var (segLabels, segSizes) = table.SegSizes();
            var (gtLabels, gtSizes) = table.GtSizes();
            var segIndex = Index(segLabels, ignoreLabel);
            var gtIndex = Index(gtLabels, ignoreLabel);
            SegCount = segIndex.Count;
            GtCount = gtIndex.Count;
            var segSize = segLabels.Zip(segSizes).ToDictionary(p => p.First, p => (double)p.Second);
            var gtSize = gtLabels.Zip(gtSizes).ToDictionary(p => p.First, p => (double)p.Second);
            var seg = new List<int>(table.Length);
            var gt = new List<int>(table.Length);
            var scores = new List<double>(table.Length);
            for (int k = 0; k < table.Length; k++)
            {
                if (segIndex.TryGetValue(table.SegLabels[k], out int i) && gtIndex.TryGetValue(table.GtLabels[k], out int j))
                {
                    double c = table.Counts[k], a = segSize[table.SegLabels[k]], b = gtSize[table.GtLabels[k]];
                    seg.Add(i);
                    gt.Add(j);
                    scores.Add(criterion switch
                    {
                        MatchingCriterion.Iou => c / (a + b - c),
                        MatchingCriterion.Iot => c / a,
                        MatchingCriterion.Iop => c / b,
                        _ => throw new ArgumentOutOfRangeException(nameof(criterion), criterion, "The criterion is iou, iot or iop."),
                    });
                }
            }

            (_seg, _gt, _scores) = (seg.ToArray(), gt.ToArray(), scores.ToArray());
        }

        public int SegCount { get; }

        public int GtCount { get; }

        public long TruePositives(double threshold)
        {
            if (threshold <= 0)
            {
                return Math.Min(SegCount, GtCount);
            }

            var left = new List<int>();
            var right = new List<int>();
            for (int e = 0; e < _scores.Length; e++)
            {
                if (_scores[e] >= threshold)
                {
                    left.Add(_seg[e]);
                    right.Add(_gt[e]);
                }
            }

            return BipartiteMatching.MaximumSize(SegCount, GtCount, left.ToArray(), right.ToArray());
        }

        private static Dictionary<ulong, int> Index(ulong[] labels, ulong? ignoreLabel)
        {
            var index = new Dictionary<ulong, int>(labels.Length);
            foreach (ulong label in labels)
            {
                if (label != ignoreLabel)
                {
                    index[label] = index.Count;
                }
            }

            return index;
        }
    }
}
