using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Elementwise;

/// <summary><see cref="Threshold.GreaterThan{T}(ReadOnlySpan3D{T}, T, Span3D{bool})"/> into a reused mask.</summary>
/// <typeparam name="T">Element type: float32, uint8, uint16.</typeparam>
[BenchmarkCategory("Elementwise")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
[GenericTypeArguments(typeof(ushort))]
public class ThresholdBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private NdArray<bool> _mask = null!;

    /// <summary><c>mask = volume &gt; 50</c>; returns the foreground count.</summary>
    [Benchmark]
    public long GreaterThan() => Threshold.GreaterThan(Volume.AsSpan3D(), T.CreateTruncating(SampleVolumes.Threshold), _mask.AsSpan3D());

    /// <inheritdoc/>
    protected override void SetupOutputs() => _mask = NdArray<bool>.Allocate(Shape.Extents);

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _mask.Dispose();
}
