using System.Numerics;
using BioImage.Runners;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>copy --dtype</c>: reads each block of the input and writes it to an output of another element
/// type, converting every value as numpy's <c>astype</c> does for in-range values (floats to integers truncate
/// toward zero; out-of-range values saturate, NaN becomes 0). O(block voxels).
/// </summary>
public sealed class CastCopyOperation : BlockOperation
{
    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Inputs[0].DType.Dispatch(new ReadAs(block));
    }

    private sealed class ReadAs(BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<TIn>()
            where TIn : unmanaged, INumber<TIn>
        {
            var region = block.Block.Inner;
            var local = Region.FromShape(region.Shape);
            using var data = NdArray<TIn>.Allocate(region.GetShapeAsInt32(), clear: false);
            block.Inputs[0].Read(region, RegionView.Of(data, local));
            return block.Outputs[0].DType.Dispatch(new WriteAs<TIn>(block, data));
        }
    }

    private sealed class WriteAs<TIn>(BlockContext block, NdArray<TIn> data) : IDTypeFunc<bool>
        where TIn : unmanaged, INumber<TIn>
    {
        public bool Invoke<TOut>()
            where TOut : unmanaged, INumber<TOut>
        {
            var region = block.Block.Inner;
            using var converted = NdArray<TOut>.Allocate(data.Shape, clear: false);
            var source = data.Span;
            var target = converted.Span;
            bool toBool = block.Outputs[0].DType == DType.Bool;
            for (int i = 0; i < source.Length; i++)
            {
                target[i] = toBool ? (TIn.IsZero(source[i]) ? TOut.Zero : TOut.One) : TOut.CreateSaturating(TIn.IsNaN(source[i]) ? TIn.Zero : source[i]);
            }

            block.Outputs[0].Write<TOut>(region, RegionView.Of(converted, Region.FromShape(region.Shape)));
            return true;
        }
    }
}
