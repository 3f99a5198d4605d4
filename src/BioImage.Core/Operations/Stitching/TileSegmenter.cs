using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Operations;

/// <summary>
/// The per-tile segmentation of bioimage-py's <c>stitch_segmentation</c> (its <c>segmentation_function(tile_input,
/// tile_id)</c>) for user code: <see cref="StitchSegmentation"/> hands every tile of the input, grown by the tile
/// overlap on every side (clamped to the volume), to <see cref="Segment{T}"/>, then stitches the tiles' labels by a
/// multicut over their overlaps.
/// </summary>
/// <remarks>
/// Subclass it in your own assembly — a public type with a public parameterless constructor whose parameters are
/// public read/write properties (they travel to worker processes as JSON) — and run it with
/// <c>bioimage stitch-segmentation INPUT OUT --assembly LIB.dll --segmenter TYPE --set NAME=VALUE</c> or
/// <see cref="StitchSegmentation.Of"/>. Workers load the class from its library by type name, as they load a
/// <see cref="SegmentationFilter"/>. Each tile gets a fresh instance, so <see cref="Segment{T}"/> need not be
/// thread-safe. Labels are any uint64 values; 0 is background when the stitching keeps a background.
/// </remarks>
public abstract class TileSegmenter
{
    /// <summary>Segments one haloed tile: writes a label for every voxel of <paramref name="labels"/> (which starts zeroed).</summary>
    /// <param name="input">The tile's input with its halo (leading axes folded into depth: a 2D tile has depth 1).</param>
    /// <param name="labels">The tile's labels, shaped like <paramref name="input"/>.</param>
    /// <param name="tileId">The tile's id (C order over the tile grid), for segmentations that depend on the tile.</param>
    /// <typeparam name="T">The input's element type (bool as byte).</typeparam>
    protected abstract void Segment<T>(ReadOnlySpan3D<T> input, Span3D<ulong> labels, long tileId)
        where T : unmanaged, INumber<T>;

    /// <summary>Runs <see cref="Segment{T}"/> (for the stitching step, which is not a subclass).</summary>
    internal void SegmentTile<T>(ReadOnlySpan3D<T> input, Span3D<ulong> labels, long tileId)
        where T : unmanaged, INumber<T> =>
        Segment(input, labels, tileId);
}
