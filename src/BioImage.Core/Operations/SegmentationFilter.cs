using System.Numerics;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// bioimage-py's <c>segmentation_filter</c> for user code: a block step that hands every block of a label volume to
/// <see cref="Filter{T}"/> and writes what it leaves — in the input's dtype, out-of-mask voxels untouched.
/// </summary>
/// <remarks>
/// <para>
/// Subclass it in your own assembly (a public type with a public parameterless constructor; the filter's parameters
/// are public read/write properties, which travel to workers as JSON) and run it like any block operation:
/// <c>Runner.Run(new MyFilter { MinSize = 10 }, [segmentation], [output], options)</c>. Worker processes and Slurm
/// tasks load the subclass from its assembly by type name, exactly as they load
/// <c>tests/BioImage.Consumer.Sample/AffineOperation.cs</c> — no closures cross a process boundary, so the filter and
/// bioimage-py's optional <c>relabel</c> callable are one method here. <see cref="RunOptions.Mask"/> (blocks without
/// mask voxels are skipped), <see cref="RunOptions.BlockIds"/> and <see cref="RunOptions.ResumeFrom"/> apply as to
/// every block operation.
/// </para>
/// <para>
/// From the command line, <c>bioimage segmentation-filter SEG OUT --assembly LIB.dll --filter TYPE --set NAME=VALUE</c>
/// runs a subclass from a class library (<see cref="SegmentationFilterVerb"/>, which the run's record keeps for resumes).
/// </para>
/// <para>The output must have the input's shape and dtype (bioimage-py allocates it so); a block sees no halo.</para>
/// </remarks>
public abstract class SegmentationFilter : BlockOperation
{
    /// <summary>Filters one block's labels in place.</summary>
    /// <param name="labels">The block's labels (its inner region; leading axes folded into depth).</param>
    /// <param name="inside">One flag per voxel in C order, true inside the mask; null without a mask (bioimage-py's None).</param>
    /// <typeparam name="T">The segmentation's integer element type.</typeparam>
    protected abstract void Filter<T>(Span3D<T> labels, bool[]? inside)
        where T : unmanaged, IBinaryInteger<T>;

    /// <inheritdoc />
    public sealed override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        _ = block.Inputs[0].DType.DispatchInteger(new Apply(this, block), "segmentation_filter's input");
    }

    private sealed class Apply(SegmentationFilter filter, BlockContext block) : IIntegerDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            var region = block.Block.Inner;
            using var labels = BlockData.Read<T>(block.Inputs[0], region);
            var inside = block.Mask is null ? null : MaskFlags.Read(block.Mask, region);
            filter.Filter(BlockData.Folded(labels).Span, inside);
            if (block.Mask is not null)
            {
                MaskFlags.KeepOutside(block.Mask, region, block.Outputs[0], region, labels);
            }

            BlockData.Write(block.Outputs[0], region, labels);
            return true;
        }
    }
}
