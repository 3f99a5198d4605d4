using System.Numerics;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Pass 1 of <see cref="StitchSegmentation"/> (bioimage-py's stage "stitch-segment"), one block per tile with the
/// overlap as halo: runs the user's <see cref="TileSegmenter"/> on the haloed tile, adds <c>tileId · OffsetFactor</c>
/// (uint64, wrapping as numpy's) to the nonzero labels — to every label without a background, so that tile 0's
/// label 0 stays 0 only then — stores the haloed tile in <see cref="TileStore"/> and returns the tile's distinct
/// labels.
/// </summary>
public sealed class SegmentTilesStep : ReduceOperation<SegmentedTile>
{
    /// <summary>The segmenter's class library (absolute path).</summary>
    public string Assembly { get; set; } = string.Empty;

    /// <summary>The segmenter's full type name.</summary>
    public string Segmenter { get; set; } = string.Empty;

    /// <summary>The segmenter's public properties as JSON.</summary>
    public JsonObject Parameters { get; set; } = [];

    /// <summary>The tile overlap (the halo), one value per axis.</summary>
    public long[] Overlap { get; set; } = [];

    /// <summary>The label offset per tile id: Π(tile shape + 2·overlap).</summary>
    public ulong OffsetFactor { get; set; }

    /// <summary>Label 0 is background: it is not offset.</summary>
    public bool WithBackground { get; set; } = true;

    /// <summary>The folder of the <see cref="TileStore"/>.</summary>
    public string Tiles { get; set; } = string.Empty;

    /// <inheritdoc />
    public override long[] GetHalo(int rank) => Overlap;

    /// <inheritdoc />
    public override SegmentedTile Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new Segment(this, block));
    }

    private sealed class Segment(SegmentTilesStep step, BlockContext block) : IDTypeFunc<SegmentedTile>
    {
        public SegmentedTile Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var tile = block.Block;
            var segmenter = UserTypes.Create<TileSegmenter>(step.Assembly, step.Segmenter, step.Parameters, "--segmenter", "segmenter");
            using var input = BlockData.Read<T>(block.Inputs[0], tile.Outer);
            using var labels = NdArray<ulong>.Allocate(input.Shape);
            segmenter.SegmentTile<T>(BlockData.Folded(input).Span, BlockData.Folded(labels).Span, tile.BlockId);
            ulong offset = unchecked((ulong)tile.BlockId * step.OffsetFactor);
            var values = labels.Span;
            for (int i = 0; i < values.Length; i++)
            {
                if (!step.WithBackground || values[i] != 0)
                {
                    values[i] = unchecked(values[i] + offset);
                }
            }

            TileStore.Save(step.Tiles, tile.BlockId, values);
            var halo = Unique.Values<ulong>(BlockData.Folded(labels).Span);
            var local = BlockData.Pad(tile.InnerLocal.Begin);
            var extent = BlockData.Pad(tile.InnerLocal.Shape, fill: 1);
            var inner = Unique.Values<ulong>(BlockData.Folded(labels).Span.Slice(local.Z, local.Y, local.X, extent.Z, extent.Y, extent.X));
            return new SegmentedTile(halo.Length > 0 && halo[0] == 0 ? halo[1..] : halo, inner);
        }
    }
}

/// <summary>Pass 1 of <see cref="StitchSegmentation"/> for one tile: its distinct offset labels.</summary>
/// <param name="Labels">The distinct nonzero labels of the haloed tile, sorted (bioimage-py's per-tile result).</param>
/// <param name="Inner">The distinct labels of the tile itself (0 included when present), sorted: those the pre-stitch volume holds.</param>
public sealed record SegmentedTile(ulong[] Labels, ulong[] Inner);
