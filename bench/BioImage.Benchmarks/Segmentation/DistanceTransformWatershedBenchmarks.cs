using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Segmentation;

/// <summary>
/// <see cref="DistanceTransformWatershed"/> with elf's defaults (σ_seeds 2, σ_weights 2, min_size 100, α 0.9) on the
/// sample volume read as a boundary map (the blobs above <see cref="SampleVolumes.Threshold"/> are the boundaries),
/// into reused uint64 labels, one thread: distances, smoothing, seeds, the ranks of the float64 heights and both floods.
/// </summary>
[BenchmarkCategory("Segmentation")]
public class DistanceTransformWatershedBenchmarks : VolumeBenchmarks<float>
{
    private static readonly DistanceTransformWatershedOptions ElfDefaults = new(SampleVolumes.Threshold, 2);

    private NdArray<ulong> _labels = null!;

    /// <summary>The whole segmentation; returns the largest label.</summary>
    [Benchmark]
    public long Segment() => DistanceTransformWatershed.Segment(Volume.AsSpan3D().AsReadOnly(), _labels.AsSpan3D(), ElfDefaults);

    /// <inheritdoc/>
    protected override void SetupOutputs() => _labels = NdArray<ulong>.Allocate(Shape.Extents);

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _labels.Dispose();
}
