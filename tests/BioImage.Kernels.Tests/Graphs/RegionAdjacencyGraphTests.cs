using System.Numerics;
using BioImage.Kernels.Graphs;
using BioImage.Testing;

namespace BioImage.Kernels.Tests.Graphs;

/// <summary>
/// RAG edges, sizes and edge features against a numpy oracle (rag_oracle.py: face pairs per axis +
/// <c>np.unique(axis=0)</c>, numpy mean/std/min/max/quantile per edge) on random label volumes of odd shapes, 2D and 3D,
/// every label dtype and several map dtypes, whole and block-wise; plus the fact sheet's fixture (§3.1).
/// </summary>
public class RegionAdjacencyGraphTests
{
    private static readonly (int[] Shape, int[] Block)[] Shapes =
    [
        ([9, 13, 37], [4, 5, 16]),
        ([5, 70], [1, 3, 33]),
        ([1, 1, 1], [1, 1, 1]),
        ([6, 1, 41], [2, 1, 7]),
        ([3, 17, 64], [3, 17, 31]),
    ];

    [Fact]
    public void Fixture_of_the_fact_sheet()
    {
        int[] labels = [1, 1, 2, 1, 3, 2];
        float[] map = [1, 2, 10, 3, 4, 20];
        var table = EdgeAccumulation.Accumulate(new ReadOnlySpan3D<int>(labels, 1, 2, 3), new ReadOnlySpan3D<float>(map, 1, 2, 3), new Index3(1, 2, 3), keepValues: true);
        var graph = new RegionAdjacencyGraph(table);
        Assert.Equal(4, graph.NodeCount);
        Assert.Equal([1UL, 1, 2], graph.U.ToArray());
        Assert.Equal([2UL, 3, 3], graph.V.ToArray());
        Assert.Equal([1L, 2, 1], graph.Sizes.ToArray());
        var features = EdgeFeatures.Compute(table, EdgeFeatureSet.Mean);
        Assert.Equal([6.0, 1, 3.25, 2, 12, 1], features);
        Assert.Equal(1, graph.FindEdge(3, 1));
        Assert.Equal(-1, graph.FindEdge(0, 1));
        Assert.Equal(-1, graph.FindEdge(2, 2));
    }

    [Fact]
    public void Negative_labels_are_refused_and_label_zero_is_a_node()
    {
        var error = Assert.Throws<ArgumentException>(() => RegionAdjacencyGraph.Build(new ReadOnlySpan3D<short>(new short[] { 0, -1, 3 }, 1, 1, 3)));
        Assert.Contains("non-negative", error.Message, StringComparison.Ordinal);
        var graph = RegionAdjacencyGraph.Build(new ReadOnlySpan3D<byte>(new byte[] { 0, 0, 5, 5 }, 1, 1, 4));
        Assert.Equal(6, graph.NodeCount);
        Assert.Equal(0, graph.FindEdge(0, 5));
        Assert.Equal(0, RegionAdjacencyGraph.Build(new ReadOnlySpan3D<uint>([], 0, 0, 0)).NodeCount);
    }

    [Fact]
    public void Edges_sizes_and_features_equal_numpy_whole_and_blockwise()
    {
        using var exchange = new NumpyExchange();
        var cases = new List<Action>();
        int seed = 0;
        foreach (var (shape, block) in Shapes)
        {
            cases.Add(Case<byte, float>(exchange, shape, block, labels: 6, ++seed));
            cases.Add(Case<sbyte, double>(exchange, shape, block, labels: 100, ++seed));
            cases.Add(Case<ushort, byte>(exchange, shape, block, labels: 40, ++seed));
            cases.Add(Case<short, int>(exchange, shape, block, labels: 900, ++seed));
            cases.Add(Case<uint, float>(exchange, shape, block, labels: 3, ++seed));
            cases.Add(Case<int, double>(exchange, shape, block, labels: 5000, ++seed));
            cases.Add(Case<ulong, float>(exchange, shape, block, labels: 60, ++seed));
            cases.Add(Case<long, ushort>(exchange, shape, block, labels: 12, ++seed));
        }

        // ~3·10⁴ edges: the accumulator's cache evicts often enough to compact and grow its buffer several times.
        cases.Add(Case<int, float>(exchange, [12, 64, 64], [7, 30, 33], labels: 1 << 20, ++seed));
        exchange.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Kernels.Tests", "Graphs", "rag_oracle.py")));
        foreach (var check in cases)
        {
            check();
        }
    }

    /// <summary>Writes one case's volumes to the exchange and returns the check to run once the oracle has answered.</summary>
    private static Action Case<TLabel, TMap>(NumpyExchange exchange, int[] shape, int[] block, int labels, int seed)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
        where TMap : unmanaged, INumber<TMap>
    {
        var random = new Random(seed);
        var (depth, height, width) = shape.Length == 3 ? (shape[0], shape[1], shape[2]) : (1, shape[0], shape[1]);
        int count = depth * height * width;
        var label = new TLabel[count];
        var map = new TMap[count];
        // Blobs: labels constant over random-sized boxes of a coarse grid, so that runs and large edges occur.
        var coarse = Enumerable.Range(0, 64).Select(_ => random.Next(labels)).ToArray();
        for (int i = 0; i < count; i++)
        {
            int z = i / (height * width), y = i / width % height, x = i % width;
            int cell = ((z / 2 * 7) + (y / 3 * 5) + (x / 4)) % coarse.Length;
            label[i] = TLabel.CreateTruncating(random.Next(10) == 0 ? random.Next(labels) : coarse[cell]);
            map[i] = typeof(TMap) == typeof(float) || typeof(TMap) == typeof(double) ? TMap.CreateTruncating(random.NextDouble() * 3) : TMap.CreateTruncating(random.Next(250));
        }

        string name = $"case{seed:D2}";
        exchange.Put($"{name}_labels", label, shape);
        exchange.Put($"{name}_map", map, shape);
        return () =>
        {
            var labelView = new ReadOnlySpan3D<TLabel>(label, depth, height, width);
            var mapView = new ReadOnlySpan3D<TMap>(map, depth, height, width);
            var whole = EdgeAccumulation.Accumulate(labelView, mapView, new Index3(depth, height, width), keepValues: true);
            var edges = exchange.Get<ulong>($"{name}_edges");
            var features = exchange.Get<double>($"{name}_features");
            Assert.Equal(edges.Where((_, i) => i % 2 == 0), whole.U);
            Assert.Equal(edges.Where((_, i) => i % 2 == 1), whole.V);
            Assert.Equal(exchange.Get<long>($"{name}_sizes"), whole.Sizes);
            Assert.Equal(exchange.Get<long>($"{name}_depth"), whole.DepthSizes);
            Assert.Equal(long.CreateTruncating(label.Max()!) + 1, whole.NodeCount);
            AssertClose(features, EdgeFeatures.Compute(whole, EdgeFeatureSet.All), name);
            var means = EdgeFeatures.Compute(whole, EdgeFeatureSet.Mean);
            AssertClose([.. features.Where((_, i) => i % 12 is 0 or 11)], means, name);
            Assert.Equal(whole.U, EdgeAccumulation.Accumulate(labelView, new Index3(depth, height, width)).U);

            var blockwise = Blockwise(label, map, depth, height, width, block);
            Assert.Equal(whole.U, blockwise.U);
            Assert.Equal(whole.V, blockwise.V);
            Assert.Equal(whole.Sizes, blockwise.Sizes);
            Assert.Equal(whole.DepthSizes, blockwise.DepthSizes);
            Assert.Equal(whole.Minima, blockwise.Minima);
            Assert.Equal(whole.Maxima, blockwise.Maxima);
            Assert.Equal(whole.Values, blockwise.Values);
            Assert.Equal(EdgeFeatures.Compute(whole, EdgeFeatureSet.All), EdgeFeatures.Compute(blockwise, EdgeFeatureSet.All));
            AssertClose(whole.Sums!, blockwise.Sums!, name);
        };
    }

    /// <summary>The table merged from blocks that each own their voxels and read a one-voxel upper halo.</summary>
    private static EdgeTable Blockwise<TLabel, TMap>(TLabel[] label, TMap[] map, int depth, int height, int width, int[] block)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
        where TMap : unmanaged, INumber<TMap>
    {
        var tables = new List<EdgeTable>();
        for (int z = 0; z < depth; z += block[0])
        {
            for (int y = 0; y < height; y += block[1])
            {
                for (int x = 0; x < width; x += block[2])
                {
                    var owned = new Index3(Math.Min(block[0], depth - z), Math.Min(block[1], height - y), Math.Min(block[2], width - x));
                    var (d, h, w) = (Math.Min(owned.Z + 1, depth - z), Math.Min(owned.Y + 1, height - y), Math.Min(owned.X + 1, width - x));
                    var labels = new ReadOnlySpan3D<TLabel>(label, depth, height, width).Slice(z, y, x, d, h, w);
                    var maps = new ReadOnlySpan3D<TMap>(map, depth, height, width).Slice(z, y, x, d, h, w);
                    tables.Add(EdgeAccumulation.Accumulate(labels, maps, owned, keepValues: true));
                }
            }
        }

        return EdgeTable.Merge(tables.AsEnumerable().Reverse());
    }

    private static void AssertClose(double[] expected, double[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{name}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
