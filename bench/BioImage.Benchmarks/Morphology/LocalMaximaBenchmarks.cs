using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Morphology;

/// <summary><see cref="LocalMaxima.Find{T}(ReadOnlySpan3D{T}, int, double?, double?, int?)"/> on the float32 sample volume.</summary>
[BenchmarkCategory("Morphology")]
public class LocalMaximaBenchmarks : VolumeBenchmarks<float>
{
    /// <summary>Peaks at least 2 voxels apart above 50; returns how many coordinates.</summary>
    [Benchmark]
    public int FindMinDistance2() => LocalMaxima.Find(Volume.AsSpan3D().AsReadOnly(), minDistance: 2, thresholdAbs: SampleVolumes.Threshold).Length;
}
