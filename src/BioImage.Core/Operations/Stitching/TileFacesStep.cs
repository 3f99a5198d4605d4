using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// The overlap pass of <see cref="StitchTiles"/> (bioimage-py's <c>stitch_tiled_segmentation</c>), one block per
/// tile: for each axis with a lower neighbour tile, this tile's first <see cref="Overlap"/> slab along the axis and the
/// neighbour's last slab below it (over this tile's extent on the other axes) are compared position by position —
/// voxel pairs <see cref="Overlap"/> apart along the axis, a translation, not a mirror; with overlap 1 exactly the
/// face-adjacent pairs — and give <see cref="OverlapRows"/> (this tile's label, the neighbour's, the fraction of this
/// tile's object in its slab), label 0 included. A slab cut short by the volume's end (a tile thinner than the
/// overlap) differs in shape from the neighbour's and is skipped.
/// </summary>
public sealed class TileFacesStep : ReduceOperation<OverlapRows>
{
    /// <summary>The slab thickness (≥ 1, at most the tile shape on every axis).</summary>
    public long Overlap { get; set; } = 1;

    /// <inheritdoc />
    public override OverlapRows Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.DispatchInteger(new Faces(block, Overlap), "stitch-tiles' input");
    }

    private sealed class Faces(BlockContext block, long overlap) : IIntegerDTypeFunc<OverlapRows>
    {
        public OverlapRows Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var input = block.Inputs[0];
            var tile = block.Block.Inner;
            var rows = new List<OverlapRows>();
            for (int axis = 0; axis < tile.Rank; axis++)
            {
                if (tile.Begin[axis] == 0)
                {
                    continue;
                }

                long[] begin = [.. tile.Begin], end = [.. tile.End];
                end[axis] = Math.Min(tile.Begin[axis] + overlap, input.Shape[axis]);
                var own = new Region(begin, end);
                begin[axis] = tile.Begin[axis] - overlap;
                end[axis] = tile.Begin[axis];
                var below = new Region(begin, end);
                if (!own.Shape.SequenceEqual(below.Shape))
                {
                    continue;
                }

                using var mine = BlockData.Read<T>(input, own);
                using var theirs = BlockData.Read<T>(input, below);
                rows.Add(OverlapRows.Of<T, T>(mine.Span, theirs.Span));
            }

            return OverlapRows.Concat(rows);
        }
    }
}
