using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>dice</c>: bioimage-py's <c>dice_score(seg, gt, threshold_seg, threshold_gt)</c> — the foreground dice of two
/// volumes of any numeric dtype, each binarised with <c>&gt; threshold</c> (default 0) or, without a threshold, taken
/// as raw values (soft dice of probability maps). Every block reduces to Σab, Σa, Σb (<see cref="DiceSums"/>, inside
/// the mask when one is given), the calling process adds them in block-id order, and the score is
/// 2Σab / (Σa + Σb + 1e-7): 0 for a run without foreground voxels (a fully masked run included).
/// </summary>
/// <remarks>
/// <see cref="Evaluation"/>'s table-based <c>dice</c> metric is this score with both thresholds 0 on integer labels;
/// this operation takes any dtype and threshold. With block ids the sums cover those blocks only.
/// </remarks>
public sealed class Dice : Operation<DiceResult>
{
    /// <summary>Segmentation foreground is <c>value &gt; ThresholdSeg</c> (default 0); null uses the raw values (soft dice).</summary>
    public double? ThresholdSeg { get; set; } = 0;

    /// <summary>Ground-truth foreground is <c>value &gt; ThresholdGt</c> (default 0); null uses the raw values.</summary>
    public double? ThresholdGt { get; set; } = 0;

    /// <inheritdoc />
    public override string Name => "dice";

    /// <summary>bioimage-py's <c>dice_score</c> of <paramref name="seg"/> against <paramref name="gt"/> (same shape, any numeric dtypes) block-wise on any backend.</summary>
    /// <exception cref="OperationRefusedException">The inputs or thresholds do not fit.</exception>
    public static DiceResult Compute(ISource seg, ISource gt, RunOptions options, double? thresholdSeg = 0, double? thresholdGt = 0) =>
        Executor.Compute(new Dice { ThresholdSeg = thresholdSeg, ThresholdGt = thresholdGt }, [seg, gt], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 2, Name);
        if (ThresholdSeg is double.NaN)
        {
            throw new ArgumentException("--threshold-seg must be a number or 'none'; got NaN.");
        }

        if (ThresholdGt is double.NaN)
        {
            throw new ArgumentException("--threshold-gt must be a number or 'none'; got NaN.");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override DiceResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var blocks = run.Reduce(new DiceStep { ThresholdSeg = ThresholdSeg, ThresholdGt = ThresholdGt }, run.Inputs);
        var sums = blocks.Aggregate(DiceSums.Empty, (total, block) => total.Merge(block.Value));
        return new DiceResult(sums.Score, sums.Both, sums.Seg, sums.Gt);
    }

    /// <inheritdoc />
    public override JsonObject Fields(DiceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject { ["dice"] = result.Dice, ["intersection"] = result.Intersection, ["segSum"] = result.SegSum, ["gtSum"] = result.GtSum };
    }

    /// <inheritdoc />
    public override string Describe(DiceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"dice {result.Dice:G17}  (Σab {result.Intersection:G17}, Σa {result.SegSum:G17}, Σb {result.GtSum:G17})");
    }
}

/// <summary>The result of <see cref="Dice"/>.</summary>
/// <param name="Dice">2Σab / (Σa + Σb + 1e-7).</param>
/// <param name="Intersection">Σab.</param>
/// <param name="SegSum">Σa (the segmentation's foreground voxels, or its values' sum without a threshold).</param>
/// <param name="GtSum">Σb.</param>
public sealed record DiceResult(double Dice, double Intersection, double SegSum, double GtSum);

/// <summary>Block step of <see cref="Dice"/>: the block's <see cref="DiceSums"/> over the voxels inside the mask.</summary>
public sealed class DiceStep : ReduceOperation<DiceSums>
{
    /// <summary>See <see cref="Dice.ThresholdSeg"/>.</summary>
    public double? ThresholdSeg { get; set; }

    /// <summary>See <see cref="Dice.ThresholdGt"/>.</summary>
    public double? ThresholdGt { get; set; }

    /// <inheritdoc />
    public override DiceSums Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new SegTyped(this, block));
    }

    private sealed class SegTyped(DiceStep step, BlockContext block) : IDTypeFunc<DiceSums>
    {
        public DiceSums Invoke<TSeg>()
            where TSeg : unmanaged, INumber<TSeg> =>
            block.Inputs[1].DType.Dispatch(new Sums<TSeg>(step, block));
    }

    private sealed class Sums<TSeg>(DiceStep step, BlockContext block) : IDTypeFunc<DiceSums>
        where TSeg : unmanaged, INumber<TSeg>
    {
        public DiceSums Invoke<TGt>()
            where TGt : unmanaged, INumber<TGt>
        {
            using var voxels = MaskedPair<TSeg, TGt>.Read(block);
            return DiceSums.Of<TSeg, TGt>(voxels.First, voxels.Second, step.ThresholdSeg, step.ThresholdGt);
        }
    }
}
