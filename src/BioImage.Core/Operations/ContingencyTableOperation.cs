using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of the evaluation verbs: the <see cref="ContingencyTable"/> of a block of the segmentation (first input)
/// and the ground truth (second input), over the voxels inside the mask when one is given — bioimage-py's per-block
/// <c>segmentation_overlap(a, b).overlap_table()</c>. Tables of blocks merge exactly (<see cref="Merge"/>), so the
/// table does not depend on the block shape, backend or worker count; memory is proportional to the overlapping
/// pairs of a block, not its voxels.
/// </summary>
public sealed class ContingencyTableOperation : ReduceOperation<ContingencyBlock>
{
    /// <summary>The table of a segmentation and a ground truth (same shape, integer dtypes), block-wise on any backend: one reduce pass of <paramref name="run"/>.</summary>
    public static ContingencyTable Pass(OperationRun run, ISource seg, ISource gt)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(seg);
        var blocks = run.Reduce(new ContingencyTableOperation(), [seg, gt]);
        return Merge(blocks.Select(b => b.Value));
    }

    /// <summary>The table of the whole from the tables of its blocks.</summary>
    public static ContingencyTable Merge(IEnumerable<ContingencyBlock> blocks) =>
        ContingencyTable.Merge(blocks.Select(b => ContingencyTable.FromPairs(b.Seg, b.Gt, b.Counts)));

    /// <inheritdoc />
    public override ContingencyBlock Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var table = block.Inputs[0].DType.DispatchInteger(new SegTyped(block, block.Threads), "the segmentation");
        return new ContingencyBlock(table.SegLabels, table.GtLabels, table.Counts);
    }

    private sealed class SegTyped(BlockContext block, int threads) : IIntegerDTypeFunc<ContingencyTable>
    {
        public ContingencyTable Invoke<TSeg>()
            where TSeg : unmanaged, IBinaryInteger<TSeg>, IMinMaxValue<TSeg> =>
            block.Inputs[1].DType.DispatchInteger(new Count<TSeg>(block, threads), "the ground truth");
    }

    private sealed class Count<TSeg>(BlockContext block, int threads) : IIntegerDTypeFunc<ContingencyTable>
        where TSeg : unmanaged, IBinaryInteger<TSeg>
    {
        public ContingencyTable Invoke<TGt>()
            where TGt : unmanaged, IBinaryInteger<TGt>, IMinMaxValue<TGt>
        {
            using var voxels = MaskedPair<TSeg, TGt>.Read(block);
            return ContingencyTable.Count<TSeg, TGt>(voxels.First, voxels.Second, threads);
        }
    }
}

/// <summary>One block's contingency table: the pairs (segmentation, ground-truth label as uint64 bit patterns) sorted, and their voxel counts.</summary>
/// <param name="Seg">The segmentation label of each pair.</param>
/// <param name="Gt">The ground-truth label of each pair.</param>
/// <param name="Counts">The voxels of each pair.</param>
public sealed record ContingencyBlock(ulong[] Seg, ulong[] Gt, long[] Counts);
