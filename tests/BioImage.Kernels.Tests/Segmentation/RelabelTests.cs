namespace BioImage.Kernels.Tests.Segmentation;

public class RelabelTests
{
    private static readonly int[] Shape = [4, 11, 29];
    private static readonly int N = Shape[0] * Shape[1] * Shape[2];

    [Fact]
    public void WithTable_equals_numpy_take_and_names_values_outside_the_table()
    {
        var random = new Random(8);
        var labels = UniqueTests.Labels(random, N, v => (uint)v, 50);
        var table = Enumerable.Range(0, 50).Select(_ => (ulong)random.NextInt64(0, long.MaxValue)).ToArray();
        using var exchange = new NumpyExchange();
        exchange.Put("labels", labels, Shape);
        exchange.Put("table", table, table.Length);
        exchange.Run("save('out', np.take(load('table'), load('labels')))");
        var output = new ulong[N];
        Relabel.WithTable(View(labels), table, Out(output), default, 3);
        Assert.Equal(exchange.Get<ulong>("out"), output);

        labels[N - 3] = 50;
        var error = Assert.Throws<KeyNotFoundException>(() => Relabel.WithTable(View(labels), table, Out(output)));
        Assert.Contains("50", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithMap_dense_and_sparse_keys_in_place_and_masked()
    {
        var random = new Random(5);
        foreach (long spacing in new long[] { 1, 1_000_000_007 })
        {
            var labels = UniqueTests.Labels(random, N, v => v * spacing, 30);
            var mapping = labels.Distinct().ToDictionary(v => v, v => (v / spacing * 3) + 1);
            var expected = labels.Select(v => mapping[v]).ToArray();
            var inPlace = (long[])labels.Clone();
            Relabel.WithMap(View(inPlace), mapping, Out(inPlace), default, 2);
            Assert.Equal(expected, inPlace);

            var mask = labels.Select((_, i) => i % 3 != 0).ToArray();
            var masked = Enumerable.Repeat(-5L, N).ToArray();
            Relabel.WithMap(View(labels), mapping, Out(masked), new ReadOnlySpan3D<bool>(mask, Shape[0], Shape[1], Shape[2]));
            Assert.Equal(labels.Select((v, i) => mask[i] ? mapping[v] : -5L), masked);

            mapping.Remove(labels[7]);
            var error = Assert.Throws<KeyNotFoundException>(() => Relabel.WithMap(View(labels), mapping, Out(masked)));
            Assert.Contains($"missing key {labels[7]}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Consecutive_with_start_0_equals_skimage_relabel_sequential_and_keeps_the_documented_edge_cases()
    {
        var fixture = SegmentationFixtures.Root.GetProperty("relabel_sequential");
        using var input = SegmentationFixtures.Read<ulong>(fixture.GetProperty("input").GetString()!);
        using var expected = SegmentationFixtures.Read<uint>(fixture.GetProperty("output").GetString()!);
        var labels = input.ToArray();
        var output = new uint[N];
        var (maxLabel, oldLabels, newLabels) = Relabel.Consecutive(View(labels), Out(output), 0u, degreeOfParallelism: 2);
        Assert.Equal(expected.ToArray(), output);
        Assert.Equal((uint)(labels.Distinct().Count() - 1), maxLabel);
        Assert.Equal(labels.Distinct().Order(), oldLabels);
        Assert.Equal(0u, newLabels[0]);

        // bioimage-py tests/segmentation/test_relabel.py: with start_label=1 a present 0 consumes the 1.
        ulong[] small = [0, 7, 7, 3, 0, 9];
        var relabeled = new ulong[small.Length];
        Assert.Equal(4UL, Relabel.Consecutive(Flat(small), FlatOut(relabeled), 1UL).MaxLabel);
        Assert.Equal(new ulong[] { 0, 3, 3, 2, 0, 4 }, relabeled);

        // Without 0 and start_label=0 the smallest label becomes background.
        ulong[] noZero = [5, 8, 5, 2];
        var target = new ulong[noZero.Length];
        Assert.Equal(2UL, Relabel.Consecutive(Flat(noZero), FlatOut(target), 0UL).MaxLabel);
        Assert.Equal(new ulong[] { 1, 2, 1, 0 }, target);

        // keepZeros false: 0 is numbered like any label.
        Relabel.Consecutive(Flat(small), FlatOut(relabeled), 10UL, keepZeros: false);
        Assert.Equal(new ulong[] { 10, 12, 12, 11, 10, 13 }, relabeled);
        Assert.Throws<OverflowException>(() => Relabel.Consecutive(Flat(small), FlatOut(new byte[small.Length]), (byte)253, keepZeros: false));
    }

    [Fact]
    public void SizeFilter_equals_the_numpy_reference()
    {
        var random = new Random(30);
        var labels = UniqueTests.Labels(random, N, v => (ushort)(v * 3), 90);
        using var exchange = new NumpyExchange();
        exchange.Put("labels", labels, Shape);
        exchange.Run("""
            labels = load('labels')
            values, counts = np.unique(labels, return_counts=True)
            for name, lo, hi, relabel in [('min', 15, None, True), ('max', None, 30, True), ('both', 12, 25, False)]:
                keep = (values != 0) & (counts >= (lo or 0)) & (counts <= (hi or np.inf))
                new = np.where(keep, values, 0)
                if relabel:
                    new[keep] = np.arange(1, keep.sum() + 1)
                mapping = dict(zip(values.tolist(), new.tolist()))
                save(name, np.vectorize(mapping.get)(labels).astype(np.uint16))
            """);
        foreach (var (name, min, max, relabel) in new (string, long?, long?, bool)[] { ("min", 15, null, true), ("max", null, 30, true), ("both", 12, 25, false) })
        {
            var output = new ushort[N];
            long kept = SizeFilter.Apply(View(labels), Out(output), min, max, relabel, 2);
            var expected = exchange.Get<ushort>(name);
            Assert.Equal(expected, output);
            Assert.Equal(expected.Where(v => v != 0).Distinct().Count(), (int)kept);
        }

        Assert.Throws<ArgumentException>("minSize", () => SizeFilter.Apply(View(labels), Out(new ushort[N])));
    }

    [Fact]
    public void LabelMap_maps_runs_in_place_and_refuses_bad_keys_and_use_after_dispose()
    {
        // Runs of every length 1..20 (across the scalar / vectorized boundaries), in place, through a dense table and
        // through a hash map (keys far apart).
        var labels = Enumerable.Range(1, 20).SelectMany(length => Enumerable.Repeat((long)(length % 9), length)).ToArray();
        labels = Enumerable.Range(0, N).Select(i => labels[i % labels.Length]).ToArray();
        foreach (long spacing in new long[] { 1, 1L << 40 })
        {
            var keys = Enumerable.Range(0, 9).Select(k => k * spacing).ToArray();
            var values = keys.Select(k => (k * 5) + 2).ToArray();
            var data = labels.Select(v => v * spacing).ToArray();
            var expected = data.Select(v => (v * 5) + 2).ToArray();
            using (var map = new LabelMap<long, long>(keys, values))
            {
                map.Apply(View(data), Out(data), default, 3);
                Assert.Equal(9, map.Count);
            }

            Assert.Equal(expected, data);
        }

        Assert.Contains("sorted", Assert.Throws<ArgumentException>(() => new LabelMap<int, int>([3, 3], [1, 2])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new LabelMap<int, int>([1, 2], [1]));
        using var empty = new LabelMap<int, int>([], []);
        Assert.Contains("missing key 0", Assert.Throws<KeyNotFoundException>(() => empty.Apply(Flat(new int[3]), FlatOut(new int[3]))).Message, StringComparison.Ordinal);
        var disposed = new LabelMap<int, int>([0], [1]);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposed.Apply(Flat(new int[3]), FlatOut(new int[3])));
    }

    private static ReadOnlySpan3D<T> View<T>(T[] data) => new(data, Shape[0], Shape[1], Shape[2]);

    private static Span3D<T> Out<T>(T[] data) => new(data, Shape[0], Shape[1], Shape[2]);

    private static ReadOnlySpan3D<T> Flat<T>(T[] data) => new(data, 1, 1, data.Length);

    private static Span3D<T> FlatOut<T>(T[] data) => new(data, 1, 1, data.Length);
}
