using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Statistics;

/// <summary><see cref="Moments"/>: the SIMD min/max pass alone, and the full one-pass moments.</summary>
/// <typeparam name="T">Element type: float32, uint8, uint16.</typeparam>
[BenchmarkCategory("Statistics")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
[GenericTypeArguments(typeof(ushort))]
public class MomentsBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    /// <summary><see cref="Moments.MinMax{T}"/> over the whole contiguous volume.</summary>
    [Benchmark]
    public (T Min, T Max) MinMax() => Moments.MinMax<T>(Volume.Span);

    /// <summary><see cref="Moments.Of{T}(ReadOnlySpan3D{T})"/>: count, min, max, mean and M2 in one pass.</summary>
    [Benchmark]
    public Moments Of() => Moments.Of<T>(Volume.AsSpan3D());
}
