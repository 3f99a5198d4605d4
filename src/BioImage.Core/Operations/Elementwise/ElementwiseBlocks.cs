using System.Numerics;
using System.Numerics.Tensors;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>Block reads and writes the element-wise steps share: a region read straight into the compute type, a masked write.</summary>
internal static class ElementwiseBlocks
{
    /// <summary>Reads <paramref name="region"/> of <paramref name="source"/> converted to <typeparamref name="T"/> (numpy's cast to the compute type: exact widening, integers to floats rounded to nearest).</summary>
    public static NdArray<T> Read<T>(ISource source, Region region)
        where T : unmanaged, INumber<T> => source.DType.Dispatch(new ReadConverted<T>(source, region));

    /// <summary>Writes <paramref name="values"/> (the block's inner region) to the first output; with a mask, voxels outside it keep the output's values.</summary>
    public static void Write<T>(BlockContext block, NdArray<T> values)
        where T : unmanaged, INumber<T>
    {
        var region = block.Block.Inner;
        if (block.Mask is { } mask)
        {
            MaskFlags.KeepOutside(mask, region, block.Outputs[0], region, values);
        }

        block.Outputs[0].Write<T>(region, RegionView.Of(values, Region.FromShape(region.Shape)));
    }

    private sealed class ReadConverted<TTo>(ISource source, Region region) : IDTypeFunc<NdArray<TTo>>
        where TTo : unmanaged, INumber<TTo>
    {
        public NdArray<TTo> Invoke<TFrom>()
            where TFrom : unmanaged, INumber<TFrom>
        {
            var shape = region.GetShapeAsInt32();
            var local = Region.FromShape(region.Shape);
            if (typeof(TFrom) == typeof(TTo))
            {
                var same = NdArray<TTo>.Allocate(shape, clear: false);
                source.Read(region, RegionView.Of(same, local));
                return same;
            }

            using var raw = NdArray<TFrom>.Allocate(shape, clear: false);
            source.Read(region, RegionView.Of(raw, local));
            var converted = NdArray<TTo>.Allocate(shape, clear: false);
            TensorPrimitives.ConvertTruncating<TFrom, TTo>(raw.Span, converted.Span);
            return converted;
        }
    }
}
