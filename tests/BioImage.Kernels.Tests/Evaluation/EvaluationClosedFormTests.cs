using System.Numerics;

namespace BioImage.Kernels.Tests.Evaluation;

/// <summary>
/// The evaluation metrics on crafted cases with closed-form answers (identical segmentations, one split, one merge,
/// no voxels, counts whose squares pass 2^53, an IoU of exactly 0.6 against numpy's arange thresholds, bioimage-py's
/// matching fixture) and the exact merge of block tables.
/// </summary>
public class EvaluationClosedFormTests
{
    [Fact]
    public void Identical_segmentations_score_perfectly_whatever_their_ids()
    {
        uint[] gt = [0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3];
        ulong[] seg = [.. gt.Select(v => v == 0 ? 0UL : (ulong)v + (1UL << 60))];
        var table = ContingencyTable.Count<ulong, uint>(seg, gt);
        Assert.Equal((0.0, 0.0), VariationOfInformation.Compute(table));
        Assert.Equal((0.0, 1.0), AdaptedRandError.Compute(table));
        Assert.Equal(0, CremiScore.Compute(table).Score);
        Assert.Equal(new MatchingScores(1, 1, 1, 1), ObjectMatching.Scores(table, 1.0));
        Assert.Equal(1, ObjectMatching.MeanSegmentationAccuracy(table).Mean);
        Assert.Equal(1, DiceScore.SymmetricBest(table));
        Assert.Equal(2.0 * 9 / (18 + DiceScore.Epsilon), DiceScore.Foreground(table));
    }

    [Fact]
    public void One_split_costs_one_bit_of_split_and_one_merge_one_bit_of_merge()
    {
        const int half = 6;
        var gt = Enumerable.Repeat(4, 2 * half).ToArray();
        var seg = Enumerable.Range(0, 2 * half).Select(i => i < half ? 1 : 2).ToArray();

        // A = Σa² = 2h², B = Σb² = 4h², C = Σc² = 2h²: ARE = (A + B − 2C)/(A + B) = 1/3, RI = 1 − (A + B − 2C)/n² = 1/2.
        var split = ContingencyTable.Count<int, int>(seg, gt);
        Assert.Equal((1.0, 0.0), VariationOfInformation.Compute(split));
        Assert.Equal((1.0 / 3, 0.5), AdaptedRandError.Compute(split));
        var (labels, objectSplit, objectMerge) = VariationOfInformation.PerObject(split);
        Assert.Equal([4UL], labels);
        Assert.Equal([0.0], objectSplit);
        Assert.Equal([1.0], objectMerge); // bioimage-py: a ground-truth object split in the segmentation has vi_merge > 0

        var merge = ContingencyTable.Count<int, int>(gt, seg);
        Assert.Equal((0.0, 1.0), VariationOfInformation.Compute(merge));
        Assert.Equal((1.0 / 3, 0.5), AdaptedRandError.Compute(merge));
        var (splitNats, mergeNats) = VariationOfInformation.Compute(merge, useLog2: false);
        Assert.Equal((0.0, Math.Log(2)), (splitNats, mergeNats));
    }

    [Fact]
    public void No_voxels_give_bioimage_pys_empty_results()
    {
        var empty = ContingencyTable.Count<int, int>([], []);
        Assert.Equal(0, empty.Total);
        Assert.Equal((0.0, 0.0), VariationOfInformation.Compute(empty));
        Assert.Equal((0.0, 1.0), AdaptedRandError.Compute(empty));
        Assert.Equal(default, ObjectMatching.Scores(empty));
        Assert.Equal(0, ObjectMatching.MeanSegmentationAccuracy(empty).Mean);
        Assert.Equal(0, DiceScore.SymmetricBest(empty));
        Assert.Equal(0, DiceScore.Foreground(empty));
        Assert.Equal(0, ObjectMatching.MeanSegmentationAccuracy(empty, []).Mean);
        Assert.Equal(0, ContingencyTable.Merge([]).Length);
    }

    [Fact]
    public void Rand_sums_are_exact_where_squared_counts_pass_2_to_the_53()
    {
        // Counts near 3·10⁹: c² ≈ 9·10¹⁸ > 2^53, so float64 sums of c² round; the exact sums do not.
        long[] counts = [3_000_000_001, 2_999_999_999, 7, 1_000_000_003];
        ulong[] seg = [1, 1, 2, 2];
        ulong[] gt = [1, 2, 2, 3];
        var table = ContingencyTable.FromPairs(seg, gt, counts);
        BigInteger c = counts.Aggregate(BigInteger.Zero, (sum, v) => sum + Square(v));
        BigInteger a = Square(counts[0] + counts[1]) + Square(counts[2] + counts[3]);
        BigInteger b = Square(counts[0]) + Square(counts[1] + counts[2]) + Square(counts[3]);
        BigInteger n = counts.Sum();
        var (error, randIndex) = AdaptedRandError.Compute(table);
        AssertRatio(a + b - (2 * c), a + b, error);
        AssertRatio((n * n) - (a + b - (2 * c)), n * n, randIndex);
    }

    [Fact]
    public void An_iou_of_exactly_0_6_fails_numpys_third_threshold()
    {
        Assert.Equal([0.5, 0.55, 0.6000000000000001, 0.6500000000000001, 0.7000000000000002, 0.7500000000000002, 0.8000000000000003, 0.8500000000000003, 0.9000000000000004, 0.9500000000000004], ObjectMatching.DefaultThresholds);
        Assert.Empty(ObjectMatching.Arange(1, 0.5, 0.05));

        // gt object 1 has 5 voxels, seg object 1 covers 3 of them: IoU = 3/5 = 0.6.
        int[] gt = [1, 1, 1, 1, 1, 0];
        int[] seg = [1, 1, 1, 0, 0, 0];
        var table = ContingencyTable.Count<int, int>(seg, gt);
        var (mean, accuracies) = ObjectMatching.MeanSegmentationAccuracy(table);
        Assert.Equal([1.0, 1.0, 0, 0, 0, 0, 0, 0, 0, 0], accuracies);
        Assert.Equal(0.2, mean, 15);
        Assert.Equal(1, ObjectMatching.Scores(table, 0.6).SegmentationAccuracy); // the threshold is inclusive
        Assert.Equal(1, ObjectMatching.Scores(table, 0.6, MatchingCriterion.Iot).Precision); // 3 / |seg object| = 1
        Assert.Equal(0, ObjectMatching.Scores(table, 0.61, MatchingCriterion.Iop).Precision); // 3 / |gt object| = 0.6
    }

    [Fact]
    public void Bioimage_pys_matching_fixture()
    {
        var table = ContingencyTable.Count<int, int>([0, 1, 2, 3, 4], [0, 1, 0, 0, 0]);
        Assert.Equal(new MatchingScores(0.25, 1, 0.25, 0.4), ObjectMatching.Scores(table));
        Assert.Equal(new MatchingScores(0.25, 1, 0.25, 0.4), ObjectMatching.Scores(table, 0));
        Assert.Equal(new MatchingScores(0.2, 0.5, 1.0 / 6, 2.0 / 7), ObjectMatching.Scores(table, 0.5, ignoreLabel: null)); // background objects 0 too: IoU(0, 0) = 1/4
    }

    [Fact]
    public void Block_tables_merge_into_the_whole_tables_and_pairs_in_any_order_add()
    {
        var random = new Random(2);
        var seg = Enumerable.Range(0, 5000).Select(i => (short)((i / 37) - (random.Next(9) == 0 ? 40 : 0))).ToArray();
        var gt = Enumerable.Range(0, 5000).Select(i => (ulong)(i / 53 % 7)).ToArray();
        var whole = ContingencyTable.Count<short, ulong>(seg, gt);
        var parts = Enumerable.Range(0, 7).Select(p => ContingencyTable.Count<short, ulong>(seg.AsSpan(p * 5000 / 7, ((p + 1) * 5000 / 7) - (p * 5000 / 7)), gt.AsSpan(p * 5000 / 7, ((p + 1) * 5000 / 7) - (p * 5000 / 7)))).ToList();
        var merged = ContingencyTable.Merge(parts);
        Assert.Equal(whole.SegLabels, merged.SegLabels);
        Assert.Equal(whole.GtLabels, merged.GtLabels);
        Assert.Equal(whole.Counts, merged.Counts);
        Assert.Equal(5000, merged.Total);

        var shuffled = ContingencyTable.FromPairs([9, 1, 9, 1, 4], [2, 3, 2, 3, 0], [1, 2, 3, 0, 5]);
        Assert.Equal([1UL, 4, 9], shuffled.SegLabels);
        Assert.Equal([3UL, 0, 2], shuffled.GtLabels);
        Assert.Equal([2L, 5, 4], shuffled.Counts);
        Assert.Throws<ArgumentException>(() => ContingencyTable.FromPairs([1], [1, 2], [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContingencyTable.FromPairs([1], [1], [-1]));
        Assert.Throws<ArgumentException>(() => ContingencyTable.Count<int, int>([1, 2], [1]));

        // drop_ignore removes a pair when either side is ignored.
        var kept = shuffled.DropIgnored([4], [2]);
        Assert.Equal([1UL], kept.SegLabels);
        Assert.Equal(2, kept.Total);
    }

    [Fact]
    public void Hopcroft_karp_finds_augmenting_paths_and_rejects_bad_edges()
    {
        // A greedy first match (0–0) must be undone: 0 can take 0 or 1, 1 only 0.
        Assert.Equal(2, BipartiteMatching.MaximumSize(2, 2, [0, 0, 1], [0, 1, 0]));
        Assert.Equal(0, BipartiteMatching.MaximumSize(3, 0, [], []));
        Assert.Throws<ArgumentException>(() => BipartiteMatching.MaximumSize(1, 1, [0], [1]));
        Assert.Throws<ArgumentException>(() => CoordinateMatching.Scores([1, 2, 3], [1, 2], 3, 1));
        Assert.Equal(new MatchingScores(0.5, 1, 0.5, 2.0 / 3), CoordinateMatching.Scores([0, 0, 5, 5], [0, 1], 2, 1.0));
    }

    private static BigInteger Square(long value) => (BigInteger)value * value;

    private static void AssertRatio(BigInteger numerator, BigInteger denominator, double actual)
    {
        double expected = (double)(numerator * BigInteger.Pow(10, 40) / denominator) / 1e40;
        Assert.True(Math.Abs(expected - actual) <= 1e-15 * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
    }
}
