using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>stats</c>: block-wise statistics of a volume — min, max, mean and (population) standard deviation — with
/// bioimage-py's semantics: every block reduces to <see cref="Moments"/>, and blocks merge with the parallel-variance
/// update in block-id order, so the result does not depend on the backend or the number of workers.
/// </summary>
public sealed class Stats : Operation<Moments>
{
    /// <inheritdoc />
    public override string Name => "stats";

    /// <summary>The moments of every voxel of a source (inside the mask), block-wise on any backend (bioimage-py's mean_and_std / min_and_max).</summary>
    /// <exception cref="DataConditionException">No voxel was processed (empty input, or a mask without foreground).</exception>
    public static Moments Compute(ISource input, RunOptions options) => Executor.Compute(new Stats(), [input], [], options);

    /// <summary>The moments of every voxel of an in-memory array (rank 1–3), block-wise on local threads.</summary>
    /// <param name="input">The volume.</param>
    /// <param name="blockShape">Block extents, one per axis; empty processes the volume as one block.</param>
    /// <param name="workers">Threads to use (≥ 1).</param>
    public static Moments Compute<T>(NdArray<T> input, ReadOnlySpan<long> blockShape, int workers)
        where T : unmanaged, INumber<T> =>
        Compute(new ArraySource<T>(input), new RunOptions { BlockShape = blockShape.IsEmpty ? null : blockShape.ToArray(), Workers = workers });

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs) => VerbInputs.Require(inputs, 1, Name);

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override Moments Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var total = run.Reduce(new StatsOperation(), run.Inputs).Aggregate(Moments.Empty, (sum, block) => sum.Merge(block.Value));
        return total.Count > 0 ? total : throw new DataConditionException("No values within the input (or within the mask); cannot compute statistics.");
    }

    /// <inheritdoc />
    public override JsonObject Fields(Moments result) => new()
    {
        ["count"] = result.Count,
        ["min"] = result.Min,
        ["max"] = result.Max,
        ["mean"] = result.Mean,
        ["std"] = result.StandardDeviation,
    };

    /// <inheritdoc />
    public override string Describe(Moments result) =>
        string.Create(CultureInfo.InvariantCulture, $"count {result.Count}  min {result.Min:G9}  max {result.Max:G9}  mean {result.Mean:G9}  std {result.StandardDeviation:G9}");
}

/// <summary>Block step of <see cref="Stats"/>: the <see cref="Moments"/> of the block's voxels (inside the mask, when given).</summary>
public sealed class StatsOperation : ReduceOperation<Moments>
{
    /// <inheritdoc />
    public override Moments Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new BlockMoments(block));
    }

    private sealed class BlockMoments(BlockContext block) : IDTypeFunc<Moments>
    {
        public Moments Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            using var data = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
            block.Inputs[0].Read(region, RegionView.Of(data, Region.FromShape(region.Shape)));
            if (block.Mask is null)
            {
                return Moments.Of<T>(data.Span);
            }

            var inside = MaskFlags.Read(block.Mask, region);
            int kept = 0;
            for (int i = 0; i < inside.Length; i++)
            {
                if (inside[i])
                {
                    data.Span[kept++] = data.Span[i];
                }
            }

            return Moments.Of<T>(data.Span[..kept]);
        }
    }
}
