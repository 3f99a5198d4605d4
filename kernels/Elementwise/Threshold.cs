using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Binarization <c>destination[i] = source[i] &gt; threshold</c> — bioimage-py's threshold wrapper and the
/// foreground test of connected components. O(n), no allocation.
/// </summary>
/// <remarks>
/// SIMD: each step compares as many elements as a <see cref="Vector{T}"/> of bytes holds (one register of comparison
/// masks per <see cref="Vector{T}"/> of elements), narrows the all-ones/all-zeros masks to bytes, keeps the low bit
/// (bools are stored as bytes 0/1) and adds those bytes to a byte-lane counter that is flushed every 255 steps. NaN is
/// never greater (ordered comparison). Types <see cref="Vector{T}"/> does not support, or a process without SIMD, take
/// the scalar loop.
/// </remarks>
public static class Threshold
{
    /// <summary>Steps a byte-lane counter can add (at most 1 per lane each) before it overflows.</summary>
    private const int StepsPerFlush = byte.MaxValue;

    /// <summary>Writes true where <c>source &gt; threshold</c> and returns how many voxels were true (contiguous views in one pass, others row by row).</summary>
    public static long GreaterThan<T>(ReadOnlySpan3D<T> source, T threshold, Span3D<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (source.Depth != destination.Depth || source.Height != destination.Height || source.Width != destination.Width)
        {
            throw new ArgumentException($"Shape mismatch: source is ({source.Depth}, {source.Height}, {source.Width}), destination is ({destination.Depth}, {destination.Height}, {destination.Width}).", nameof(destination));
        }

        if (source.TryGetSpan(out var sourceSpan) && destination.TryGetSpan(out var destinationSpan))
        {
            int length = checked((int)source.Count);
            return GreaterThan(sourceSpan[..length], threshold, destinationSpan[..length]);
        }

        long count = 0;
        for (int z = 0; z < source.Depth; z++)
        {
            for (int y = 0; y < source.Height; y++)
            {
                count += GreaterThan(source.GetRowSpan(z, y), threshold, destination.GetRowSpan(z, y));
            }
        }

        return count;
    }

    /// <summary>Writes true where <c>source &gt; threshold</c> and returns how many were true.</summary>
    public static int GreaterThan<T>(ReadOnlySpan<T> source, T threshold, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements; source has {source.Length}.", nameof(destination));
        }

        var bytes = MemoryMarshal.AsBytes(destination);
        int done = 0, count = 0;
        if (Simd<T>.IsAccelerated && Simd<byte>.IsAccelerated)
        {
            done = GreaterThanVectors(source, threshold, bytes, out count);
        }

        for (int i = done; i < source.Length; i++)
        {
            bool above = source[i] > threshold;
            bytes[i] = above ? (byte)1 : (byte)0;
            count += above ? 1 : 0;
        }

        return count;
    }

    /// <summary>The SIMD loop over whole byte vectors of elements; returns how many elements it did and their count.</summary>
    private static int GreaterThanVectors<T>(ReadOnlySpan<T> source, T threshold, Span<byte> destination, out int count)
        where T : unmanaged, INumber<T>
    {
        int step = Vector<byte>.Count;
        int whole = source.Length - (source.Length % step);
        ref T input = ref MemoryMarshal.GetReference(source);
        ref byte output = ref MemoryMarshal.GetReference(destination);
        var bound = new Vector<T>(threshold);
        count = 0;
        for (int begin = 0; begin < whole;)
        {
            int end = Math.Min(whole, begin + (StepsPerFlush * step));
            var ones = Vector<byte>.Zero;
            for (; begin < end; begin += step)
            {
                var bits = Masks(ref Unsafe.Add(ref input, begin), bound) & Vector<byte>.One;
                bits.StoreUnsafe(ref output, (nuint)begin);
                ones += bits;
            }

            Vector.Widen(ones, out var low, out var high);
            count += Vector.Sum(low + high);
        }

        return whole;
    }

    /// <summary>
    /// The comparison masks of the <see cref="Vector{T}"/> of bytes' worth of elements at <paramref name="first"/>, narrowed
    /// to one byte each (0xFF or 0), in element order. <c>Unsafe.SizeOf&lt;T&gt;()</c> is a JIT constant: one case remains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<byte> Masks<T>(ref T first, Vector<T> bound)
        where T : unmanaged, INumber<T>
    {
        int n = Vector<T>.Count;
        return Unsafe.SizeOf<T>() switch
        {
            1 => Vector.AsVectorByte(Compare(ref first, 0, bound)),
            2 => Vector.Narrow(Masks16(ref first, 0, bound), Masks16(ref first, n, bound)),
            4 => Vector.Narrow(
                Vector.Narrow(Masks32(ref first, 0, bound), Masks32(ref first, n, bound)),
                Vector.Narrow(Masks32(ref first, 2 * n, bound), Masks32(ref first, 3 * n, bound))),
            _ => Vector.Narrow(
                Vector.Narrow(
                    Vector.Narrow(Masks64(ref first, 0, bound), Masks64(ref first, n, bound)),
                    Vector.Narrow(Masks64(ref first, 2 * n, bound), Masks64(ref first, 3 * n, bound))),
                Vector.Narrow(
                    Vector.Narrow(Masks64(ref first, 4 * n, bound), Masks64(ref first, 5 * n, bound)),
                    Vector.Narrow(Masks64(ref first, 6 * n, bound), Masks64(ref first, 7 * n, bound)))),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ushort> Masks16<T>(ref T first, int offset, Vector<T> bound)
        where T : unmanaged, INumber<T> => Vector.AsVectorUInt16(Compare(ref first, offset, bound));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> Masks32<T>(ref T first, int offset, Vector<T> bound)
        where T : unmanaged, INumber<T> => Vector.AsVectorUInt32(Compare(ref first, offset, bound));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<ulong> Masks64<T>(ref T first, int offset, Vector<T> bound)
        where T : unmanaged, INumber<T> => Vector.AsVectorUInt64(Compare(ref first, offset, bound));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Compare<T>(ref T first, int offset, Vector<T> bound)
        where T : unmanaged, INumber<T> =>
        Vector.GreaterThan(Vector.LoadUnsafe(ref first, (nuint)offset), bound);
}
