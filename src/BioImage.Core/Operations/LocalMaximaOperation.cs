using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>find_local_maxima</c> (bioimage-py's): each block runs <see cref="LocalMaxima.Find{T}(ReadOnlySpan3D{T}, int, double?, double?, int?)"/>
/// (skimage's <c>peak_local_max</c>) on its outer region — halo <c>min_distance + 8</c> per side as in bioimage-py —
/// keeps the peaks inside its inner block and returns them in global coordinates; <see cref="LocalMaximaVerb"/> (and
/// <see cref="Find"/>) concatenates the blocks in block-id order (highest first within a block).
/// </summary>
/// <remarks>
/// Thresholds as in bioimage-py's blocked mode: the default absolute threshold (the image minimum) and
/// <see cref="ThresholdRel"/> (relative to the image maximum) are taken over each outer block, not the volume; pass
/// <c>globalThresholds</c> to <see cref="Find"/> to resolve both over the whole volume first (one statistics pass),
/// which makes the block-wise peaks those of the whole-volume call wherever the min_distance suppression is decided
/// inside the halo. The border exclusion (default min_distance) applies to the outer block, as in bioimage-py: at the
/// volume's faces it is the whole-volume exclusion, inside the volume it only touches the halo. 2D and 3D data.
/// </remarks>
public sealed class LocalMaximaOperation : ReduceOperation<long[]>
{
    /// <summary>Extra halo beyond min_distance, as bioimage-py reads it.</summary>
    public const int ExtraHalo = 8;

    /// <summary>Minimal Chebyshev distance between peaks and the radius of the maximum filter (≥ 0).</summary>
    public int MinDistance { get; set; } = 1;

    /// <summary>Peaks must be above this value; by default the (block's) minimum.</summary>
    public double? ThresholdAbs { get; set; }

    /// <summary>Peaks must also be above this fraction of the (block's) maximum.</summary>
    public double? ThresholdRel { get; set; }

    /// <summary>Width of the volume border without peaks; by default <see cref="MinDistance"/> (skimage's <c>exclude_border=True</c>).</summary>
    public int? ExcludeBorder { get; set; }

    /// <summary>
    /// The peaks of <paramref name="input"/> block-wise, as an (n, rank) array of global coordinates in block order.
    /// With <paramref name="globalThresholds"/> the thresholds are resolved over the whole volume first.
    /// </summary>
    public static long[,] Find(ISource input, RunOptions options, int minDistance = 1, double? thresholdAbs = null, double? thresholdRel = null, int? excludeBorder = null, bool globalThresholds = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var verb = new LocalMaximaVerb
        {
            Peaks = new LocalMaximaOperation { MinDistance = minDistance, ThresholdAbs = thresholdAbs, ThresholdRel = thresholdRel, ExcludeBorder = excludeBorder },
            GlobalThresholds = globalThresholds,
        };
        return Executor.Compute(verb, [input], [], options with { Mask = null }).Peaks;
    }

    /// <inheritdoc />
    public override long[] GetHalo(int rank)
    {
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"find_local_maxima needs 2D or 3D data; the input has {rank} axes.", nameof(rank));
        }

        if (MinDistance < 0 || ExcludeBorder < 0)
        {
            throw new ArgumentException($"MinDistance and ExcludeBorder must not be negative; got {MinDistance} and {ExcludeBorder}.");
        }

        return [.. Enumerable.Repeat((long)MinDistance + ExtraHalo, rank)];
    }

    /// <inheritdoc />
    public override long[] Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.Inputs[0].DType.Dispatch(new Peaks(this, block));
    }

    private sealed class Peaks(LocalMaximaOperation operation, BlockContext block) : IDTypeFunc<long[]>
    {
        public long[] Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var (outer, inner) = (block.Block.Outer, block.Block.Inner);
            int rank = outer.Rank;
            using var data = BlockData.Read<T>(block.Inputs[0], outer);
            var view = BlockData.Folded(data).Span.AsReadOnly();
            int[] local = rank == 2
                ? LocalMaxima.Find(new ReadOnlySpan2D<T>(data.Span, view.Height, view.Width), operation.MinDistance, operation.ThresholdAbs, operation.ThresholdRel, operation.ExcludeBorder)
                : LocalMaxima.Find(view, operation.MinDistance, operation.ThresholdAbs, operation.ThresholdRel, operation.ExcludeBorder);
            var kept = new List<long>();
            var position = new long[rank];
            for (int i = 0; i < local.Length; i += rank)
            {
                bool keep = true;
                for (int axis = 0; axis < rank; axis++)
                {
                    position[axis] = outer.Begin[axis] + local[i + axis];
                    keep &= position[axis] >= inner.Begin[axis] && position[axis] < inner.End[axis];
                }

                if (keep)
                {
                    kept.AddRange(position);
                }
            }

            return [.. kept];
        }
    }
}
