using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Views;

/// <summary><see cref="ReadOnlySpan3D{T}.CopyTo"/> of a strided region of interest into a reused contiguous array.</summary>
/// <typeparam name="T">Element type: float32, uint8, uint16.</typeparam>
[BenchmarkCategory("Views")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
[GenericTypeArguments(typeof(ushort))]
public class Span3DBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private int[] _begin = [];
    private NdArray<T> _region = null!;

    /// <summary>Copies the interior region (1/8 margin on every side) row by row; returns its last voxel.</summary>
    [Benchmark]
    public T CopyRegion()
    {
        var destination = _region.AsSpan3D();
        Volume.AsSpan3D().Slice(_begin[0], _begin[1], _begin[2], destination.Depth, destination.Height, destination.Width).CopyTo(destination);
        return _region.Span[^1];
    }

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        (_begin, var extent) = SampleVolumes.InteriorRegion(Shape.Extents);
        _region = NdArray<T>.Allocate(extent);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _region.Dispose();
}
