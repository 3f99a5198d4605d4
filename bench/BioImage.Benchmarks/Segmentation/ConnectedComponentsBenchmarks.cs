using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Segmentation;

/// <summary>
/// <see cref="ConnectedComponents"/> of <c>volume &gt; 50</c> (the sample blobs) into reused uint32 labels, at
/// connectivity 1 and 3, on one thread and on two (slabs + seam merge).
/// </summary>
/// <typeparam name="T">Element type: float32, uint8.</typeparam>
[BenchmarkCategory("Segmentation")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(byte))]
public class ConnectedComponentsBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, INumber<T>
{
    private NdArray<uint> _labels = null!;

    /// <summary>6-connected, one thread; returns the component count.</summary>
    [Benchmark]
    public long Label6() => Label(1, 1);

    /// <summary>26-connected, one thread.</summary>
    [Benchmark]
    public long Label26() => Label(3, 1);

    /// <summary>6-connected, two threads.</summary>
    [Benchmark]
    public long Label6TwoThreads() => Label(1, 2);

    /// <summary>26-connected, two threads.</summary>
    [Benchmark]
    public long Label26TwoThreads() => Label(3, 2);

    /// <inheritdoc/>
    protected override void SetupOutputs() => _labels = NdArray<uint>.Allocate(Shape.Extents);

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _labels.Dispose();

    private long Label(int connectivity, int threads) =>
        ConnectedComponents.Label(Volume.AsSpan3D().AsReadOnly(), T.CreateTruncating(SampleVolumes.Threshold), _labels.AsSpan3D(), connectivity, 0u, threads);
}
