using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's ExpandDimsSource: inserts an axis of extent 1 at <c>axis</c> (numpy <c>expand_dims</c>; negative axes
/// count from the end of the result). The result has at most three axes; the new axis has chunk 1.
/// </summary>
public sealed class ExpandDimsSource : WrapperSource
{
    /// <summary>Wraps <paramref name="inner"/> (1 or 2 axes).</summary>
    public ExpandDimsSource(ISource inner, int axis = 0)
        : base(inner)
    {
        int rank = inner.Shape.Count + 1;
        int normalized = axis < 0 ? axis + rank : axis;
        if (rank > 3 || normalized < 0 || normalized >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"expand_dims axis {axis} does not fit a source of {inner.Shape.Count} axes (the result must have at most 3).");
        }

        Axis = normalized;
        Shape = [.. inner.Shape.Take(normalized), 1, .. inner.Shape.Skip(normalized)];
    }

    /// <summary>Where the new axis is (non-negative).</summary>
    public int Axis { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long>? Chunks => Inner.Chunks is { } chunks ? [.. chunks.Take(Axis), 1, .. chunks.Skip(Axis)] : null;

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("expand_dims", ("axis", Axis));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        Check<T>(region, destination.Depth, destination.Height, destination.Width);
        var inner = new Region(
            [.. region.Begin[..Axis], .. region.Begin[(Axis + 1)..]],
            [.. region.End[..Axis], .. region.End[(Axis + 1)..]]);
        var innerBox = Box3.Of(inner);
        if (region.IsEmpty)
        {
            return;
        }

        // Both views hold the same elements in the same C order; only the padding to three axes differs.
        if (destination.TryGetSpan(out var contiguous))
        {
            Inner.Read(inner, new Span3D<T>(contiguous, innerBox.Depth, innerBox.Height, innerBox.Width));
            return;
        }

        using var data = NdArray<T>.Allocate([innerBox.Depth, innerBox.Height, innerBox.Width], clear: false);
        Inner.Read(inner, data.AsSpan3D());
        new ReadOnlySpan3D<T>(data.Span, destination.Depth, destination.Height, destination.Width).CopyTo(destination);
    }
}
