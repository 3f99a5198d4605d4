using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Resampling;

/// <summary>
/// 2×2×2 <see cref="Kernels.Resampling.Pool{T}"/> into a reused output: mean and max (SIMD pair path on
/// uint8/uint16/float32, generic path on uint64) and mode (label-safe majority).
/// </summary>
/// <typeparam name="T">uint8, uint16, float32, uint64 (labels).</typeparam>
[BenchmarkCategory("Resampling")]
[GenericTypeArguments(typeof(byte))]
[GenericTypeArguments(typeof(ushort))]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(ulong))]
public class PoolingBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private static readonly Index3 Factors = new(2, 2, 2);
    private NdArray<T> _output = null!;
    private Index3 _pooled;

    /// <summary>Floor mean (integers) or mean (float32) of each block; returns the last voxel.</summary>
    [Benchmark]
    public T Mean() => Run(PoolingMethod.Mean);

    /// <summary>Largest value of each block.</summary>
    [Benchmark]
    public T Max() => Run(PoolingMethod.Max);

    /// <summary>Most frequent value of each block, ties to the smallest.</summary>
    [Benchmark]
    public T Mode() => Run(PoolingMethod.Mode);

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        _pooled = Kernels.Resampling.PooledShape(new Index3(Shape.Depth, Shape.Height, Shape.Width), Factors);
        _output = NdArray<T>.Allocate([_pooled.Z, _pooled.Y, _pooled.X]);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _output.Dispose();

    private T Run(PoolingMethod method)
    {
        Kernels.Resampling.Pool<T>(new ReadOnlyMemory3D<T>(Volume.Memory, Shape.Depth, Shape.Height, Shape.Width), new Memory3D<T>(_output.Memory, _pooled.Z, _pooled.Y, _pooled.X), Factors, method);
        return _output.Span[^1];
    }
}
