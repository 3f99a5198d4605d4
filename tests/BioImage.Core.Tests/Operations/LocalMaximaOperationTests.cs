using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>Block-wise find_local_maxima against the whole-volume kernel (peak_local_max, checked against skimage in the kernel tests).</summary>
public sealed class LocalMaximaOperationTests : IDisposable
{
    private readonly OperationFixture _fixture = new("peakops-");

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(JobType.Local, 1, 1, 30.0, null)]
    [InlineData(JobType.Local, 3, 2, null, 0.5)]
    [InlineData(JobType.Subprocess, 2, 1, null, 0.3)]
    public void Global_thresholds_give_the_whole_volume_peaks_in_block_order(JobType jobType, int workers, int minDistance, double? thresholdAbs, double? thresholdRel)
    {
        var (path, data) = _fixture.Input<float>("peaks", v => v);
        using (data)
        {
            int[] s = OperationFixture.Shape;
            int[] whole = LocalMaxima.Find(new ReadOnlySpan3D<float>(data.ToArray(), s[0], s[1], s[2]), minDistance, thresholdAbs, thresholdRel);
            var peaks = LocalMaximaOperation.Find(Source.Open(path), _fixture.Options(jobType, workers, [4, 5, 6]), minDistance, thresholdAbs, thresholdRel, globalThresholds: true);
            var expected = Enumerable.Range(0, whole.Length / 3).Select(i => (whole[3 * i], whole[(3 * i) + 1], whole[(3 * i) + 2])).Order().ToList();
            var actual = Enumerable.Range(0, peaks.GetLength(0)).Select(i => ((int)peaks[i, 0], (int)peaks[i, 1], (int)peaks[i, 2])).ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, actual.Order());

            var blockOf = actual.Select(p => ((p.Item1 / 4) * 16) + ((p.Item2 / 5) * 4) + (p.Item3 / 6)).ToList();
            Assert.Equal(blockOf.Order(), blockOf);
        }
    }

    [Fact]
    public void Relative_threshold_is_block_local_by_default_as_in_bioimage_py()
    {
        // A dim half (x < 20) and a bright half: block-locally the dim half has its own maximum, globally it has no peak.
        int[] shape = [9, 11, 40];
        using var volume = Samples.SyntheticVolume.Generate<float>(shape, blobCount: 12, seed: 4);
        for (int i = 0; i < volume.Length; i++)
        {
            volume.Span[i] *= i % 40 < 20 ? 0.1f : 1f;
        }

        var options = new RunOptions { BlockShape = [9, 11, 10], Workers = 2 };
        var blockLocal = LocalMaximaOperation.Find(new ArraySource<float>(volume), options, minDistance: 0, thresholdRel: 0.8);
        var global = LocalMaximaOperation.Find(new ArraySource<float>(volume), options, minDistance: 0, thresholdRel: 0.8, globalThresholds: true);
        Assert.Contains(Enumerable.Range(0, blockLocal.GetLength(0)), i => blockLocal[i, 2] < 10);
        Assert.DoesNotContain(Enumerable.Range(0, global.GetLength(0)), i => global[i, 2] < 20);
        Assert.Equal([9L, 9, 9], new LocalMaximaOperation().GetHalo(3));
    }
}
