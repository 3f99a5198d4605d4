using BioImage.Kernels;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>Block-wise find_local_maxima against the whole-volume kernel and skimage's peak_local_max on the whole volume (noisy floats, no ties).</summary>
public sealed class LocalMaximaOperationTests : IDisposable
{
    private readonly OperationFixture _fixture = new("peakops-");

    public void Dispose() => _fixture.Dispose();

    [Theory]
    [InlineData(JobType.Local, 1, 1, 30.0, null)]
    [InlineData(JobType.Local, 3, 2, null, 0.5)]
    [InlineData(JobType.Subprocess, 2, 1, null, 0.3)]
    [InlineData(JobType.Slurm, 3, 2, null, null)]
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

    [Theory]
    [InlineData(1, "threshold_abs=30")]
    [InlineData(3, "threshold_rel=0.4")]
    [InlineData(2, "exclude_border=False")]
    public void Block_wise_peaks_equal_skimage_peak_local_max_on_the_whole_volume(int minDistance, string argument)
    {
        var (path, data) = _fixture.Input<float>("oracle", v => v);
        data.Dispose();
        string[] parts = argument.Split('=');
        double? value = parts[1] == "False" ? null : double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var peaks = LocalMaximaOperation.Find(
            Source.Open(path),
            _fixture.Options(JobType.Local, 2, [4, 5, 6]),
            minDistance,
            thresholdAbs: parts[0] == "threshold_abs" ? value : null,
            thresholdRel: parts[0] == "threshold_rel" ? value : null,
            excludeBorder: parts[0] == "exclude_border" ? 0 : null,
            globalThresholds: true);
        string expected = Python.Run(
            $"import sys, numpy as np\nfrom skimage.feature import peak_local_max\np = peak_local_max(np.load(sys.argv[1]), min_distance={minDistance}, {argument})\nprint(sorted(map(tuple, p.tolist())))",
            path);
        var actual = Enumerable.Range(0, peaks.GetLength(0)).Select(i => (peaks[i, 0], peaks[i, 1], peaks[i, 2])).Order();
        Assert.Equal(expected.Trim(), "[" + string.Join(", ", actual) + "]");
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
