using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's ResizedSource: the wrapped source (1–3 axes) resized to <see cref="Shape"/> — output voxel o samples
/// input position o·in/out per axis (no half-voxel centring), spline order 0–5 with scipy's B-spline prefilter
/// ("mirror" border), optionally Gaussian anti-aliased first (skimage's σ = max(0, (in/out − 1)/2)). Every read
/// fetches only <see cref="ResizePlan.InputRegion"/> of its box — the exact halo of the resampling kernels — so any
/// region reads bit for bit what a whole-volume resize gives there. Order 0 without anti-aliasing picks input voxels
/// and keeps the dtype (label-safe, bool included); otherwise the result is float32 (float64 input stays float64).
/// Chunks are the wrapped chunks scaled, <c>max(1, ceil(c·out/in))</c>. Read-only. O(region voxels · taps) per read.
/// </summary>
public sealed class ResizedSource : WrapperSource
{
    /// <summary>Wraps <paramref name="inner"/>, resized to <paramref name="shape"/>.</summary>
    /// <param name="inner">The source to resize (1 to 3 axes).</param>
    /// <param name="shape">Target extent per axis (each ≥ 1).</param>
    /// <param name="order">Spline order 0 (nearest) to 5.</param>
    /// <param name="antiAliasing">Smooth where an axis shrinks before sampling.</param>
    public ResizedSource(ISource inner, IReadOnlyList<long> shape, int order = 0, bool antiAliasing = false)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int rank = inner.Shape.Count;
        if (rank is < 1 or > 3 || shape.Count != rank || shape.Any(e => e < 1) || inner.Shape.Any(e => e < 1))
        {
            throw new ArgumentException($"resized needs a 1D to 3D source with positive extents and one positive target extent per axis; got source ({string.Join(", ", inner.Shape)}) and shape ({string.Join(", ", shape)}).", nameof(shape));
        }

        if (order is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "The spline order of resized must be 0 to 5.");
        }

        Shape = shape.ToArray();
        Order = order;
        AntiAliasing = antiAliasing;
        Plan = new ResizePlan(BlockData.Pad([.. inner.Shape], fill: 1), BlockData.Pad([.. Shape], fill: 1), order, antiAliasing);
        DType = PicksVoxels ? inner.DType : BlockData.WorkingType(inner.DType);
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public override DType DType { get; }

    /// <summary>Spline order 0–5.</summary>
    public int Order { get; }

    /// <summary>Whether shrinking axes are smoothed before sampling.</summary>
    public bool AntiAliasing { get; }

    /// <summary>Order 0 without anti-aliasing: reads copy input voxels in their own dtype.</summary>
    private bool PicksVoxels => Order == 0 && !AntiAliasing;

    /// <summary>The resampling plan (weight tables shared by every read).</summary>
    public ResizePlan Plan { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long>? Chunks => Inner.Chunks?.Select((chunk, axis) => Math.Max(1, (long)Math.Ceiling((double)chunk * Shape[axis] / Inner.Shape[axis]))).ToArray();

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("resized", ("shape", Shape), ("order", Order), ("anti_aliasing", AntiAliasing));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        Check<T>(region, destination.Depth, destination.Height, destination.Width);
        if (region.IsEmpty)
        {
            return;
        }

        var (begin, end) = Plan.InputRegion(BlockData.Pad(region.Begin), BlockData.Pad(region.End, fill: 1));
        long[] begins = [begin.Z, begin.Y, begin.X], ends = [end.Z, end.Y, end.X];
        int skip = 3 - region.Rank;
        var inputRegion = new Region(begins.AsSpan(skip), ends.AsSpan(skip));
        using var result = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
        var output = BlockData.Folded(result);
        var outputOrigin = BlockData.Pad(region.Begin);
        if (PicksVoxels)
        {
            using var data = BlockData.Read<T>(Inner, inputRegion);
            Resampling.ResizeNearest(BlockData.Folded(data), begin, output, outputOrigin, Plan);
        }
        else if (typeof(T) == typeof(double))
        {
            Interpolate<double>(inputRegion, begin, BlockData.Folded((NdArray<double>)(object)result), outputOrigin);
        }
        else
        {
            Interpolate<float>(inputRegion, begin, BlockData.Folded((NdArray<float>)(object)result), outputOrigin);
        }

        new ReadOnlySpan3D<T>(result.Span, destination.Depth, destination.Height, destination.Width).CopyTo(destination);
    }

    private void Interpolate<TFloat>(Region inputRegion, Index3 inputOrigin, Memory3D<TFloat> output, Index3 outputOrigin)
        where TFloat : unmanaged, System.Numerics.IFloatingPointIeee754<TFloat>, System.Numerics.IMinMaxValue<TFloat>
    {
        using var data = BlockData.ReadAs<TFloat>(Inner, inputRegion);
        Resampling.Resize(BlockData.Folded(data), inputOrigin, output, outputOrigin, Plan);
    }
}
