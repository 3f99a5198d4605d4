using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Resampling;

/// <summary>
/// <see cref="Kernels.Resampling.Resize{T}(ReadOnlyMemory3D{T}, Memory3D{T}, ResizePlan, int)"/> of float32 to half
/// the size (ceil) into a reused output, plans built once: linear with skimage-style anti-aliasing (the pyramid's
/// image path) and cubic B-spline (scipy's prefilter).
/// </summary>
[BenchmarkCategory("Resampling")]
public class ResizeBenchmarks : VolumeBenchmarks<float>
{
    private ResizePlan _linear = null!;
    private ResizePlan _cubic = null!;
    private NdArray<float> _output = null!;

    /// <summary>Degree of parallelism handed to the kernel.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Order 1, anti-aliasing σ = 0.5 per axis; returns the last voxel.</summary>
    [Benchmark]
    public float LinearAntiAliased() => Run(_linear);

    /// <summary>Order 3 with the B-spline prefilter, no anti-aliasing.</summary>
    [Benchmark]
    public float Cubic() => Run(_cubic);

    /// <inheritdoc/>
    protected override void SetupOutputs()
    {
        var input = new Index3(Shape.Depth, Shape.Height, Shape.Width);
        var half = Kernels.Resampling.PooledShape(input, new Index3(2, 2, 2));
        _linear = new ResizePlan(input, half, order: 1, antiAliasing: true);
        _cubic = new ResizePlan(input, half, order: 3);
        _output = NdArray<float>.Allocate([half.Z, half.Y, half.X]);
    }

    /// <inheritdoc/>
    protected override void CleanupOutputs() => _output.Dispose();

    private float Run(ResizePlan plan)
    {
        var shape = plan.OutputShape;
        Kernels.Resampling.Resize(new ReadOnlyMemory3D<float>(Volume.Memory, Shape.Depth, Shape.Height, Shape.Width), new Memory3D<float>(_output.Memory, shape.Z, shape.Y, shape.X), plan, Threads);
        return _output.Span[^1];
    }
}
