using System.Numerics;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// Block step of <c>copy</c>: reads each block of the input and writes it to the output (bioimage-py's copy).
/// With a mask, voxels outside the mask keep the output's previous value.
/// </summary>
public sealed class CopyOperation : BlockOperation
{
    /// <inheritdoc />
    public override void Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        block.Inputs[0].DType.Dispatch(new CopyBlock(block));
    }

    private sealed class CopyBlock(BlockContext block) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            var region = block.Block.Inner;
            var local = Region.FromShape(region.Shape);
            using var data = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
            block.Inputs[0].Read(region, RegionView.Of(data, local));
            if (block.Mask is { } mask)
            {
                KeepOutsideMask(mask, block.Outputs[0], region, data);
            }

            block.Outputs[0].Write<T>(region, RegionView.Of(data, local));
            return true;
        }

        private static void KeepOutsideMask<T>(ISource mask, ISource output, Region region, NdArray<T> data)
            where T : unmanaged, INumber<T>
        {
            using var previous = NdArray<T>.Allocate(data.Shape, clear: false);
            output.Read(region, RegionView.Of(previous, Region.FromShape(region.Shape)));
            var inside = MaskFlags.Read(mask, region);
            for (int i = 0; i < data.Length; i++)
            {
                data.Span[i] = inside[i] ? data.Span[i] : previous.Span[i];
            }
        }
    }
}
