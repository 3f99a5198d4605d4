using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// The filter, downsample, label, watershed and relabelling operations on the real single-node Slurm cluster that scripts/slurm-up.sh starts (the
/// test script runs it): block-wise results equal the whole-volume kernels bit for bit, as on the other backends.
/// </summary>
public sealed class SlurmOperationTests : IDisposable
{
    private readonly OperationFixture _fixture = new("slurm-ops-");

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Every_filter_equals_the_whole_volume_kernel()
    {
        var options = _fixture.Options(JobType.Slurm, 3, [4, 5, 6]);
        foreach (var filter in Enum.GetValues<GaussianFilter>())
        {
            GaussianFilterOperationTests.AssertBlockWiseExact<float>(_fixture, new GaussianFilterOperation { Filter = filter, Sigma = [1.5, 1.0, 2.0], OuterSigma = GaussianFilterOperationTests.OuterFor(filter) }, options);
        }
    }

    [Fact]
    public void Anti_aliased_linear_and_cubic_downsampling_equal_the_whole_volume_kernel()
    {
        var (path, data) = _fixture.Input<float>("volume", v => v);
        using (data)
        {
            var options = _fixture.Options(JobType.Slurm, 2, [3, 4, 5]);
            DownsampleOperationTests.AssertEqual(_fixture, DownsampleOperation.For(Source.Open(path), [2, 3, 2], order: 1, antiAliasing: true), data, DType.Float32, options, "linear");
            DownsampleOperationTests.AssertEqual(_fixture, DownsampleOperation.For(Source.Open(path), [2, 3, 2], order: 3), data, DType.Float32, options, "cubic");
        }
    }

    [Fact]
    public void Mode_pooling_equals_the_whole_volume_kernel()
    {
        var (path, labels) = _fixture.Input<ushort>("labels", v => (ushort)(v * 7));
        using (labels)
        {
            var operation = DownsampleOperation.For(Source.Open(path), [2, 3, 2], method: PoolingMethod.Mode);
            var shape = operation.OutputShape([13, 17, 19]);
            var output = _fixture.Output("mode", shape, DType.UInt16, [3, 4, 5]);
            Runner.Run(operation, [], [output], _fixture.Options(JobType.Slurm, 2, [3, 4, 5]));
            var expected = new ushort[shape[0] * shape[1] * shape[2]];
            Resampling.Pool(new ReadOnlyMemory3D<ushort>(labels.Memory, 13, 17, 19), new Memory3D<ushort>(expected, (int)shape[0], (int)shape[1], (int)shape[2]), new Index3(2, 3, 2), PoolingMethod.Mode);
            Assert.Equal(expected, OperationFixture.ReadAll<ushort>(output));
        }
    }

    [Fact]
    public void Block_wise_label_equals_scipy_across_faces_edges_and_corners()
    {
        var (input, outputs) = LabelOperationTests.Fixture("diagonals_3d");
        var (_, expected, expectedCount) = outputs.Single(o => o.Connectivity == 3);
        var output = _fixture.Output("label", [.. input.Shape], DType.UInt64, [3, 4, 5]);
        Assert.Equal(expectedCount, Label.Run(input, output, _fixture.Options(JobType.Slurm, 3, [3, 4, 5]), connectivity: 3));
        LabelOperationTests.AssertLabels(expected, OperationFixture.ReadAll<ulong>(output), "diagonals_3d on Slurm");
    }

    [Fact]
    public void Watershed_with_a_halo_covering_the_volume_equals_the_whole_volume_kernel()
    {
        var (path, volume) = _fixture.Input<float>("heights", v => -v);
        using (volume)
        {
            using var seeds = NdArray<uint>.Allocate(OperationFixture.Shape);
            for (int i = 0; i < seeds.Length; i++)
            {
                seeds.Span[i] = i % 131 == 5 ? (uint)(1 + (i / 131)) : 0;
            }

            string seedPath = Path.Combine(_fixture.Directory, "seeds.npy");
            BioImage.Storage.NpyFile.Write(seedPath, seeds);
            var expected = new ulong[seeds.Length];
            Watershed.Seeded(new ReadOnlySpan3D<float>(volume.ToArray(), 13, 17, 19), new ReadOnlySpan3D<uint>(seeds.ToArray(), 13, 17, 19), new Span3D<ulong>(expected, 13, 17, 19));
            var output = _fixture.Output("ws", [13, 17, 19], DType.UInt64, [4, 5, 6]);
            WatershedOperation.Run(Source.Open(path), Source.Open(seedPath), output, [19], _fixture.Options(JobType.Slurm, 2, [4, 5, 6]));
            Assert.Equal(expected, OperationFixture.ReadAll<ulong>(output));
        }
    }

    [Fact]
    public void Relabel_consecutive_and_size_filter_on_slurm_equal_brute_force_over_the_voxels()
    {
        var (path, labels) = _fixture.Input<uint>("segmentation", v => (uint)(v * 40) * 3);
        using (labels)
        {
            long[] shape = [13, 17, 19];
            // Brute-force oracles over the voxels (bioimage-py's rules), not our kernels: the sorted distinct labels, 0
            // included, numbered from 1 with a present 0 kept 0; then labels of fewer than 100 voxels to 0, the rest 1..K.
            uint[] voxels = labels.Span.ToArray();
            var numbered = voxels.Distinct().Order().Select((label, rank) => (label, rank)).ToDictionary(p => p.label, p => p.label == 0 ? 0u : (uint)p.rank + 1);
            var expected = voxels.Select(v => numbered[v]).ToArray();
            var output = _fixture.Output("consecutive", shape, DType.UInt32, [4, 5, 6]);
            var mapping = Relabeling.Consecutive(Source.Open(path), output, _fixture.Options(JobType.Slurm, 2, [4, 5, 6]), startLabel: 1);
            Assert.Equal(expected, OperationFixture.ReadAll<uint>(output));
            Assert.Equal(expected.Max(), (uint)mapping.MaxLabel);

            var survivors = voxels.Where(v => v != 0).GroupBy(v => v).Where(g => g.Count() >= 100).Select(g => g.Key).Order().ToList();
            expected = [.. voxels.Select(v => survivors.IndexOf(v) is int at and >= 0 ? (uint)at + 1 : 0u)];
            var filtered = _fixture.Output("filtered", shape, DType.UInt32, [4, 5, 6]);
            Relabeling.SizeFilter(Source.Open(path), filtered, _fixture.Options(JobType.Slurm, 2, [4, 5, 6]), minSize: 100);
            Assert.Equal(expected, OperationFixture.ReadAll<uint>(filtered));
        }
    }
}
