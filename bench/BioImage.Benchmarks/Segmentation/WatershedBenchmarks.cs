using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Segmentation;

/// <summary>
/// <see cref="Watershed"/> on the inverted sample volume (<c>−volume</c>, so basins grow out of the blob centres)
/// from the 6-connected components of <c>volume &gt; 80</c> (the blob cores) as seeds, into reused uint32 labels.
/// The seeds of different blobs lie at different heights, so the bucket queue runs.
/// </summary>
[BenchmarkCategory("Segmentation")]
public class WatershedBenchmarks : VolumeBenchmarks<float>
{
    private NdArray<float> _heights = null!;
    private NdArray<uint> _seeds = null!;
    private NdArray<uint> _labels = null!;

    /// <summary>6-connected seeded watershed; returns the label of the last voxel.</summary>
    [Benchmark]
    public uint Seeded6() => Flood(1);

    /// <summary>26-connected seeded watershed.</summary>
    [Benchmark]
    public uint Seeded26() => Flood(3);

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _heights = NdArray<float>.Allocate(Shape.Extents);
        var volume = Volume.Span;
        var heights = _heights.Span;
        for (int i = 0; i < volume.Length; i++)
        {
            heights[i] = -volume[i];
        }

        _seeds = NdArray<uint>.Allocate(Shape.Extents);
        ConnectedComponents.Label(Volume.AsSpan3D().AsReadOnly(), 80f, _seeds.AsSpan3D());
        _labels = NdArray<uint>.Allocate(Shape.Extents);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _heights.Dispose();
        _seeds.Dispose();
        _labels.Dispose();
    }

    private uint Flood(int connectivity)
    {
        _seeds.Span.CopyTo(_labels.Span);
        Watershed.Seeded(_heights.AsSpan3D().AsReadOnly(), _labels.AsSpan3D(), connectivity);
        return _labels.Span[^1];
    }
}
