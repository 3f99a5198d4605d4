using BioImage.Kernels;
using BioImage.Operations;

namespace BioImage.Filters.Sample;

/// <summary>
/// A per-tile segmentation for <c>bioimage stitch-segmentation</c>: the connected components of
/// <c>input &gt; Threshold</c> (<c>scipy.ndimage.label(tile &gt; threshold, structure)</c>), labelled 1..n in raster order.
/// Run it with <c>bioimage stitch-segmentation raw.npy out.zarr --assembly BioImage.Filters.Sample.dll --set
/// Threshold=0.5 --tile-shape 32,32,32 --overlap 4</c>.
/// </summary>
public sealed class ThresholdComponents : TileSegmenter
{
    /// <summary>Voxels above it are foreground.</summary>
    public double Threshold { get; set; }

    /// <summary>1 (faces), 2 (and edges) or 3 (and corners), as scipy's <c>generate_binary_structure(3, connectivity)</c>.</summary>
    public int Connectivity { get; set; } = 1;

    /// <inheritdoc />
    protected override void Segment<T>(ReadOnlySpan3D<T> input, Span3D<ulong> labels, long tileId) =>
        ConnectedComponents.Label(input, T.CreateSaturating(Threshold), labels, Connectivity);
}

/// <summary>
/// <see cref="ThresholdComponents"/> that fails on tile <see cref="FailingTile"/> while the file <see cref="FailWhile"/>
/// exists — the fault drills' way to break a run in the middle and finish it with <c>--resume-from</c>.
/// </summary>
public sealed class FailingThresholdComponents : TileSegmenter
{
    /// <summary>Voxels above it are foreground.</summary>
    public double Threshold { get; set; }

    /// <summary>The tile that fails.</summary>
    public long FailingTile { get; set; }

    /// <summary>The tile fails while this file exists.</summary>
    public string FailWhile { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void Segment<T>(ReadOnlySpan3D<T> input, Span3D<ulong> labels, long tileId)
    {
        if (tileId == FailingTile && File.Exists(FailWhile))
        {
            throw new InvalidOperationException($"tile {tileId} fails while {FailWhile} exists");
        }

        ConnectedComponents.Label(input, T.CreateSaturating(Threshold), labels);
    }
}
