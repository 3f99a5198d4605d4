using System.Numerics;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Element-type conversion around the floating-point filters: any numeric voxel type to float32/float64 on load,
/// and float results back to any numeric type with scipy.ndimage's rounding on store.
/// </summary>
/// <remarks>
/// To float: the nearest representable value (integers above 2^24 lose their low bits in float32, as in numpy).
/// From float to an integer type, as scipy.ndimage writes interpolated values: round half away from zero
/// (unsigned: negative values become 0) and clamp to the type's range; NaN becomes 0. Float to float is a plain
/// conversion. O(n), no allocation; uint8/uint16/int16/int32 to float32 run SIMD.
/// </remarks>
public static class VoxelConversion
{
    /// <summary>Converts every voxel of <paramref name="source"/> into <paramref name="destination"/> (same shape).</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan3D<TFrom> source, Span3D<TTo> destination)
        where TFrom : unmanaged, INumber<TFrom>
        where TTo : unmanaged, INumber<TTo>, IMinMaxValue<TTo>
    {
        if (source.Depth != destination.Depth || source.Height != destination.Height || source.Width != destination.Width)
        {
            throw new ArgumentException($"Shape mismatch: source is ({source.Depth}, {source.Height}, {source.Width}), destination is ({destination.Depth}, {destination.Height}, {destination.Width}).", nameof(destination));
        }

        for (int z = 0; z < source.Depth; z++)
        {
            for (int y = 0; y < source.Height; y++)
            {
                Convert(source.GetRowSpan(z, y), destination.GetRowSpan(z, y));
            }
        }
    }

    /// <summary>Converts <paramref name="source"/> element-wise into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    public static void Convert<TFrom, TTo>(ReadOnlySpan<TFrom> source, Span<TTo> destination)
        where TFrom : unmanaged, INumber<TFrom>
        where TTo : unmanaged, INumber<TTo>, IMinMaxValue<TTo>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements; source has {source.Length}.", nameof(destination));
        }

        bool fromFloat = typeof(TFrom) == typeof(float) || typeof(TFrom) == typeof(double) || typeof(TFrom) == typeof(Half);
        bool toInteger = !(typeof(TTo) == typeof(float) || typeof(TTo) == typeof(double) || typeof(TTo) == typeof(Half));
        if (fromFloat && toInteger)
        {
            double min = double.CreateTruncating(TTo.MinValue), max = double.CreateTruncating(TTo.MaxValue);
            for (int i = 0; i < source.Length; i++)
            {
                double t = double.CreateTruncating(source[i]);
                t = t > 0 ? t + 0.5 : t < 0 ? t - 0.5 : 0; // NaN compares false both ways and becomes 0
                destination[i] = t >= max ? TTo.MaxValue : t <= min ? TTo.MinValue : TTo.CreateTruncating(t);
            }

            return;
        }

        int done = typeof(TTo) == typeof(float) && Simd<float>.IsAccelerated
            ? WidenToSingle(source, MemoryMarshal.Cast<TTo, float>(destination))
            : 0;
        for (int i = done; i < source.Length; i++)
        {
            destination[i] = TTo.CreateTruncating(source[i]);
        }
    }

    /// <summary>
    /// SIMD widening of uint8, uint16, int16 and int32 to float32 (exact below 2^24, round-to-nearest-even above, like
    /// the scalar conversion); returns how many leading elements were converted (whole vectors only).
    /// </summary>
    private static int WidenToSingle<TFrom>(ReadOnlySpan<TFrom> source, Span<float> destination)
        where TFrom : unmanaged
    {
        int lanes = Vector<float>.Count, i = 0;
        if (typeof(TFrom) == typeof(byte))
        {
            var bytes = MemoryMarshal.Cast<TFrom, byte>(source);
            for (; i <= bytes.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(bytes[i..]), out var low, out var high);
                Vector.Widen(low, out var a, out var b);
                Vector.Widen(high, out var c, out var d);
                Vector.ConvertToSingle(a.As<uint, int>()).CopyTo(destination[i..]);
                Vector.ConvertToSingle(b.As<uint, int>()).CopyTo(destination[(i + lanes)..]);
                Vector.ConvertToSingle(c.As<uint, int>()).CopyTo(destination[(i + (2 * lanes))..]);
                Vector.ConvertToSingle(d.As<uint, int>()).CopyTo(destination[(i + (3 * lanes))..]);
            }
        }
        else if (typeof(TFrom) == typeof(ushort))
        {
            var words = MemoryMarshal.Cast<TFrom, ushort>(source);
            for (; i <= words.Length - Vector<ushort>.Count; i += Vector<ushort>.Count)
            {
                Vector.Widen(new Vector<ushort>(words[i..]), out var low, out var high);
                Vector.ConvertToSingle(low.As<uint, int>()).CopyTo(destination[i..]);
                Vector.ConvertToSingle(high.As<uint, int>()).CopyTo(destination[(i + lanes)..]);
            }
        }
        else if (typeof(TFrom) == typeof(short))
        {
            var words = MemoryMarshal.Cast<TFrom, short>(source);
            for (; i <= words.Length - Vector<short>.Count; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(words[i..]), out var low, out var high);
                Vector.ConvertToSingle(low).CopyTo(destination[i..]);
                Vector.ConvertToSingle(high).CopyTo(destination[(i + lanes)..]);
            }
        }
        else if (typeof(TFrom) == typeof(int))
        {
            var ints = MemoryMarshal.Cast<TFrom, int>(source);
            for (; i <= ints.Length - Vector<int>.Count; i += Vector<int>.Count)
            {
                Vector.ConvertToSingle(new Vector<int>(ints[i..])).CopyTo(destination[i..]);
            }
        }

        return i;
    }
}
