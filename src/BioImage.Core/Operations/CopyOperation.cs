using System.Numerics;
using BioImage.Runners;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>copy</c> (bioimage-py's copy): reads each block of the input and writes it to the output.
/// When the output has another element type, every value is converted as numpy's <c>astype</c> does for in-range
/// values (floats to integers truncate toward zero; out-of-range values saturate; NaN becomes 0; non-zero → true
/// for bool). With a mask, voxels outside the mask keep the output's previous value. O(block voxels).
/// </summary>
public sealed class CopyOperation : BlockOperation
{
    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Inputs[0].DType.Dispatch(new ReadBlock(block));
    }

    private sealed class ReadBlock(BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<TIn>()
            where TIn : unmanaged, INumber<TIn>
        {
            var region = block.Block.Inner;
            using var data = NdArray<TIn>.Allocate(region.GetShapeAsInt32(), clear: false);
            block.Inputs[0].Read(region, RegionView.Of(data, Region.FromShape(region.Shape)));
            return block.Outputs[0].DType.Dispatch(new WriteBlock<TIn>(block, data));
        }
    }

    private sealed class WriteBlock<TIn>(BlockContext block, NdArray<TIn> data) : IDTypeFunc<bool>
        where TIn : unmanaged, INumber<TIn>
    {
        public bool Invoke<TOut>()
            where TOut : unmanaged, INumber<TOut>
        {
            var region = block.Block.Inner;
            var local = Region.FromShape(region.Shape);
            using var converted = typeof(TOut) == typeof(TIn) && block.Outputs[0].DType == block.Inputs[0].DType ? null : Convert<TOut>();
            var values = converted ?? (NdArray<TOut>)(object)data;
            if (block.Mask is { } mask)
            {
                MaskFlags.KeepOutside(mask, region, block.Outputs[0], region, values);
            }

            block.Outputs[0].Write<TOut>(region, RegionView.Of(values, local));
            return true;
        }

        private NdArray<TOut> Convert<TOut>()
            where TOut : unmanaged, INumber<TOut>
        {
            var converted = NdArray<TOut>.Allocate(data.Shape, clear: false);
            var source = data.Span;
            var target = converted.Span;
            bool toBool = block.Outputs[0].DType == DType.Bool;
            for (int i = 0; i < source.Length; i++)
            {
                target[i] = toBool ? (TIn.IsZero(source[i]) ? TOut.Zero : TOut.One) : TOut.CreateSaturating(TIn.IsNaN(source[i]) ? TIn.Zero : source[i]);
            }

            return converted;
        }
    }
}
