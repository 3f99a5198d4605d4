using System.Numerics;
using BenchmarkDotNet.Attributes;
using BioImage.Kernels;

namespace BioImage.Benchmarks.Filters;

/// <summary>
/// <see cref="GaussianFilters"/> at σ = 2 (17 taps, scipy's truncate 4) into reused outputs, on 1 and 2 threads:
/// smoothing, gradient magnitude, Hessian eigenvalues (3 outputs), structure-tensor eigenvalues (σ 1, outer 2).
/// </summary>
/// <typeparam name="T">float32 (what every other dtype is converted to) or float64.</typeparam>
[BenchmarkCategory("Filters")]
[GenericTypeArguments(typeof(float))]
[GenericTypeArguments(typeof(double))]
public class GaussianFiltersBenchmarks<T> : VolumeBenchmarks<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly FilterOptions Sigma2 = new(AxisScales.Isotropic(2));
    private NdArray<T>[] _outputs = [];

    /// <summary>Degree of parallelism handed to the kernel.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>scipy.ndimage.gaussian_filter(σ = 2); returns the last voxel.</summary>
    [Benchmark]
    public T Smoothing()
    {
        GaussianFilters.GaussianSmoothing(Input, Output(0), Sigma2, degreeOfParallelism: Threads);
        return _outputs[0].Span[^1];
    }

    /// <summary>scipy.ndimage.gaussian_gradient_magnitude(σ = 2).</summary>
    [Benchmark]
    public T GradientMagnitude()
    {
        GaussianFilters.GaussianGradientMagnitude(Input, Output(0), Sigma2, degreeOfParallelism: Threads);
        return _outputs[0].Span[^1];
    }

    /// <summary>Hessian of Gaussian eigenvalues (σ = 2), all three channels.</summary>
    [Benchmark]
    public T HessianEigenvalues()
    {
        GaussianFilters.HessianOfGaussianEigenvalues(Input, [Output(0), Output(1), Output(2)], Sigma2, degreeOfParallelism: Threads);
        return _outputs[2].Span[^1];
    }

    /// <summary>Structure-tensor eigenvalues, inner σ 1, outer σ 2, all three channels.</summary>
    [Benchmark]
    public T StructureTensorEigenvalues()
    {
        GaussianFilters.StructureTensorEigenvalues(Input, [Output(0), Output(1), Output(2)], new FilterOptions(AxisScales.Isotropic(1)), AxisScales.Isotropic(2), degreeOfParallelism: Threads);
        return _outputs[2].Span[^1];
    }

    private ReadOnlyMemory3D<T> Input => new(Volume.Memory, Shape.Depth, Shape.Height, Shape.Width);

    private Memory3D<T> Output(int channel) => new(_outputs[channel].Memory, Shape.Depth, Shape.Height, Shape.Width);

    /// <inheritdoc/>
    protected override void SetupOutputs() => _outputs = [.. Enumerable.Range(0, 3).Select(_ => NdArray<T>.Allocate(Shape.Extents))];

    /// <inheritdoc/>
    protected override void CleanupOutputs()
    {
        foreach (var output in _outputs)
        {
            output.Dispose();
        }
    }
}
