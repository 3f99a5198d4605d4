using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise distance-transform watershed: with a halo covering the volume each block's segments are the
/// whole-volume segments cut at the block faces, with ids unique per block, on threads and worker processes.
/// </summary>
public sealed class DistanceTransformWatershedOperationTests : IDisposable
{
    private readonly OperationFixture _fixture = new("dtwsops-");

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(JobType.Local, 2)]
    [InlineData(JobType.Subprocess, 2)]
    public void Halo_covering_the_volume_cuts_the_whole_volume_segments_at_block_faces(JobType jobType, int workers)
    {
        var (path, data) = _fixture.Input<float>("boundaries", v => v);
        using (data)
        {
            int[] s = OperationFixture.Shape;
            var parameters = new DistanceTransformWatershedOptions(30, 0.5, 1.0, MinSize: 3, Alpha: 0.8);
            var whole = new ulong[data.Length];
            DistanceTransformWatershed.Segment(new ReadOnlySpan3D<float>(data.ToArray(), s[0], s[1], s[2]), new Span3D<ulong>(whole, s[0], s[1], s[2]), parameters);
            var output = _fixture.Output("dtws", [13, 17, 19], DType.UInt64, [4, 5, 6]);
            DistanceTransformWatershedOperation.Run(Source.Open(path), output, [19], parameters, _fixture.Options(jobType, workers, [4, 5, 6]));
            var blockWise = OperationFixture.ReadAll<ulong>(output);

            var toWhole = new Dictionary<ulong, ulong>();
            var toBlock = new Dictionary<(long Block, ulong Whole), ulong>();
            for (int i = 0; i < whole.Length; i++)
            {
                int z = i / (s[1] * s[2]), y = i / s[2] % s[1], x = i % s[2];
                long block = ((z / 4) * 16) + ((y / 5) * 4) + (x / 6);
                Assert.Equal(whole[i] == 0, blockWise[i] == 0);
                if (whole[i] == 0)
                {
                    continue;
                }

                Assert.Equal(block, (long)(blockWise[i] / 120));
                Assert.Equal(toWhole.GetValueOrDefault(blockWise[i], whole[i]), whole[i]);
                Assert.Equal(toBlock.GetValueOrDefault((block, whole[i]), blockWise[i]), blockWise[i]);
                toWhole[blockWise[i]] = whole[i];
                toBlock[(block, whole[i])] = blockWise[i];
            }

            Assert.True(whole.Distinct().Count() > 3);
        }
    }

    [Fact]
    public void Small_halo_is_identical_on_threads_and_worker_processes_with_a_mask()
    {
        var (path, data) = _fixture.Input<float>("boundaries-small", v => v);
        var (maskPath, mask) = _fixture.Input<byte>("mask", v => (byte)(v < 80 ? 1 : 0));
        var flags = mask.ToArray();
        data.Dispose();
        mask.Dispose();
        var parameters = new DistanceTransformWatershedOptions(30, 0.5, 1.0, MinSize: 3, Alpha: 0.8) { Sampling = [1.5, 1, 1] };
        var local = _fixture.Output("local", [13, 17, 19], DType.UInt64, [4, 5, 6]);
        var workers = _fixture.Output("workers", [13, 17, 19], DType.UInt64, [4, 5, 6]);
        DistanceTransformWatershedOperation.Run(Source.Open(path), local, [3], parameters, _fixture.Options(JobType.Local, 3, [4, 5, 6]) with { Mask = Source.Open(maskPath) });
        DistanceTransformWatershedOperation.Run(Source.Open(path), workers, [3], parameters, _fixture.Options(JobType.Subprocess, 2, [4, 5, 6]) with { Mask = Source.Open(maskPath) });
        var labels = OperationFixture.ReadAll<ulong>(local);
        Assert.Equal(labels, OperationFixture.ReadAll<ulong>(workers));
        Assert.All(labels.Where((_, i) => flags[i] == 0), label => Assert.Equal(0UL, label));
        Assert.Contains(labels, label => label != 0);
    }

    [Fact]
    public void Output_must_be_uint64_and_the_data_3d()
    {
        var (path, data) = _fixture.Input<float>("bad", v => v);
        data.Dispose();
        var output = _fixture.Output("u32", [13, 17, 19], DType.UInt32, [4, 5, 6]);
        Assert.Contains("uint64", Assert.Throws<ArgumentException>(() => DistanceTransformWatershedOperation.Run(Source.Open(path), output, [2], new DistanceTransformWatershedOptions(0.5, 1), _fixture.Options(JobType.Local, 1, [4, 5, 6]))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new DistanceTransformWatershedOperation { Halo = [1] }.GetHalo(2));
    }
}
