using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Morphology;

/// <summary>
/// <see cref="DistanceTransform.Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
/// of the sample blobs (<c>volume &gt; 50</c>) into reused float64 distances, with and without nearest-feature
/// indices, on one and two threads.
/// </summary>
[BenchmarkCategory("Morphology")]
public class DistanceTransformBenchmarks : VolumeBenchmarks<float>
{
    private NdArray<bool> _blobs = null!;
    private NdArray<double> _distances = null!;
    private NdArray<int>[] _indices = [];

    /// <summary>Distances, one thread; returns the distance of the last voxel.</summary>
    [Benchmark]
    public double Distances() => Transform(1);

    /// <summary>Distances, two threads.</summary>
    [Benchmark]
    public double DistancesTwoThreads() => Transform(2);

    /// <summary>Distances and indices, two threads; returns the last voxel's nearest x.</summary>
    [Benchmark]
    public int DistancesAndIndicesTwoThreads()
    {
        DistanceTransform.Euclidean(_blobs.AsSpan3D().AsReadOnly(), _distances.AsSpan3D(), _indices[0].AsSpan3D(), _indices[1].AsSpan3D(), _indices[2].AsSpan3D(), default, 2);
        return _indices[2].Span[^1];
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _blobs = NdArray<bool>.Allocate(Shape.Extents);
        Threshold.GreaterThan(Volume.AsSpan3D().AsReadOnly(), (float)SampleVolumes.Threshold, _blobs.AsSpan3D());
        _distances = NdArray<double>.Allocate(Shape.Extents);
        _indices = [NdArray<int>.Allocate(Shape.Extents), NdArray<int>.Allocate(Shape.Extents), NdArray<int>.Allocate(Shape.Extents)];
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        _blobs.Dispose();
        _distances.Dispose();
        foreach (var axis in _indices)
        {
            axis.Dispose();
        }
    }

    private double Transform(int threads)
    {
        DistanceTransform.Euclidean(_blobs.AsSpan3D().AsReadOnly(), _distances.AsSpan3D(), default, threads);
        return _distances.Span[^1];
    }
}
