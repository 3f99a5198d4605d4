// Operations code names these helpers as plain BlockData, also in files without `using BioImage.Sources;`
// (GaussianFilterOperation.cs, RelabelOperation.cs): this alias keeps them compiling. Drop it once they import
// BioImage.Sources.

using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources;

/// <summary>
/// Block reads and views shared by the resized source and the filter and resampling operations: a region read
/// with conversion to the kernels' working type, and C-order arrays seen as 3D memory views (leading axes folded
/// into depth). It lives in the sources layer because its reads and writes take an <see cref="ISource"/>.
/// </summary>
internal static class BlockData
{
    /// <summary>The kernels' floating-point type for an input: float64 stays float64, everything else becomes float32.</summary>
    public static DType WorkingType(DType input) => input == DType.Float64 ? DType.Float64 : DType.Float32;

    /// <summary>Reads <paramref name="region"/> of <paramref name="source"/> converted to <typeparamref name="TTo"/>.</summary>
    public static NdArray<TTo> ReadAs<TTo>(ISource source, Region region)
        where TTo : unmanaged, INumber<TTo>, IMinMaxValue<TTo> =>
        source.DType.Dispatch(new ConvertingRead<TTo>(source, region));

    /// <summary>Reads <paramref name="region"/> of <paramref name="source"/> in its own element type.</summary>
    public static NdArray<T> Read<T>(ISource source, Region region)
        where T : unmanaged, INumber<T>
    {
        var data = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
        try
        {
            source.Read(region, Folded(data).Span);
            return data;
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="data"/> (shaped like <paramref name="region"/>) to <paramref name="target"/>.</summary>
    public static void Write<T>(ISource target, Region region, NdArray<T> data)
        where T : unmanaged, INumber<T> =>
        target.Write<T>(region, Folded(data).Span);

    /// <summary>Writes the inner block of <paramref name="outer"/> (data read over the block's outer region) to <paramref name="target"/>.</summary>
    public static void WriteInner<T>(ISource target, BlockWithHalo block, NdArray<T> outer)
        where T : unmanaged, INumber<T>
    {
        var local = block.InnerLocal;
        var begin = Pad(local.Begin);
        var extent = Pad(local.Shape, fill: 1);
        var inner = Folded(outer).Span.Slice(begin.Z, begin.Y, begin.X, extent.Z, extent.Y, extent.X);
        target.Write<T>(block.Inner, inner);
    }

    /// <summary>A halo given as one value for every axis or one per axis, expanded to <paramref name="rank"/> values (each ≥ 0).</summary>
    public static long[] PerAxis(long[]? halo, int rank, string name)
    {
        if (halo is null || (halo.Length != 1 && halo.Length != rank) || halo.Any(h => h < 0))
        {
            throw new ArgumentException($"{name} needs one value or {rank} (one per axis), each ≥ 0; got [{string.Join(", ", halo ?? [])}].", name);
        }

        return halo.Length == 1 ? [.. Enumerable.Repeat(halo[0], rank)] : [.. halo];
    }

    /// <summary>The array as a 3D view: the last two axes are rows and columns, all leading axes fold into depth.</summary>
    public static Memory3D<T> Folded<T>(NdArray<T> array)
        where T : unmanaged
    {
        var shape = array.Shape;
        int width = shape.Length > 0 ? shape[^1] : 1;
        int height = shape.Length > 1 ? shape[^2] : 1;
        int depth = 1;
        for (int axis = 0; axis < shape.Length - 2; axis++)
        {
            depth *= shape[axis];
        }

        return new Memory3D<T>(array.Memory, depth, height, width);
    }

    /// <summary>A rank 1–3 position or extent padded to (z, y, x) with <paramref name="fill"/> on the missing leading axes.</summary>
    public static Index3 Pad(ReadOnlySpan<long> values, int fill = 0)
    {
        Span<int> padded = [fill, fill, fill];
        int offset = 3 - values.Length;
        for (int axis = 0; axis < values.Length; axis++)
        {
            padded[axis + offset] = checked((int)values[axis]);
        }

        return new Index3(padded[0], padded[1], padded[2]);
    }

    private sealed class ConvertingRead<TTo>(ISource source, Region region) : IDTypeFunc<NdArray<TTo>>
        where TTo : unmanaged, INumber<TTo>, IMinMaxValue<TTo>
    {
        public NdArray<TTo> Invoke<TFrom>()
            where TFrom : unmanaged, INumber<TFrom>
        {
            if (typeof(TFrom) == typeof(TTo))
            {
                return (NdArray<TTo>)(object)Read<TFrom>(source, region);
            }

            using var raw = Read<TFrom>(source, region);
            var converted = NdArray<TTo>.Allocate(raw.Shape, clear: false);
            VoxelConversion.Convert<TFrom, TTo>(raw.Span, converted.Span);
            return converted;
        }
    }
}
