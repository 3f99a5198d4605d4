namespace BioImage.Kernels.Tests.Evaluation;

/// <summary>
/// The contingency table of label images with far more distinct pairs than the counting cache holds (so the buffer
/// is compacted and grown many times) against a brute-force count in a dictionary, on one and several threads.
/// </summary>
public sealed class ContingencyTableCountTests
{
    [Theory]
    [InlineData(1, 16)]
    [InlineData(2, 16)]
    [InlineData(1, 64)]
    [InlineData(3, 64)]
    public void Noise_labels_spanning_64_bits_count_as_a_dictionary_does(int threads, int bits)
    {
        var random = new Random(threads * bits);
        const int length = 300_001;
        var seg = new ulong[length];
        var gt = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            // Runs of 1–3 voxels; values from a pool so that pairs repeat far apart in the image.
            bool keep = i > 0 && random.Next(3) > 0;
            seg[i] = keep ? seg[i - 1] : Pooled(random, bits);
            gt[i] = keep && random.Next(4) > 0 ? gt[i - 1] : Pooled(random, bits);
        }

        var expected = new Dictionary<(ulong, ulong), long>();
        for (int i = 0; i < length; i++)
        {
            expected[(seg[i], gt[i])] = expected.GetValueOrDefault((seg[i], gt[i])) + 1;
        }

        var table = ContingencyTable.Count<ulong, ulong>(seg, gt, threads);
        var sorted = expected.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2).ToArray();
        Assert.True(sorted.Length > 100_000, $"the test needs many distinct pairs; it made {sorted.Length}");
        Assert.Equal(sorted.Select(p => p.Key.Item1), table.SegLabels);
        Assert.Equal(sorted.Select(p => p.Key.Item2), table.GtLabels);
        Assert.Equal(sorted.Select(p => p.Value), table.Counts);
    }

    [Fact]
    public void Unsorted_pairs_with_duplicates_sum_as_a_dictionary_does()
    {
        var random = new Random(11);
        const int count = 50_000;
        var seg = Enumerable.Range(0, count).Select(_ => (ulong)random.Next(300)).ToArray();
        var gt = Enumerable.Range(0, count).Select(_ => (ulong)random.Next(200) << 40).ToArray();
        var counts = Enumerable.Range(0, count).Select(_ => (long)random.Next(3)).ToArray();
        var expected = new SortedDictionary<(ulong, ulong), long>();
        for (int i = 0; i < count; i++)
        {
            if (counts[i] > 0)
            {
                expected[(seg[i], gt[i])] = expected.GetValueOrDefault((seg[i], gt[i])) + counts[i];
            }
        }

        var table = ContingencyTable.FromPairs(seg, gt, counts);
        Assert.Equal(expected.Keys.Select(k => k.Item1), table.SegLabels);
        Assert.Equal(expected.Keys.Select(k => k.Item2), table.GtLabels);
        Assert.Equal(expected.Values, table.Counts);
    }

    /// <summary>One of 2^17 values spread over the low <paramref name="bits"/> bits (so that about 10⁵ pairs are distinct).</summary>
    private static ulong Pooled(Random random, int bits)
    {
        ulong value = (ulong)random.Next(1 << 17) * 0x9E3779B97F4A7C15UL;
        return bits == 64 ? value : value >> (64 - bits);
    }
}
