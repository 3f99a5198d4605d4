using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="RegionAdjacency"/> equals the numpy oracle (tests/BioImage.Kernels.Tests/Graphs/rag_oracle.py:
/// face pairs per axis + np.unique, numpy statistics per edge; costs by elf's formula in numpy) for several label and
/// map dtypes, 2D and 3D, blocks that divide no axis, and gives the same graph, features and costs on local threads,
/// worker processes and Slurm as in one block.
/// </summary>
public sealed class RegionAdjacencyOperationTests : IClassFixture<RegionAdjacencyOperationTests.Oracle>
{
    private readonly Oracle _oracle;

    public RegionAdjacencyOperationTests(Oracle oracle) => _oracle = oracle;

    public static TheoryData<string, JobType, int, long[]> Cases() => new()
    {
        { "uint8_float32", JobType.Local, 2, [4, 5, 6] },
        { "int32_float64", JobType.Local, 2, [13, 1, 7] },
        { "uint64_uint16", JobType.Local, 1, [100, 100, 100] },
        { "int16_2d", JobType.Local, 2, [5, 8] },
        { "uint64_uint16", JobType.Subprocess, 2, [5, 6, 7] },
        { "int32_float64", JobType.Slurm, 2, [6, 7, 5] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Graph_features_and_costs_equal_numpy(string name, JobType jobType, int workers, long[] blockShape)
    {
        var result = RegionAdjacency.Compute(_oracle.Labels(name), _oracle.Map(name), _oracle.Fixture.Options(jobType, workers, blockShape), new RegionAdjacency { Features = "all", Costs = true });
        var edges = _oracle.Expected<ulong>(name, "edges");
        Assert.Equal(edges.Where((_, i) => i % 2 == 0), result.U);
        Assert.Equal(edges.Where((_, i) => i % 2 == 1), result.V);
        Assert.Equal(_oracle.Expected<long>(name, "sizes"), result.Sizes);
        AssertClose(_oracle.Expected<double>(name, "features"), result.Features);
        AssertClose(_oracle.Expected<double>(name, "costs"), result.Costs!);

        // In one block on one thread: the same graph, bit for bit (features from sorted values do not depend on the blocks).
        var whole = RegionAdjacency.Compute(_oracle.Labels(name), _oracle.Map(name), new RunOptions { BlockShape = [.. blockShape.Select(_ => 1000L)] }, new RegionAdjacency { Features = "all", Costs = true });
        Assert.Equal(whole.Features, result.Features);
        Assert.Equal(whole.Costs, result.Costs);
        Assert.Equal(whole.NodeCount, result.NodeCount);

        var means = RegionAdjacency.Compute(_oracle.Labels(name), _oracle.Map(name), _oracle.Fixture.Options(JobType.Local, workers, blockShape));
        AssertClose([.. _oracle.Expected<double>(name, "features").Where((_, i) => i % 12 is 0 or 11)], means.Features);
        var graphOnly = RegionAdjacency.Compute(_oracle.Labels(name), null, _oracle.Fixture.Options(JobType.Local, workers, blockShape));
        Assert.Equal(result.Sizes, graphOnly.Sizes);
        Assert.Empty(graphOnly.FeatureNames);
    }

    [Fact]
    public void Bad_inputs_are_refused_and_negative_labels_are_a_data_condition()
    {
        var negative = new ArraySource<int>(NdArray<int>.Wrap([0, 3, -2, 3], [1, 4]));
        Assert.Contains("non-negative labels; found -2", Assert.Throws<RunnerException>(() => RegionAdjacency.Compute(negative, null, new RunOptions())).Message, StringComparison.Ordinal);
        var counts = new ArraySource<ushort>(NdArray<ushort>.Wrap([0, 3, 2, 3], [1, 4]));
        Assert.Contains("[0, 1]", Assert.Throws<DataConditionException>(() => RegionAdjacency.Compute(counts, counts, new RunOptions(), new RegionAdjacency { Costs = true })).Message, StringComparison.Ordinal);
        var floats = new ArraySource<float>(NdArray<float>.Allocate([3, 4]));
        Assert.Contains("integer dtype", Assert.Throws<OperationRefusedException>(() => RegionAdjacency.Compute(floats, null, new RunOptions())).Message, StringComparison.Ordinal);
        var line = new ArraySource<int>(NdArray<int>.Allocate([5]));
        Assert.Contains("2D or 3D", Assert.Throws<OperationRefusedException>(() => RegionAdjacency.Compute(line, null, new RunOptions())).Message, StringComparison.Ordinal);
        var labels = new ArraySource<int>(NdArray<int>.Allocate([3, 4]));
        Assert.Contains("--boundaries", Assert.Throws<OperationRefusedException>(() => RegionAdjacency.Compute(labels, null, new RunOptions(), new RegionAdjacency { Costs = true })).Message, StringComparison.Ordinal);
        Assert.Contains("--beta", Assert.Throws<OperationRefusedException>(() => RegionAdjacency.Compute(labels, labels, new RunOptions(), new RegionAdjacency { Beta = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("--weighting", Assert.Throws<OperationRefusedException>(() => RegionAdjacency.Compute(labels, labels, new RunOptions(), new RegionAdjacency { Weighting = "zz" })).Message, StringComparison.Ordinal);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>The label volumes, boundary maps (probabilities; the uint16 map holds 0 and 1) and numpy oracle results, made once for the class.</summary>
    public sealed class Oracle : IDisposable
    {
        public Oracle()
        {
            Fixture = new OperationFixture("rag-ops-");
            Python.Run("""
                import sys
                import numpy as np
                folder = sys.argv[1]
                rng = np.random.default_rng(5)
                def blobs(shape, labels, dtype):
                    # Boxes of a coarse grid with random ids, and 10 % single-voxel noise.
                    coarse = rng.integers(0, labels, size=tuple((s + 3) // 4 for s in shape))
                    volume = coarse[np.ix_(*[np.arange(s) // 4 for s in shape])]
                    noise = rng.random(shape) < 0.1
                    volume[noise] = rng.integers(0, labels, size=noise.sum())
                    return volume.astype(dtype)
                cases = {
                    "uint8_float32": ((13, 17, 19), 200, np.uint8, rng.random((13, 17, 19)).astype(np.float32)),
                    "int32_float64": ((13, 17, 19), 3000, np.int32, rng.random((13, 17, 19))),
                    "uint64_uint16": ((13, 17, 19), 40, np.uint64, rng.integers(0, 2, (13, 17, 19)).astype(np.uint16)),
                    "int16_2d": ((37, 29), 90, np.int16, rng.random((37, 29)).astype(np.float32)),
                }
                for name, (shape, labels, dtype, bmap) in cases.items():
                    volume = blobs(shape, labels, dtype)
                    if np.issubdtype(dtype, np.unsignedinteger) and dtype == np.uint64:
                        volume = volume + np.uint64(2**62)
                        volume[volume == 2**62] = 0
                    np.save(f"{folder}/{name}_labels.npy", volume)
                    np.save(f"{folder}/{name}_map.npy", bmap)
                """, Fixture.Directory);
            Python.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Kernels.Tests", "Graphs", "rag_oracle.py")), Fixture.Directory);
            Python.Run("""
                import sys, glob
                import numpy as np
                for path in glob.glob(f"{sys.argv[1]}/*_features.npy"):
                    p = np.load(path)[:, 0]
                    c = (0.999 - 0.001) * p + 0.001
                    np.save(path.replace("_features", "_costs"), np.log((1. - c) / c) + np.log((1. - 0.5) / 0.5))
                """, Fixture.Directory);
        }

        internal OperationFixture Fixture { get; }

        public ISource Labels(string name) => Source.Open(Path.Combine(Fixture.Directory, name + "_labels.npy"));

        public ISource Map(string name) => Source.Open(Path.Combine(Fixture.Directory, name + "_map.npy"));

        public T[] Expected<T>(string name, string what)
            where T : unmanaged
        {
            using var data = NpyFile.Read<T>(Path.Combine(Fixture.Directory, $"{name}_{what}.npy"));
            return data.ToArray();
        }

        public void Dispose() => Fixture.Dispose();
    }
}
