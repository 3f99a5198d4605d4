using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace BioImage.Kernels.Tests.Evaluation;

/// <summary>
/// The contingency table and every metric computed from it against independent oracles at test time
/// (evaluation_oracle.py: numpy, skimage.metrics, sklearn, networkx, scipy, brute force) on seeded label volumes of
/// every kind: small non-negative labels with background, uint64 labels above 2^53 and 2^63, negative labels, and a
/// volume large enough to be counted on several threads.
/// </summary>
public class EvaluationOracleTests
{
    private const double Tolerance = 1e-12;

    [Fact]
    public void Small_labels_with_background_equal_skimage_sklearn_networkx_and_brute_force()
    {
        var random = new Random(11);
        int[] shape = [7, 11, 13];
        var gt = Blocks(shape, random, 9, background: true).Select(v => (ushort)v).ToArray();
        var seg = gt.Select(v => random.Next(6) == 0 ? random.Next(12) : (v * 3) % 11).ToArray();
        var oracle = Check(seg, gt, shape, threads: 1);

        var table = ContingencyTable.Count<int, ushort>(seg, gt);
        var skimageTable = oracle.GetProperty("skimage_table");
        Assert.Equal(Longs(skimageTable.GetProperty("seg")), table.SegLabels.Select(v => (long)v));
        Assert.Equal(Longs(skimageTable.GetProperty("gt")), table.GtLabels.Select(v => (long)v));
        Assert.Equal(Longs(skimageTable.GetProperty("counts")), table.Counts);

        var vi = Doubles(oracle.GetProperty("vi"));
        var (split, merge) = VariationOfInformation.Compute(table);
        AssertClose(vi[0], split);
        AssertClose(vi[1], merge);
        var (splitNats, mergeNats) = VariationOfInformation.Compute(table, useLog2: false);
        AssertClose(vi[0] * Math.Log(2), splitNats);
        AssertClose(vi[1] * Math.Log(2), mergeNats);

        // sklearn: H(seg) − I in nats.
        var (_, segSizes) = table.SegSizes();
        double entropy = -segSizes.Sum(a => (double)a / table.Total * Math.Log((double)a / table.Total));
        AssertClose(entropy - oracle.GetProperty("mutual_information_nats").GetDouble(), splitNats);

        // skimage's ignore_labels=[0] ignores the ground truth's background only: bioimage-py's ignore_gt=[0].
        var ignoring = VariationOfInformation.Compute(table.DropIgnored([], [0]));
        var viIgnoring = Doubles(oracle.GetProperty("vi_ignore_gt0"));
        AssertClose(viIgnoring[0], ignoring.Split);
        AssertClose(viIgnoring[1], ignoring.Merge);

        // Rand: Σc², Σa², Σb² from sklearn's pair confusion matrix; Rand index from sklearn's rand_score (no self-pairs).
        var sums = oracle.GetProperty("rand_sums").EnumerateArray().Select(v => double.Parse(v.GetString()!, CultureInfo.InvariantCulture)).ToArray();
        var (error, randIndex) = AdaptedRandError.Compute(table);
        AssertClose(1 - (2 * sums[0] / (sums[1] + sums[2])), error);
        double n = table.Total;
        AssertClose(1 - ((1 - oracle.GetProperty("rand_score").GetDouble()) * (n - 1) / n), randIndex);

        var cremi = CremiScore.Compute(table);
        Assert.Equal((split, merge, error), (cremi.Split, cremi.Merge, cremi.AdaptedRandError));
        AssertClose(Math.Sqrt(error * (split + merge)), cremi.Score);
    }

    [Fact]
    public void Labels_above_2_to_the_53_stay_distinct()
    {
        var random = new Random(5);
        int[] shape = [5, 9, 31];
        ulong[] ids = [0, (1UL << 53) + 1, (1UL << 53) + 2, (1UL << 63) + 5, ulong.MaxValue, 7];
        var seg = Blocks(shape, random, ids.Length, background: false).Select(v => ids[v % ids.Length]).ToArray();
        var gt = seg.Select(v => (byte)(random.Next(5) == 0 ? random.Next(4) : (int)(v % 3))).ToArray();
        Check(seg, gt, shape, threads: 1);
    }

    [Fact]
    public void Negative_labels_count_by_their_bit_pattern()
    {
        var random = new Random(9);
        int[] shape = [3, 8, 45];
        var seg = Blocks(shape, random, 7, background: true).Select(v => (long)v - 3).ToArray();
        var gt = Blocks(shape, random, 5, background: true).Select(v => (sbyte)(v - 2)).ToArray();
        Check(seg, gt, shape, threads: 1);
    }

    [Fact]
    public void A_volume_counted_on_three_threads_equals_numpy()
    {
        var random = new Random(3);
        int[] shape = [40, 50, 70];
        var gt = Blocks(shape, random, 60, background: true).Select(v => (uint)v).ToArray();
        var seg = gt.Select((v, i) => random.Next(50) == 0 ? (byte)random.Next(256) : (byte)((v + (i % 70 / 20)) % 256)).ToArray();
        Check(seg, gt, shape, threads: 3);
    }

    /// <summary>Runs the oracle on (seg, gt) and checks what it computes for any label values; returns its output.</summary>
    private static JsonElement Check<TSeg, TGt>(TSeg[] seg, TGt[] gt, int[] shape, int threads)
        where TSeg : unmanaged, IBinaryInteger<TSeg>
        where TGt : unmanaged, IBinaryInteger<TGt>
    {
        var random = new Random(seg.Length);
        var points = Enumerable.Range(0, 3 * 25).Select(_ => random.NextDouble() * 10).ToArray();
        var reference = Enumerable.Range(0, 3 * 20).Select(_ => random.NextDouble() * 10).ToArray();
        var left = Enumerable.Range(0, 90).Select(_ => random.Next(40)).ToArray();
        var right = Enumerable.Range(0, 90).Select(_ => random.Next(30)).ToArray();
        using var exchange = new NumpyExchange();
        exchange.Put("seg", seg, shape);
        exchange.Put("gt", gt, shape);
        exchange.Put("points", points, 25, 3);
        exchange.Put("reference", reference, 20, 3);
        exchange.Put("edges", left.Zip(right).SelectMany(e => new long[] { e.First, e.Second }).ToArray(), left.Length, 2);
        var oracle = JsonDocument.Parse(exchange.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Kernels.Tests", "Evaluation", "evaluation_oracle.py")))).RootElement.Clone();

        var table = ContingencyTable.Count<TSeg, TGt>(seg, gt, threads);
        var expected = oracle.GetProperty("table");
        Assert.Equal(Strings(expected.GetProperty("seg")), table.SegLabels.Select(Invariant));
        Assert.Equal(Strings(expected.GetProperty("gt")), table.GtLabels.Select(Invariant));
        Assert.Equal(Longs(expected.GetProperty("counts")), table.Counts);
        Assert.Equal(seg.Length, table.Total);

        var (labels, objectSplit, objectMerge) = VariationOfInformation.PerObject(table);
        var objects = oracle.GetProperty("object_vi").EnumerateArray().ToArray();
        Assert.Equal(objects.Select(o => o[0].GetString()), labels.Select(Invariant));
        for (int j = 0; j < labels.Length; j++)
        {
            AssertClose(objects[j][1].GetDouble(), objectSplit[j]);
            AssertClose(objects[j][2].GetDouble(), objectMerge[j]);
        }

        var matching = oracle.GetProperty("matching");
        foreach (var criterion in Enum.GetValues<MatchingCriterion>())
        {
            foreach (double threshold in new[] { 0.1, 0.5, 0.75, 1.0 })
            {
                var scores = ObjectMatching.Scores(table, threshold, criterion);
                var want = Doubles(matching.GetProperty(string.Create(CultureInfo.InvariantCulture, $"{criterion.ToString().ToLowerInvariant()}_{threshold:0.0#}")));
                Assert.Equal(want, new[] { scores.Precision, scores.Recall, scores.SegmentationAccuracy, scores.F1 });
            }
        }

        AssertClose(oracle.GetProperty("msa").GetDouble(), ObjectMatching.MeanSegmentationAccuracy(table).Mean);
        Assert.Equal(Strings(oracle.GetProperty("arange")), ObjectMatching.DefaultThresholds.Select(t => t.ToString("R", CultureInfo.InvariantCulture)));
        AssertClose(oracle.GetProperty("sbd").GetDouble(), DiceScore.SymmetricBest(table));
        AssertClose(oracle.GetProperty("dice").GetDouble(), DiceScore.Foreground(table, TSeg.IsNegative(TSeg.Zero - TSeg.One), TGt.IsNegative(TGt.Zero - TGt.One)));

        var coordinates = CoordinateMatching.Scores(points, reference, 3, 3.0, [2.0, 1.0, 0.5]);
        Assert.Equal(Doubles(oracle.GetProperty("coordinates")), new[] { coordinates.Precision, coordinates.Recall, coordinates.SegmentationAccuracy, coordinates.F1 });
        Assert.Equal(oracle.GetProperty("edges_matching").GetInt32(), BipartiteMatching.MaximumSize(40, 30, left, right));
        return oracle;
    }

    /// <summary>Box-shaped regions (runs along x, repeated rows) with ids 0 … count − 1 (0 only with background), plus 5 % noise voxels.</summary>
    private static int[] Blocks(int[] shape, Random random, int count, bool background)
    {
        int low = background ? 0 : 1;
        var table = Enumerable.Range(0, 64).Select(_ => random.Next(low, Math.Max(low + 1, count))).ToArray();
        var labels = new int[shape[0] * shape[1] * shape[2]];
        for (int z = 0, i = 0; z < shape[0]; z++)
        {
            for (int y = 0; y < shape[1]; y++)
            {
                for (int x = 0; x < shape[2]; x++, i++)
                {
                    labels[i] = random.Next(20) == 0 ? random.Next(low, Math.Max(low + 1, count)) : table[(((z / 3) * 16) + ((y / 4) * 4) + (x / 9)) % 64];
                }
            }
        }

        return labels;
    }

    private static void AssertClose(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    private static string Invariant(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetString()!)];

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetInt64())];

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];
}
