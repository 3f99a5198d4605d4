using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's RoiSource: the sub-volume <c>[begin, end)</c> of another source, in its own coordinates. Writable when
/// the wrapped source is (writes land in the wrapped source); chunks are the wrapped chunks clipped to the extent.
/// </summary>
public sealed class RoiSource : WrapperSource
{
    /// <summary>Wraps <paramref name="inner"/>; <paramref name="roi"/> must lie inside it.</summary>
    public RoiSource(ISource inner, Region roi)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(roi);
        if (roi.Rank != inner.Shape.Count || !Region.FromShape(inner.Shape.ToArray()).Contains(roi))
        {
            throw new ArgumentOutOfRangeException(nameof(roi), $"The roi {roi} is not inside the source of shape ({string.Join(", ", inner.Shape)}).");
        }

        Roi = roi;
        Shape = roi.Shape.ToArray();
    }

    /// <summary>The sub-volume, in the wrapped source's coordinates.</summary>
    public Region Roi { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long>? Chunks => Inner.Chunks?.Select((chunk, axis) => Math.Min(chunk, Math.Max(1, Shape[axis]))).ToArray();

    /// <inheritdoc />
    public override bool Writable => Inner.Writable;

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("roi", ("begin", Roi.Begin.ToArray()), ("end", Roi.End.ToArray()));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        Check<T>(region, destination.Depth, destination.Height, destination.Width);
        Inner.Read(Shift(region), destination);
    }

    /// <inheritdoc />
    public override void Write<T>(Region region, ReadOnlySpan3D<T> source)
    {
        Check<T>(region, source.Depth, source.Height, source.Width);
        Inner.Write(Shift(region), source);
    }

    private Region Shift(Region region)
    {
        var begin = new long[region.Rank];
        for (int axis = 0; axis < begin.Length; axis++)
        {
            begin[axis] = region.Begin[axis] + Roi.Begin[axis];
        }

        return Region.FromBeginAndShape(begin, region.Shape);
    }
}
