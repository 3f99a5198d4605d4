using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C exports of the Gaussian filter family (<see cref="GaussianFilters"/>): scipy.ndimage semantics on 2D or 3D
/// arrays of any element type, written to a caller-allocated float32 or float64 output that sets the working
/// precision. Inputs of another type or layout are converted into scratch first; an output that overlaps the input
/// (in place) makes the input be copied before the kernel runs.
/// </summary>
public static unsafe class Filters
{
    /// <summary>bk_gaussian_smoothing: scipy.ndimage.gaussian_filter(input, sigma, mode, cval, truncate).</summary>
    /// <param name="input">2D or 3D array of any element type.</param>
    /// <param name="output">float32 or float64 array of the input's shape (may be the input itself).</param>
    /// <param name="sigma">One σ per input axis (≥ 0; 0 leaves that axis unfiltered).</param>
    /// <param name="mode">Border mode code (BK_MODE_*).</param>
    /// <param name="cval">The value beyond the edges for BK_MODE_CONSTANT.</param>
    /// <param name="truncate">Kernel reach in σ (scipy's 4.0).</param>
    /// <param name="threads">0 = all cores.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_gaussian_smoothing")]
    public static int GaussianSmoothing(NativeArray* input, NativeArray* output, double* sigma, int mode, double cval, double truncate, int threads) =>
        Run(default(Smoothing), input, output, channels: false, sigma, mode, cval, truncate, threads);

    /// <summary>bk_gaussian_gradient_magnitude: scipy.ndimage.gaussian_gradient_magnitude; arguments as <see cref="GaussianSmoothing"/> (σ &gt; 0 on every axis).</summary>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_gaussian_gradient_magnitude")]
    public static int GaussianGradientMagnitude(NativeArray* input, NativeArray* output, double* sigma, int mode, double cval, double truncate, int threads) =>
        Run(default(GradientMagnitude), input, output, channels: false, sigma, mode, cval, truncate, threads);

    /// <summary>bk_laplacian_of_gaussian: scipy.ndimage.gaussian_laplace; arguments as <see cref="GaussianSmoothing"/> (σ &gt; 0 on every axis).</summary>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_laplacian_of_gaussian")]
    public static int LaplacianOfGaussian(NativeArray* input, NativeArray* output, double* sigma, int mode, double cval, double truncate, int threads) =>
        Run(default(Laplacian), input, output, channels: false, sigma, mode, cval, truncate, threads);

    /// <summary>
    /// bk_hessian_of_gaussian_eigenvalues: eigenvalues of the Hessian of Gaussian, largest first, into a channel-first
    /// output of shape (ndim, *input shape); other arguments as <see cref="GaussianSmoothing"/> (σ &gt; 0 on every axis).
    /// </summary>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_hessian_of_gaussian_eigenvalues")]
    public static int HessianOfGaussianEigenvalues(NativeArray* input, NativeArray* output, double* sigma, int mode, double cval, double truncate, int threads) =>
        Run(default(HessianEigenvalues), input, output, channels: true, sigma, mode, cval, truncate, threads);

    /// <summary>
    /// bk_structure_tensor_eigenvalues: eigenvalues of the structure tensor (gradient at the inner σ, products smoothed
    /// at the outer σ), largest first, into a channel-first output of shape (ndim, *input shape).
    /// </summary>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_structure_tensor_eigenvalues")]
    public static int StructureTensorEigenvalues(NativeArray* input, NativeArray* output, double* innerSigma, double* outerSigma, int mode, double cval, double truncate, int threads)
    {
        try
        {
            var call = FilterCall.Create(input, output, channels: true, innerSigma, mode, cval, truncate);
            call.Run(new StructureTensor(FilterCall.Scales(outerSigma, call.Options.Rank, nameof(outerSigma))), threads);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    /// <summary>
    /// bk_difference_of_gaussians: smoothing at <paramref name="lowSigma"/> minus smoothing at
    /// <paramref name="highSigma"/> (skimage.filters.difference_of_gaussians without its rescaling of integer images).
    /// </summary>
    /// <returns>A status code (BK_OK on success).</returns>
    [System.Runtime.InteropServices.UnmanagedCallersOnly(EntryPoint = "bk_difference_of_gaussians")]
    public static int DifferenceOfGaussians(NativeArray* input, NativeArray* output, double* lowSigma, double* highSigma, int mode, double cval, double truncate, int threads)
    {
        try
        {
            var call = FilterCall.Create(input, output, channels: false, lowSigma, mode, cval, truncate);
            var high = FilterCall.Scales(highSigma, call.Options.Rank, nameof(highSigma));
            var low = call.Options.Sigma;
            if (high.Z < low.Z || high.Y < low.Y || high.X < low.X)
            {
                throw new ArgumentException($"highSigma {high} must be at least lowSigma {low} on every axis.", nameof(highSigma));
            }

            call.Run(new Difference(high), threads);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    /// <summary>Checks the arguments and runs <paramref name="filter"/>; turns every failure into a status code.</summary>
    private static int Run<TFilter>(TFilter filter, NativeArray* input, NativeArray* output, bool channels, double* sigma, int mode, double cval, double truncate, int threads)
        where TFilter : struct, IGaussianFilter
    {
        try
        {
            FilterCall.Create(input, output, channels, sigma, mode, cval, truncate).Run(filter, threads);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    private readonly struct Smoothing : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.GaussianSmoothing(input, outputs[0], options, default, threads);
    }

    private readonly struct GradientMagnitude : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.GaussianGradientMagnitude(input, outputs[0], options, default, threads);
    }

    private readonly struct Laplacian : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.LaplacianOfGaussian(input, outputs[0], options, default, threads);
    }

    private readonly struct HessianEigenvalues : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.HessianOfGaussianEigenvalues(input, outputs, options, default, threads);
    }

    private readonly struct StructureTensor(AxisScales outerSigma) : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.StructureTensorEigenvalues(input, outputs, options, outerSigma, default, threads);
    }

    private readonly struct Difference(AxisScales highSigma) : IGaussianFilter
    {
        public void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T> =>
            GaussianFilters.DifferenceOfGaussians(input, outputs[0], options, highSigma, default, threads);
    }
}

/// <summary>One Gaussian filter kernel applied to a working-precision input and its output view(s).</summary>
internal interface IGaussianFilter
{
    /// <summary>Runs the kernel: one output, or one per eigenvalue for the eigenvalue filters.</summary>
    void Apply<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> outputs, in FilterOptions options, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>;
}

/// <summary>The checked arguments of a Gaussian filter export: input, output, scale and border.</summary>
internal sealed unsafe class FilterCall
{
    private readonly ArrayView _input;
    private readonly ArrayView _output;
    private readonly bool _channels;

    private FilterCall(ArrayView input, ArrayView output, bool channels, FilterOptions options)
    {
        _input = input;
        _output = output;
        _channels = channels;
        Options = options;
    }

    /// <summary>σ, rank (the input's ndim), border mode, cval and truncate.</summary>
    public FilterOptions Options { get; }

    /// <summary>
    /// Checks the arrays (2D/3D input; float32/float64 output of the input's shape, or channel-first
    /// (ndim, *shape) when <paramref name="channels"/>) and reads one σ per input axis.
    /// </summary>
    public static FilterCall Create(NativeArray* input, NativeArray* output, bool channels, double* sigma, int mode, double cval, double truncate)
    {
        var source = ArrayView.From(input, nameof(input)).RequireNDim(2, 3);
        var target = ArrayView.From(output, nameof(output)).RequireDType(ElementType.Float32, ElementType.Float64);
        long[] expected = channels ? [source.NDim, .. source.Shape] : source.Shape;
        target.RequireShape(expected, channels ? "one channel per axis, then the input's shape" : "the input's shape");
        var options = new FilterOptions(Scales(sigma, source.NDim, nameof(sigma)), source.NDim, BorderModes.FromCode(mode), cval, truncate);
        options.Validate();
        if (!(truncate > 0) || !double.IsFinite(truncate))
        {
            throw new ArgumentOutOfRangeException(nameof(truncate), truncate, "truncate must be positive and finite.");
        }

        return new FilterCall(source, target, channels, options);
    }

    /// <summary>Reads <paramref name="rank"/> values from <paramref name="values"/> as (z, y, x) scales (2D: z = 0).</summary>
    public static AxisScales Scales(double* values, int rank, string name)
    {
        if (values == null)
        {
            throw new ArgumentNullException(name, $"{name} is NULL; pass one value per input axis.");
        }

        for (int axis = 0; axis < rank; axis++)
        {
            if (!(values[axis] >= 0) || !double.IsFinite(values[axis]))
            {
                throw new ArgumentOutOfRangeException(name, values[axis], $"{name}[{axis}] must be finite and non-negative.");
            }
        }

        return rank == 3 ? new AxisScales(values[0], values[1], values[2]) : new AxisScales(0, values[0], values[1]);
    }

    /// <summary>Runs <paramref name="filter"/> in the output's precision with <paramref name="threads"/> (0 = all cores).</summary>
    public void Run<TFilter>(TFilter filter, int threads)
        where TFilter : struct, IGaussianFilter
    {
        int parallelism = Threads.Resolve(threads);
        if (_output.DType == ElementType.Float64)
        {
            Run<double, TFilter>(filter, parallelism);
        }
        else
        {
            Run<float, TFilter>(filter, parallelism);
        }
    }

    private void Run<T, TFilter>(TFilter filter, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
        where TFilter : struct, IGaussianFilter
    {
        if (_input.Count == 0)
        {
            return;
        }

        using var input = _input.Read<T>(copy: _input.Overlaps(_output));
        var outputs = _channels ? [.. Enumerable.Range(0, _input.NDim).Select(c => _output.At(c))] : new[] { _output };
        var buffers = outputs.Select(o => o.Writable<T>()).ToArray();
        try
        {
            var views = buffers.Select(b => b.Volume).ToArray();
            filter.Apply(input.Volume, views, Options, threads);
            for (int c = 0; c < outputs.Length; c++)
            {
                outputs[c].Write(buffers[c]);
            }
        }
        finally
        {
            foreach (var buffer in buffers)
            {
                buffer.Dispose();
            }
        }
    }
}

/// <summary>The ABI's border mode codes (BK_MODE_*), in <see cref="BorderMode"/>'s order.</summary>
internal static class BorderModes
{
    /// <summary>The border mode of code <paramref name="mode"/>; throws for an unknown code.</summary>
    public static BorderMode FromCode(int mode) => Enum.IsDefined((BorderMode)mode)
        ? (BorderMode)mode
        : throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be 0 (reflect), 1 (mirror), 2 (nearest), 3 (constant) or 4 (wrap).");
}
