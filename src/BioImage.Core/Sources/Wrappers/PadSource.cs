using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// bioimage-py's PadSource (mode "constant"): the wrapped source followed by <c>padAfter[axis]</c> voxels of 0 at the
/// end of each axis (numpy <c>np.pad(..., ((0, a0), (0, a1), …))</c>). Like upstream, padding before the start is not
/// supported.
/// </summary>
public sealed class PadSource : WrapperSource
{
    /// <summary>Wraps <paramref name="inner"/>, padding each axis at its end by <paramref name="padAfter"/>.</summary>
    public PadSource(ISource inner, IReadOnlyList<long> padAfter)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(padAfter);
        if (padAfter.Count != inner.Shape.Count || padAfter.Any(p => p < 0))
        {
            throw new ArgumentException($"pad_width needs one non-negative value per axis ({inner.Shape.Count}); got ({string.Join(", ", padAfter)}). Padding before the start is not supported.", nameof(padAfter));
        }

        PadAfter = padAfter.ToArray();
        Shape = inner.Shape.Select((extent, axis) => extent + padAfter[axis]).ToArray();
    }

    /// <summary>Voxels added at the end of each axis.</summary>
    public IReadOnlyList<long> PadAfter { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    protected override WrapperSpec Describe() => WrapperSpec.Of("pad", ("pad_width", PadAfter));

    /// <inheritdoc />
    public override void Read<T>(Region region, Span3D<T> destination)
    {
        var box = Check<T>(region, destination.Depth, destination.Height, destination.Width);
        var inside = region.Intersect(Region.FromShape(Inner.Shape.ToArray()));
        if (inside != region)
        {
            destination.Clear();
        }

        if (!inside.IsEmpty)
        {
            var part = Box3.Of(inside);
            Inner.Read(inside, destination.Slice((int)(part.Z - box.Z), (int)(part.Y - box.Y), (int)(part.X - box.X), part.Depth, part.Height, part.Width));
        }
    }
}
