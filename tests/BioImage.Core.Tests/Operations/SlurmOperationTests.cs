using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// The filter, downsample and label operations on the real single-node Slurm cluster that scripts/slurm-up.sh starts (the
/// test script runs it): block-wise results equal the whole-volume kernels bit for bit, as on the other backends.
/// </summary>
public sealed class SlurmOperationTests : IDisposable
{
    private readonly OperationFixture _fixture = new("slurm-ops-");

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Smoothing_and_Hessian_eigenvalues_equal_the_whole_volume_kernel()
    {
        var options = _fixture.Options(JobType.Slurm, 3, [4, 5, 6]);
        GaussianFilterOperationTests.AssertBlockWiseExact(_fixture, new GaussianFilterOperation { Filter = GaussianFilter.GaussianSmoothing, Sigma = [1.5, 1.0, 2.0] }, options);
        GaussianFilterOperationTests.AssertBlockWiseExact(_fixture, new GaussianFilterOperation { Filter = GaussianFilter.HessianOfGaussianEigenvalues, Sigma = [1.5, 1.0, 2.0] }, options);
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
}
