using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BioImage.Kernels;

/// <summary>A per-element test with a SIMD form: the comparison masks of <see cref="Vector{T}.Count"/> elements at once.</summary>
/// <typeparam name="T">Element type tested.</typeparam>
internal interface IVectorPredicate<T>
    where T : unmanaged
{
    /// <summary>All-ones lanes where the elements <paramref name="offset"/> … <paramref name="offset"/> + <see cref="Vector{T}.Count"/> − 1 pass, zero lanes elsewhere.</summary>
    Vector<T> Masks(nuint offset);

    /// <summary>Whether element <paramref name="index"/> passes.</summary>
    bool Test(int index);
}

/// <summary>
/// Writes a predicate's results as bools (bytes 0/1): the loop shared by the comparisons and the small-set membership
/// test. O(n), no allocation.
/// </summary>
/// <remarks>
/// SIMD: each step tests as many elements as a <see cref="Vector{T}"/> of bytes holds (<c>sizeof(T)</c> registers of
/// masks), narrows the all-ones/all-zeros lanes to bytes in element order and keeps the low bit. On AVX2 with 256-bit
/// <see cref="Vector{T}"/> the narrowing is the signed-saturating packs (<c>vpackssdw</c>, <c>vpacksswb</c>: −1 stays
/// −1, 0 stays 0), which work within 128-bit lanes, followed by one cross-lane permute that restores element order —
/// 1, 3 or 7 packs plus 1–2 shuffles per 32 elements, against about three instructions per generic
/// <see cref="Vector.Narrow(Vector{uint}, Vector{uint})"/> (mask, pack, permute). Other widths take the generic
/// narrowing. The loop walks the two halves of the span side by side: twice the input streams (two for a test of one
/// array, four for pairs) keep more cache misses in flight on one thread — in the gate's alternating measurements,
/// comparisons of two float32 arrays ran at 1.3–1.6× the copy bandwidth this way against 1.0–1.4× with one pass. The
/// predicate is a struct type argument, so the JIT compiles one loop per predicate with its test inlined
/// (no delegate). Types <see cref="Vector{T}"/> does not support, a process without SIMD, and the tail take the
/// scalar test.
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
            nuint step = (nuint)Vector<byte>.Count;
            nuint whole = (nuint)length - ((nuint)length % step);
            ref byte output = ref MemoryMarshal.GetReference(bytes);
            nuint half = (nuint)length / 2 / step * step, at = 0;
            for (; at < half; at += step)
            {
                Store<T, TPredicate>(ref predicate, ref output, at);
                Store<T, TPredicate>(ref predicate, ref output, half + at);
            }

            for (at = 2 * half; at < whole; at += step)
            {
                Store<T, TPredicate>(ref predicate, ref output, at);
            }

            done = (int)whole;
        }

        for (int i = done; i < length; i++)
        {
            bytes[i] = predicate.Test(i) ? (byte)1 : (byte)0;
        }
    }

    /// <summary>Writes the bools of the <see cref="Vector{T}"/> of bytes' worth of elements at <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T, TPredicate>(scoped ref TPredicate predicate, ref byte output, nuint first)
        where T : unmanaged, INumber<T>
        where TPredicate : IVectorPredicate<T>, allows ref struct =>
        (Narrowed<T, TPredicate>(ref predicate, first) & Vector<byte>.One).StoreUnsafe(ref output, first);

    /// <summary>
    /// The masks of the <see cref="Vector{T}"/> of bytes' worth of elements at <paramref name="first"/>, narrowed to one
    /// byte each (0xFF or 0), in element order. <c>Unsafe.SizeOf&lt;T&gt;()</c> is a JIT constant: one case remains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<byte> Narrowed<T, TPredicate>(scoped ref TPredicate predicate, nuint first)
        where T : unmanaged, INumber<T>
        where TPredicate : IVectorPredicate<T>, allows ref struct
    {
        if (Avx2.IsSupported && Vector<byte>.Count == Vector256<byte>.Count)
        {
            return Packed<T, TPredicate>(ref predicate, first).AsVector();
        }

        nuint n = (nuint)Vector<T>.Count;
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

    /// <summary>
    /// <see cref="Narrowed{T, TPredicate}"/> on AVX2 (256-bit <see cref="Vector{T}"/>): the masks of 32 elements packed
    /// to bytes with signed saturation, then put back in element order. The packs interleave their two operands per
    /// 128-bit lane: packing words of a and b gives <c>[a0–7 b0–7 | a8–15 b8–15]</c>, so 16-bit masks need the 64-bit
    /// quarters reordered 0, 2, 1, 3; packing dwords then words of a, b, c, d gives the 4-byte groups
    /// <c>[a0–3 b0–3 c0–3 d0–3 | a4–7 b4–7 c4–7 d4–7]</c>, reordered 0, 4, 1, 5, 2, 6, 3, 7. A 64-bit mask is two equal
    /// dwords, so three rounds of packs leave 2-byte pairs <c>[a0 a1 b0 b1 … h0 h1 | a2 a3 b2 b3 … h2 h3]</c>: the same
    /// dword reorder, then a byte shuffle within lanes that swaps the middle pairs of each 8 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Packed<T, TPredicate>(scoped ref TPredicate predicate, nuint first)
        where T : unmanaged, INumber<T>
        where TPredicate : IVectorPredicate<T>, allows ref struct
    {
        nuint n = (nuint)Vector<T>.Count;
        switch (Unsafe.SizeOf<T>())
        {
            case 1:
                return predicate.Masks(first).AsVector256().AsByte();
            case 2:
                var words = Avx2.PackSignedSaturate(Words(predicate.Masks(first)), Words(predicate.Masks(first + n)));
                return Avx2.Permute4x64(words.AsInt64(), 0b11_01_10_00).AsByte();
            case 4:
                var low = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first)), Dwords(predicate.Masks(first + n)));
                var high = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first + (2 * n))), Dwords(predicate.Masks(first + (3 * n))));
                return InElementOrder(Avx2.PackSignedSaturate(low, high));
            default:
                var ab = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first)), Dwords(predicate.Masks(first + n))).AsInt32();
                var cd = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first + (2 * n))), Dwords(predicate.Masks(first + (3 * n)))).AsInt32();
                var ef = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first + (4 * n))), Dwords(predicate.Masks(first + (5 * n)))).AsInt32();
                var gh = Avx2.PackSignedSaturate(Dwords(predicate.Masks(first + (6 * n))), Dwords(predicate.Masks(first + (7 * n)))).AsInt32();
                var pairs = InElementOrder(Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(ab, cd), Avx2.PackSignedSaturate(ef, gh)));
                return Avx2.Shuffle(pairs, Vector256.Create((byte)0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15, 0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15));
        }
    }

    /// <summary>Restores element order after two rounds of packs: 4-byte groups 0, 4, 1, 5, 2, 6, 3, 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> InElementOrder(Vector256<sbyte> packed) =>
        Avx2.PermuteVar8x32(packed.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Words<T>(Vector<T> masks) => masks.AsVector256().AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Dwords<T>(Vector<T> masks) => masks.AsVector256().AsInt32();
}
