using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>A per-element test with a SIMD form: the comparison masks of <see cref="Vector{T}.Count"/> elements at once.</summary>
/// <typeparam name="T">Element type tested.</typeparam>
internal interface IVectorPredicate<T>
    where T : unmanaged
{
    /// <summary>All-ones lanes where the elements <paramref name="offset"/> … <paramref name="offset"/> + <see cref="Vector{T}.Count"/> − 1 pass, zero lanes elsewhere.</summary>
    Vector<T> Masks(int offset);

    /// <summary>Whether element <paramref name="index"/> passes.</summary>
    bool Test(int index);
}

/// <summary>
/// Writes a predicate's results as bools (bytes 0/1): the loop shared by the comparisons and the small-set membership
/// test. O(n), no allocation.
/// </summary>
/// <remarks>
/// SIMD: each step tests as many elements as a <see cref="Vector{T}"/> of bytes holds (<c>sizeof(T)</c> registers of
/// masks), narrows the all-ones/all-zeros lanes to bytes in element order and keeps the low bit. The predicate is a
/// struct type argument, so the JIT compiles one loop per predicate with its test inlined (no delegate). Types
/// <see cref="Vector{T}"/> does not support, a process without SIMD, and the tail take the scalar test.
/// </remarks>
internal static class PredicateMasks
{
    /// <summary>Writes <c>predicate.Test(i)</c> for i in [0, <paramref name="length"/>) to <paramref name="destination"/>.</summary>
    public static void Write<T, TPredicate>(scoped ref TPredicate predicate, int length, Span<bool> destination)
        where T : unmanaged, INumber<T>
        where TPredicate : IVectorPredicate<T>, allows ref struct
    {
        var bytes = MemoryMarshal.AsBytes(destination[..length]);
        int done = 0;
        if (Simd<T>.IsAccelerated && Simd<byte>.IsAccelerated)
        {
            int step = Vector<byte>.Count;
            int whole = length - (length % step);
            ref byte output = ref MemoryMarshal.GetReference(bytes);
            for (; done < whole; done += step)
            {
                (Narrowed<T, TPredicate>(ref predicate, done) & Vector<byte>.One).StoreUnsafe(ref output, (nuint)done);
            }
        }

        for (int i = done; i < length; i++)
        {
            bytes[i] = predicate.Test(i) ? (byte)1 : (byte)0;
        }
    }

    /// <summary>
    /// The masks of the <see cref="Vector{T}"/> of bytes' worth of elements at <paramref name="first"/>, narrowed to one
    /// byte each (0xFF or 0), in element order. <c>Unsafe.SizeOf&lt;T&gt;()</c> is a JIT constant: one case remains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<byte> Narrowed<T, TPredicate>(scoped ref TPredicate predicate, int first)
        where T : unmanaged, INumber<T>
        where TPredicate : IVectorPredicate<T>, allows ref struct
    {
        int n = Vector<T>.Count;
        return Unsafe.SizeOf<T>() switch
        {
            1 => Vector.AsVectorByte(predicate.Masks(first)),
            2 => Vector.Narrow(Vector.AsVectorUInt16(predicate.Masks(first)), Vector.AsVectorUInt16(predicate.Masks(first + n))),
            4 => Vector.Narrow(
                Vector.Narrow(Vector.AsVectorUInt32(predicate.Masks(first)), Vector.AsVectorUInt32(predicate.Masks(first + n))),
                Vector.Narrow(Vector.AsVectorUInt32(predicate.Masks(first + (2 * n))), Vector.AsVectorUInt32(predicate.Masks(first + (3 * n))))),
            _ => Vector.Narrow(
                Vector.Narrow(
                    Vector.Narrow(Vector.AsVectorUInt64(predicate.Masks(first)), Vector.AsVectorUInt64(predicate.Masks(first + n))),
                    Vector.Narrow(Vector.AsVectorUInt64(predicate.Masks(first + (2 * n))), Vector.AsVectorUInt64(predicate.Masks(first + (3 * n))))),
                Vector.Narrow(
                    Vector.Narrow(Vector.AsVectorUInt64(predicate.Masks(first + (4 * n))), Vector.AsVectorUInt64(predicate.Masks(first + (5 * n)))),
                    Vector.Narrow(Vector.AsVectorUInt64(predicate.Masks(first + (6 * n))), Vector.AsVectorUInt64(predicate.Masks(first + (7 * n)))))),
        };
    }
}
