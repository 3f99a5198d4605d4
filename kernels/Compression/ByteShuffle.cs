using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace BioImage.Kernels;

/// <summary>
/// Blosc's byte shuffle: the bytes of <c>n</c> elements of <c>typeSize</c> bytes are regrouped so that byte 0 of
/// every element comes first, then byte 1 of every element, and so on — slowly varying high bytes end up next to
/// each other and compress far better. O(n), no allocation.
/// </summary>
/// <remarks>
/// <para>Layout (c-blosc <c>shuffle-generic.h</c>): with <c>q = length / typeSize</c> whole elements,
/// <c>shuffled[j·q + i] = original[i·typeSize + j]</c> for <c>i &lt; q, j &lt; typeSize</c>; the last
/// <c>length % typeSize</c> bytes are copied as they are.</para>
/// <para>SIMD: for type sizes 2, 4 and 8 (all numeric types wider than a byte) 16 elements are moved per step with
/// SSE2 unpack networks (unshuffle) and SSSE3 byte shuffles + unpack transposes (shuffle): byte <c>j</c> of 16
/// consecutive elements forms one 16-byte vector of stream <c>j</c>. Other sizes, the tail of fewer than 16
/// elements, and machines without SSSE3 use the scalar loop.</para>
/// </remarks>
public static class ByteShuffle
{
    private const int Step = 16;

    /// <summary>Regroups the bytes of <paramref name="source"/> by byte position within each element.</summary>
    public static void Shuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        int elements = Check(source, destination, typeSize);
        int done = 0;
        if (Ssse3.IsSupported && elements >= Step)
        {
            done = typeSize switch
            {
                2 => Shuffle2(source, destination, elements),
                4 => Shuffle4(source, destination, elements),
                8 => Shuffle8(source, destination, elements),
                _ => 0,
            };
        }

        Scalar(source, destination, typeSize, elements, done, shuffle: true);
    }

    /// <summary>Undoes <see cref="Shuffle"/>: interleaves the byte streams back into whole elements.</summary>
    public static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        int elements = Check(source, destination, typeSize);
        int done = 0;
        if (Sse2.IsSupported && elements >= Step)
        {
            done = typeSize switch
            {
                2 => Unshuffle2(source, destination, elements),
                4 => Unshuffle4(source, destination, elements),
                8 => Unshuffle8(source, destination, elements),
                _ => 0,
            };
        }

        Scalar(source, destination, typeSize, elements, done, shuffle: false);
    }

    private static int Check(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(typeSize, 1);
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes; source has {source.Length}.", nameof(destination));
        }

        return source.Length / typeSize;
    }

    /// <summary>Moves elements <paramref name="done"/>.. one byte at a time, then copies the bytes after the last whole element.</summary>
    private static void Scalar(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize, int elements, int done, bool shuffle)
    {
        for (int j = 0; j < typeSize; j++)
        {
            for (int i = done; i < elements; i++)
            {
                int interleaved = (i * typeSize) + j;
                int grouped = (j * elements) + i;
                destination[shuffle ? grouped : interleaved] = source[shuffle ? interleaved : grouped];
            }
        }

        int tail = elements * typeSize;
        source[tail..].CopyTo(destination[tail..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load(ReadOnlySpan<byte> span, int offset) => Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<byte> value, Span<byte> span, int offset) => value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)offset);

    private static int Unshuffle2(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            var a = Load(source, i);
            var b = Load(source, n + i);
            Store(Sse2.UnpackLow(a, b), destination, 2 * i);
            Store(Sse2.UnpackHigh(a, b), destination, (2 * i) + 16);
        }

        return i;
    }

    private static int Unshuffle4(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            var a = Load(source, i);
            var b = Load(source, n + i);
            var c = Load(source, (2 * n) + i);
            var d = Load(source, (3 * n) + i);
            var abLow = Sse2.UnpackLow(a, b).AsUInt16();
            var abHigh = Sse2.UnpackHigh(a, b).AsUInt16();
            var cdLow = Sse2.UnpackLow(c, d).AsUInt16();
            var cdHigh = Sse2.UnpackHigh(c, d).AsUInt16();
            int o = 4 * i;
            Store(Sse2.UnpackLow(abLow, cdLow).AsByte(), destination, o);
            Store(Sse2.UnpackHigh(abLow, cdLow).AsByte(), destination, o + 16);
            Store(Sse2.UnpackLow(abHigh, cdHigh).AsByte(), destination, o + 32);
            Store(Sse2.UnpackHigh(abHigh, cdHigh).AsByte(), destination, o + 48);
        }

        return i;
    }

    private static int Unshuffle8(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            // Level 1: byte pairs (s0 s1), (s2 s3), … ; level 2: 4-byte groups; level 3: whole 8-byte elements.
            var p01 = (Sse2.UnpackLow(Load(source, i), Load(source, n + i)).AsUInt16(), Sse2.UnpackHigh(Load(source, i), Load(source, n + i)).AsUInt16());
            var p23 = (Sse2.UnpackLow(Load(source, (2 * n) + i), Load(source, (3 * n) + i)).AsUInt16(), Sse2.UnpackHigh(Load(source, (2 * n) + i), Load(source, (3 * n) + i)).AsUInt16());
            var p45 = (Sse2.UnpackLow(Load(source, (4 * n) + i), Load(source, (5 * n) + i)).AsUInt16(), Sse2.UnpackHigh(Load(source, (4 * n) + i), Load(source, (5 * n) + i)).AsUInt16());
            var p67 = (Sse2.UnpackLow(Load(source, (6 * n) + i), Load(source, (7 * n) + i)).AsUInt16(), Sse2.UnpackHigh(Load(source, (6 * n) + i), Load(source, (7 * n) + i)).AsUInt16());
            Span<Vector128<uint>> low = [
                Sse2.UnpackLow(p01.Item1, p23.Item1).AsUInt32(), Sse2.UnpackHigh(p01.Item1, p23.Item1).AsUInt32(),
                Sse2.UnpackLow(p01.Item2, p23.Item2).AsUInt32(), Sse2.UnpackHigh(p01.Item2, p23.Item2).AsUInt32()];
            Span<Vector128<uint>> high = [
                Sse2.UnpackLow(p45.Item1, p67.Item1).AsUInt32(), Sse2.UnpackHigh(p45.Item1, p67.Item1).AsUInt32(),
                Sse2.UnpackLow(p45.Item2, p67.Item2).AsUInt32(), Sse2.UnpackHigh(p45.Item2, p67.Item2).AsUInt32()];
            int o = 8 * i;
            for (int k = 0; k < 4; k++)
            {
                Store(Sse2.UnpackLow(low[k], high[k]).AsByte(), destination, o + (32 * k));
                Store(Sse2.UnpackHigh(low[k], high[k]).AsByte(), destination, o + (32 * k) + 16);
            }
        }

        return i;
    }

    private static int Shuffle2(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        var split = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            var v0 = Ssse3.Shuffle(Load(source, 2 * i), split).AsUInt64();
            var v1 = Ssse3.Shuffle(Load(source, (2 * i) + 16), split).AsUInt64();
            Store(Sse2.UnpackLow(v0, v1).AsByte(), destination, i);
            Store(Sse2.UnpackHigh(v0, v1).AsByte(), destination, n + i);
        }

        return i;
    }

    private static int Shuffle4(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        var split = Vector128.Create((byte)0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            int o = 4 * i;
            var v0 = Ssse3.Shuffle(Load(source, o), split).AsUInt32();
            var v1 = Ssse3.Shuffle(Load(source, o + 16), split).AsUInt32();
            var v2 = Ssse3.Shuffle(Load(source, o + 32), split).AsUInt32();
            var v3 = Ssse3.Shuffle(Load(source, o + 48), split).AsUInt32();
            var t0 = Sse2.UnpackLow(v0, v1).AsUInt64();
            var t1 = Sse2.UnpackHigh(v0, v1).AsUInt64();
            var t2 = Sse2.UnpackLow(v2, v3).AsUInt64();
            var t3 = Sse2.UnpackHigh(v2, v3).AsUInt64();
            Store(Sse2.UnpackLow(t0, t2).AsByte(), destination, i);
            Store(Sse2.UnpackHigh(t0, t2).AsByte(), destination, n + i);
            Store(Sse2.UnpackLow(t1, t3).AsByte(), destination, (2 * n) + i);
            Store(Sse2.UnpackHigh(t1, t3).AsByte(), destination, (3 * n) + i);
        }

        return i;
    }

    private static int Shuffle8(ReadOnlySpan<byte> source, Span<byte> destination, int n)
    {
        var split = Vector128.Create((byte)0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
        Span<Vector128<ushort>> v = stackalloc Vector128<ushort>[8];
        Span<Vector128<uint>> a = stackalloc Vector128<uint>[8];
        int i = 0;
        for (; i + Step <= n; i += Step)
        {
            // v[k] lane j = byte j of elements 2k and 2k+1; an 8×8 transpose of 16-bit lanes gives stream j in lane j.
            for (int k = 0; k < 8; k++)
            {
                v[k] = Ssse3.Shuffle(Load(source, (8 * i) + (16 * k)), split).AsUInt16();
            }

            for (int k = 0; k < 8; k += 2)
            {
                a[k] = Sse2.UnpackLow(v[k], v[k + 1]).AsUInt32();
                a[k + 1] = Sse2.UnpackHigh(v[k], v[k + 1]).AsUInt32();
            }

            // a[0],a[2] pair lanes 0-3 of v0..v3 ; a[4],a[6] of v4..v7 ; a[1],a[3] / a[5],a[7] lanes 4-7.
            for (int half = 0; half < 2; half++)
            {
                var b0 = Sse2.UnpackLow(a[half], a[half + 2]).AsUInt64();
                var b1 = Sse2.UnpackHigh(a[half], a[half + 2]).AsUInt64();
                var c0 = Sse2.UnpackLow(a[half + 4], a[half + 6]).AsUInt64();
                var c1 = Sse2.UnpackHigh(a[half + 4], a[half + 6]).AsUInt64();
                int lane = 4 * half;
                Store(Sse2.UnpackLow(b0, c0).AsByte(), destination, (lane * n) + i);
                Store(Sse2.UnpackHigh(b0, c0).AsByte(), destination, ((lane + 1) * n) + i);
                Store(Sse2.UnpackLow(b1, c1).AsByte(), destination, ((lane + 2) * n) + i);
                Store(Sse2.UnpackHigh(b1, c1).AsByte(), destination, ((lane + 3) * n) + i);
            }
        }

        return i;
    }
}
