using System.Numerics;
using BioImage.Kernels;
using BioImage.Kernels.Graphs;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// The graph pass of the stitching operations: the region adjacency graph's edges of one block — the face pairs
/// (p, p + e_axis) of the block's voxels p, read with a one-voxel upper halo (<see cref="EdgeAccumulation"/>) — so
/// that the merge of all blocks (<see cref="EdgeTable.Merge"/>) is the graph of the whole volume, in memory
/// proportional to its edges, not its voxels.
/// </summary>
public sealed class StitchGraphStep : ReduceOperation<BlockEdges>
{
    /// <inheritdoc />
    public override BlockEdges Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.DispatchInteger(new Edges(block), "the stitching graph's labels");
    }

    private sealed class Edges(BlockContext block) : IIntegerDTypeFunc<BlockEdges>
    {
        public BlockEdges Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var input = block.Inputs[0];
            var owned = block.Block.Inner;
            long[] end = [.. owned.End.ToArray().Select((e, axis) => Math.Min(e + 1, input.Shape[axis]))];
            using var labels = BlockData.Read<T>(input, new Region(owned.Begin, end));
            var table = EdgeAccumulation.Accumulate<T>(BlockData.Folded(labels).Span, BlockData.Pad(owned.Shape, fill: 1));
            return new BlockEdges(table.NodeCount, table.U, table.V, table.Sizes, table.DepthSizes);
        }
    }
}

/// <summary>One block's edges of the stitching graph (an <see cref="EdgeTable"/> without boundary statistics).</summary>
/// <param name="NodeCount">The block's largest label plus one.</param>
/// <param name="U">The smaller label of each edge (sorted by (u, v)).</param>
/// <param name="V">The larger label of each edge.</param>
/// <param name="Sizes">The face pairs of each edge.</param>
/// <param name="DepthSizes">Those along the first axis.</param>
public sealed record BlockEdges(long NodeCount, ulong[] U, ulong[] V, long[] Sizes, long[] DepthSizes)
{
    /// <summary>The graph of the whole volume from its blocks' edges.</summary>
    public static RegionAdjacencyGraph Merge(IEnumerable<BlockEdges> blocks) =>
        new(EdgeTable.Merge(blocks.Select(b => new EdgeTable(b.NodeCount, b.U, b.V, b.Sizes, b.DepthSizes))));
}
