namespace BioImage.Kernels;

/// <summary>
/// How a volume of <see cref="InputShape"/> is resized to <see cref="OutputShape"/>: spline order, anti-aliasing and
/// border mode, with the per-axis weight tables built once and shared by every block and thread.
/// </summary>
/// <remarks>
/// <para>Semantics: scipy.ndimage.affine_transform(input, diag(in/out), output_shape=out, order, mode, cval,
/// prefilter=True) — output voxel o samples input position o·in/out per axis (bioimage-py ResizedSource), with
/// scipy's modes "mirror", "reflect", "nearest", "grid-wrap" (<see cref="BorderMode.Wrap"/>) and "grid-constant"
/// (<see cref="BorderMode.Constant"/>). With anti-aliasing the input is first smoothed as skimage.transform.resize
/// does: σ = max(0, (in/out − 1)/2) per axis, truncate 4, same mode.</para>
/// <para>Block-wise: <see cref="InputRegion"/> is the exact input box an output box reads (its halo); a block computed
/// from at least that box equals the whole-volume result bit for bit.</para>
/// </remarks>
public sealed class ResizePlan
{
    private readonly ResampleAxis[] _axes;

    /// <summary>Plans a resize; an axis with equal input and output length and no smoothing is left untouched.</summary>
    /// <param name="inputShape">Input extent (z, y, x); 2D images have depth 1.</param>
    /// <param name="outputShape">Output extent (z, y, x).</param>
    /// <param name="order">Spline order 0 (nearest) to 5.</param>
    /// <param name="antiAliasing">Smooth before sampling where the axis shrinks (skimage's σ).</param>
    /// <param name="mode">Border extension; <see cref="BorderMode.Mirror"/> (scipy's spline_filter default) if not given.</param>
    /// <param name="cval">The value outside the input for <see cref="BorderMode.Constant"/>.</param>
    public ResizePlan(Index3 inputShape, Index3 outputShape, int order, bool antiAliasing = false, BorderMode mode = BorderMode.Mirror, double cval = 0)
    {
        if (order is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "Spline order must be 0 to 5.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown border mode.");
        }

        for (int axis = 0; axis < 3; axis++)
        {
            if (inputShape[axis] <= 0 || outputShape[axis] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(outputShape), $"Input extents must be positive and output extents non-negative; got input {inputShape}, output {outputShape}.");
            }
        }

        InputShape = inputShape;
        OutputShape = outputShape;
        Order = order;
        AntiAliasing = antiAliasing;
        Mode = mode;
        Cval = cval;
        AntiAliasingSigma = new AxisScales(Sigma(0), Sigma(1), Sigma(2));
        _axes = [.. Enumerable.Range(0, 3).Select(a => new ResampleAxis(inputShape[a], outputShape[a], order, AntiAliasingSigma[a], mode, cval))];

        double Sigma(int axis) => antiAliasing && outputShape[axis] > 0 ? Math.Max(0, (((double)inputShape[axis] / outputShape[axis]) - 1) / 2) : 0;
    }

    /// <summary>Extent of the whole input volume.</summary>
    public Index3 InputShape { get; }

    /// <summary>Extent of the whole output volume.</summary>
    public Index3 OutputShape { get; }

    /// <summary>Spline order 0–5.</summary>
    public int Order { get; }

    /// <summary>Whether the input is smoothed before sampling.</summary>
    public bool AntiAliasing { get; }

    /// <summary>The anti-aliasing σ per axis (0 where the axis does not shrink or anti-aliasing is off).</summary>
    public AxisScales AntiAliasingSigma { get; }

    /// <summary>Border extension.</summary>
    public BorderMode Mode { get; }

    /// <summary>The value outside the input for <see cref="BorderMode.Constant"/>.</summary>
    public double Cval { get; }

    /// <summary>True when the resize only picks input voxels (order 0 without anti-aliasing): exact for any element type.</summary>
    public bool IsNearest => Order == 0 && AntiAliasingSigma == default;

    internal ResampleAxis Axis(int axis) => _axes[axis];

    /// <summary>The input box [begin, end) (global coordinates) that the output box [begin, end) reads: its exact halo.</summary>
    public (Index3 Begin, Index3 End) InputRegion(Index3 outputBegin, Index3 outputEnd)
    {
        Span<int> begin = stackalloc int[3], end = stackalloc int[3];
        for (int axis = 0; axis < 3; axis++)
        {
            if (outputBegin[axis] < 0 || outputEnd[axis] > OutputShape[axis] || outputBegin[axis] > outputEnd[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(outputBegin), $"Output box [{outputBegin}, {outputEnd}) is outside the output shape {OutputShape}.");
            }

            (begin[axis], end[axis]) = _axes[axis].InputRange(outputBegin[axis], outputEnd[axis]);
        }

        return (new Index3(begin[0], begin[1], begin[2]), new Index3(end[0], end[1], end[2]));
    }
}
