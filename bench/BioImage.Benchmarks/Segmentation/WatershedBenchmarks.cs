using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Segmentation;

/// <summary>
/// <see cref="Watershed"/> on the inverted sample volume (<c>−volume</c>, so basins grow out of the blob centres)
/// from the 6-connected components of <c>volume &gt; 80</c> (the blob cores) as seeds, into reused uint32 labels.
/// The seeds of different blobs lie at different heights, so the fast queue runs (the radix queue on the float32
/// heights); <see cref="Seeded6QuantisedHeights"/> floods the same heights rounded to uint8, where seeds of
/// different blobs tie and skimage's heap order must be replayed.
/// </summary>
[BenchmarkCategory("Segmentation")]
public class WatershedBenchmarks : VolumeBenchmarks<float>
{
    private NdArray<float> _heights = null!;
    private NdArray<byte> _quantisedHeights = null!;
    private NdArray<uint> _seeds = null!;
    private NdArray<uint> _labels = null!;

    /// <summary>6-connected seeded watershed; returns the label of the last voxel.</summary>
    [Benchmark]
    public uint Seeded6() => Flood(1);

    /// <summary>26-connected seeded watershed.</summary>
    [Benchmark]
    public uint Seeded26() => Flood(3);

    /// <summary>6-connected seeded watershed on two threads: two slabs flooded in parallel, then the seam repaired and the result checked.</summary>
    [Benchmark]
    public uint Seeded6TwoThreads() => Flood(1, 2);

    /// <summary>6-connected seeded watershed on uint8 heights (255 − volume, saturated): seeds tie, the heap replica runs.</summary>
    [Benchmark]
    public uint Seeded6QuantisedHeights()
    {
        _seeds.Span.CopyTo(_labels.Span);
        Watershed.Seeded(_quantisedHeights.AsSpan3D().AsReadOnly(), _labels.AsSpan3D(), 1);
        return _labels.Span[^1];
    }

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

        _quantisedHeights = NdArray<byte>.Allocate(Shape.Extents);
        var quantised = _quantisedHeights.Span;
        for (int i = 0; i < volume.Length; i++)
        {
            quantised[i] = (byte)Math.Clamp(MathF.Round(255 - volume[i]), 0, 255);
        }

        _seeds = NdArray<uint>.Allocate(Shape.Extents);
        ConnectedComponents.Label(Volume.AsSpan3D().AsReadOnly(), 80f, _seeds.AsSpan3D());
        _labels = NdArray<uint>.Allocate(Shape.Extents);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _heights.Dispose();
        _quantisedHeights.Dispose();
        _seeds.Dispose();
        _labels.Dispose();
    }

    private uint Flood(int connectivity, int threads = 1)
    {
        _seeds.Span.CopyTo(_labels.Span);
        Watershed.Seeded(_heights.AsSpan3D().AsReadOnly(), _labels.AsSpan3D(), connectivity, degreeOfParallelism: threads);
        return _labels.Span[^1];
    }
}
