using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>The Gaussian filters an operation can apply (bioimage-py's filter names plus difference of Gaussians).</summary>
public enum GaussianFilter
{
    /// <summary>scipy.ndimage.gaussian_filter.</summary>
    GaussianSmoothing,

    /// <summary>scipy.ndimage.gaussian_gradient_magnitude.</summary>
    GaussianGradientMagnitude,

    /// <summary>scipy.ndimage.gaussian_laplace.</summary>
    LaplacianOfGaussian,

    /// <summary>Eigenvalues of the Hessian of Gaussian, largest first (one channel per axis).</summary>
    HessianOfGaussianEigenvalues,

    /// <summary>Eigenvalues of the structure tensor (inner σ, outer σ), largest first (one channel per axis).</summary>
    StructureTensorEigenvalues,

    /// <summary>skimage.filters.difference_of_gaussians: smoothing at σ minus smoothing at the high σ.</summary>
    DifferenceOfGaussians,
}

/// <summary>
/// Block step of <c>filter</c> (bioimage-py's apply_filter): reads the block's outer region — the inner block plus
/// the filter's exact kernel reach (<see cref="GetHalo"/>) — converts it to float32 (float64 stays float64), runs the
/// <see cref="GaussianFilters"/> kernel for the inner block and writes it. The eigenvalue filters write a leading
/// channel axis (channel-first, one channel per spatial axis, largest eigenvalue first) unless
/// <see cref="ReturnChannel"/> picks one. Because the kernels apply the border mode only at the volume's edges and
/// the halo is their real radius, the block-wise result equals the whole-volume result bit for bit.
/// With a mask, out-of-mask output voxels keep their previous value (as with copy): the filter still sees the whole
/// input, only the write is masked. Works on 2D (plane filters on y, x) and 3D data. O(block voxels · kernel taps).
/// </summary>
public sealed class GaussianFilterOperation : BlockOperation
{
    /// <summary>The filter to apply.</summary>
    public GaussianFilter Filter { get; set; }

    /// <summary>σ in voxels: one value for every axis, or one per axis (z, y, x) / (y, x).</summary>
    public double[] Sigma { get; set; } = [1];

    /// <summary>Structure tensor: the outer (integration) σ (required). Difference of Gaussians: the high σ (default 1.6·σ).</summary>
    public double[]? OuterSigma { get; set; }

    /// <summary>For the eigenvalue filters: write only this channel (0 = largest eigenvalue), with no channel axis.</summary>
    public int? ReturnChannel { get; set; }

    /// <summary>True for the filters with one output channel per spatial axis.</summary>
    public bool IsMultiChannel => Filter is GaussianFilter.HessianOfGaussianEigenvalues or GaussianFilter.StructureTensorEigenvalues;

    /// <summary>The output shape for an input of <paramref name="inputShape"/>: channel-first for multi-channel filters.</summary>
    public long[] OutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        Validate(inputShape.Count);
        return IsMultiChannel && ReturnChannel is null ? [inputShape.Count, .. inputShape] : [.. inputShape];
    }

    /// <summary>The output element type for an input of <paramref name="input"/>: float64 stays float64, all else float32.</summary>
    public static DType OutputDType(DType input) => BlockData.WorkingType(input);

    /// <summary>Throws unless the parameters fit data of <paramref name="rank"/> axes.</summary>
    public void Validate(int rank)
    {
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"Gaussian filters need 2D or 3D data; the input has {rank} axes.", nameof(rank));
        }

        Options(rank).Validate();
        if (Filter == GaussianFilter.StructureTensorEigenvalues && OuterSigma is null)
        {
            throw new ArgumentException("structure_tensor_eigenvalues needs the outer scale (OuterSigma, --outer-scale).");
        }

        if (OuterSigma is not null)
        {
            if (Filter is not (GaussianFilter.StructureTensorEigenvalues or GaussianFilter.DifferenceOfGaussians))
            {
                throw new ArgumentException($"The outer scale applies to structure_tensor_eigenvalues and difference_of_gaussians, not {Filter}.");
            }

            (Options(rank) with { Sigma = Scales(OuterSigma, rank, nameof(OuterSigma)) }).Validate();
        }

        if (ReturnChannel is { } channel && (!IsMultiChannel || channel < 0 || channel >= rank))
        {
            throw new ArgumentException(IsMultiChannel
                ? $"The return channel {channel} is invalid: it must be 0 to {rank - 1} for {rank}D data."
                : $"{Filter} has a single channel; the return channel applies to the eigenvalue filters.");
        }
    }

    /// <inheritdoc />
    public override long[] GetHalo(int rank)
    {
        Validate(rank);
        var options = Options(rank);
        var halo = Filter switch
        {
            GaussianFilter.StructureTensorEigenvalues => GaussianFilters.StructureTensorHalo(options, SecondScale(rank)),
            GaussianFilter.DifferenceOfGaussians => GaussianFilters.DifferenceOfGaussiansHalo(options, SecondScale(rank)),
            _ => options.Radius,
        };
        long[] all = [halo.Z, halo.Y, halo.X];
        return all[(3 - rank)..];
    }

    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (BlockData.WorkingType(block.Inputs[0].DType) == DType.Float64)
        {
            Run<double>(block);
        }
        else
        {
            Run<float>(block);
        }
    }

    private void Run<T>(BlockContext block)
        where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
    {
        var (outer, inner) = (block.Block.Outer, block.Block.Inner);
        int rank = inner.Rank;
        var options = Options(rank);
        using var input = BlockData.ReadAs<T>(block.Inputs[0], outer);
        var view = BlockData.Folded(input);
        var origin = BlockData.Pad(inner.RelativeTo(outer).Begin);
        bool channels = IsMultiChannel && ReturnChannel is null;
        int[] innerShape = inner.GetShapeAsInt32();
        using var result = NdArray<T>.Allocate(channels ? [rank, .. innerShape] : innerShape, clear: false);
        var output = BlockData.Folded(result);
        switch (Filter)
        {
            case GaussianFilter.GaussianSmoothing:
                GaussianFilters.GaussianSmoothing(view, output, options, origin, block.Threads);
                break;
            case GaussianFilter.GaussianGradientMagnitude:
                GaussianFilters.GaussianGradientMagnitude(view, output, options, origin, block.Threads);
                break;
            case GaussianFilter.LaplacianOfGaussian:
                GaussianFilters.LaplacianOfGaussian(view, output, options, origin, block.Threads);
                break;
            case GaussianFilter.DifferenceOfGaussians:
                GaussianFilters.DifferenceOfGaussians(view, output, options, SecondScale(rank), origin, block.Threads);
                break;
            case GaussianFilter.HessianOfGaussianEigenvalues:
                GaussianFilters.HessianOfGaussianEigenvalues(view, ChannelViews(output, rank, channels), options, origin, block.Threads);
                break;
            case GaussianFilter.StructureTensorEigenvalues:
                GaussianFilters.StructureTensorEigenvalues(view, ChannelViews(output, rank, channels), options, SecondScale(rank), origin, block.Threads);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), Filter, "Unknown filter.");
        }

        var target = channels ? new Region([0, .. inner.Begin], [rank, .. inner.End]) : inner;
        if (block.Mask is { } mask)
        {
            MaskFlags.KeepOutside(mask, inner, block.Outputs[0], target, result);
        }

        BlockData.Write(block.Outputs[0], target, result);
    }

    /// <summary>One view per eigenvalue: the channel planes of <paramref name="output"/>, or only the returned channel.</summary>
    private Memory3D<T>[] ChannelViews<T>(Memory3D<T> output, int rank, bool channels)
    {
        int depth = channels ? output.Depth / rank : output.Depth;
        var views = new Memory3D<T>[rank];
        for (int channel = 0; channel < rank; channel++)
        {
            views[channel] = channels
                ? output.Slice(channel * depth, 0, 0, depth, output.Height, output.Width)
                : channel == ReturnChannel ? output : default;
        }

        return views;
    }

    private FilterOptions Options(int rank) => new(Scales(Sigma, rank, nameof(Sigma)), Rank: rank);

    private AxisScales SecondScale(int rank) => OuterSigma is { } outer
        ? Scales(outer, rank, nameof(OuterSigma))
        : Filter == GaussianFilter.DifferenceOfGaussians
            ? Scales([.. Sigma.Select(s => 1.6 * s)], rank, nameof(Sigma))
            : throw new ArgumentException("structure_tensor_eigenvalues needs the outer scale (OuterSigma, --outer-scale).");

    private static AxisScales Scales(double[] sigma, int rank, string name)
    {
        if (sigma is null || (sigma.Length != 1 && sigma.Length != rank))
        {
            throw new ArgumentException($"{name} needs one value or {rank} (one per axis); got {sigma?.Length ?? 0}.", name);
        }

        double Axis(int axis) => sigma.Length == 1 ? sigma[0] : axis < 3 - rank ? 0 : sigma[axis - (3 - rank)];
        return new AxisScales(Axis(0), Axis(1), Axis(2));
    }
}
