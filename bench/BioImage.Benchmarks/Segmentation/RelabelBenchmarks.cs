using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Segmentation;

/// <summary>
/// The label-table kernels on sparse uint64 ids (the 26-connected components of <c>volume &gt; 50</c> times a large
/// odd constant, as block-offset ids look): <see cref="Unique"/>, <see cref="Relabel.Consecutive{TIn, TOut}"/>,
/// <see cref="SizeFilter"/>, one and two threads, outputs reused.
/// </summary>
[BenchmarkCategory("Segmentation")]
public class RelabelBenchmarks : VolumeBenchmarks<float>
{
    private NdArray<ulong> _labels = null!;
    private NdArray<ulong> _output = null!;

    /// <summary>Distinct labels with counts; returns how many.</summary>
    [Benchmark]
    public int UniqueWithCounts() => Unique.ValuesAndCounts(_labels.AsSpan3D().AsReadOnly()).Values.Length;

    /// <summary>Relabel to 1..N (keeping 0), one thread; returns the largest new label.</summary>
    [Benchmark]
    public ulong RelabelConsecutive() => Relabel.Consecutive(_labels.AsSpan3D().AsReadOnly(), _output.AsSpan3D(), 1UL).MaxLabel;

    /// <summary>Relabel to 1..N, two threads.</summary>
    [Benchmark]
    public ulong RelabelConsecutiveTwoThreads() => Relabel.Consecutive(_labels.AsSpan3D().AsReadOnly(), _output.AsSpan3D(), 1UL, true, 2).MaxLabel;

    /// <summary>Drop objects under 100 voxels and relabel; returns the survivors.</summary>
    [Benchmark]
    public long SizeFilterMin100() => SizeFilter.Apply(_labels.AsSpan3D().AsReadOnly(), _output.AsSpan3D(), minSize: 100);

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _labels = NdArray<ulong>.Allocate(Shape.Extents);
        ConnectedComponents.Label(Volume.AsSpan3D().AsReadOnly(), (float)SampleVolumes.Threshold, _labels.AsSpan3D(), 3);
        foreach (ref var label in _labels.Span)
        {
            label *= 1_000_003UL;
        }

        _output = NdArray<ulong>.Allocate(Shape.Extents);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _labels.Dispose();
        _output.Dispose();
    }
}
