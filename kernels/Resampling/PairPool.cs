using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// The SIMD fast path of <see cref="Resampling.Pool{T}"/> for factor 2 along x and y (and 1 or 2 along z) on uint8,
/// uint16 and float32. Integers: each output is a pair of neighbours in 2 or 4 rows, and a pair of T is one lane of the twice-wider
/// integer type, so <c>(v &amp; mask) + (v &gt;&gt; bits)</c> adds the pair in place (max/min likewise) and the
/// sums of all rows still fit the wide lane (≤ 8 · 255 or 8 · 65 535). The mean is a right shift (floor division by
/// 4 or 8) and a narrowing back to T. Exactly the integer results of the generic path.
/// </summary>
internal static class PairPool
{
    /// <summary>
    /// Pools as many outputs of the row as whole vectors allow, from the first; returns how many were written (0 when
    /// the case is not covered: other types or factors, or a partial block in z or y).
    /// </summary>
    public static int TryRow<T>(ReadOnlySpan3D<T> input, int zBegin, int zEnd, int yBegin, int yEnd, Index3 factors, PoolingMethod method, Span<T> destination)
        where T : unmanaged
    {
        bool pairs = factors.X == 2 && factors.Y == 2 && factors.Z is 1 or 2 && zEnd - zBegin == factors.Z && yEnd - yBegin == 2;
        if (!pairs || !Vector.IsHardwareAccelerated || method == PoolingMethod.Mode)
        {
            return 0;
        }

        if (typeof(T) == typeof(byte))
        {
            return Row<byte, ushort>(Cast<T, byte>(input), zBegin, zEnd, yBegin, method, MemoryMarshal.Cast<T, byte>(destination));
        }

        if (typeof(T) == typeof(ushort))
        {
            return Row<ushort, uint>(Cast<T, ushort>(input), zBegin, zEnd, yBegin, method, MemoryMarshal.Cast<T, ushort>(destination));
        }

        if (typeof(T) == typeof(float))
        {
            return RowSingle(Cast<T, float>(input), zBegin, zEnd, yBegin, method, MemoryMarshal.Cast<T, float>(destination));
        }

        return 0;
    }

    /// <summary>
    /// float32: the rows are folded element-wise in row order (as the generic path does), then the even and odd
    /// elements are separated by narrowing the 64-bit lanes (low halves = even elements) and folded, and a mean is
    /// divided by the count — the generic path's operations in the same order, so the same bits.
    /// </summary>
    private static int RowSingle(ReadOnlySpan3D<float> input, int zBegin, int zEnd, int yBegin, PoolingMethod method, Span<float> destination)
    {
        int outputsPerVector = Vector<float>.Count;
        int vectors = Math.Min(destination.Length, input.Width / 2) / outputsPerVector;
        int rows = 2 * (zEnd - zBegin);
        var count = new Vector<float>(rows * 2);
        ref float output = ref MemoryMarshal.GetReference(destination);
        for (int v = 0; v < vectors; v++)
        {
            int column = 2 * v * outputsPerVector;
            Vector<float> a = default, b = default;
            for (int r = 0; r < rows; r++)
            {
                ref float source = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin + (r / 2), yBegin + (r % 2), column));
                var nextA = Vector.LoadUnsafe(ref source);
                var nextB = Vector.LoadUnsafe(ref source, (nuint)outputsPerVector);
                a = r == 0 ? nextA : Fold(a, nextA, method);
                b = r == 0 ? nextB : Fold(b, nextB, method);
            }

            var even = Vector.Narrow(a.As<float, ulong>(), b.As<float, ulong>()).As<uint, float>();
            var odd = Vector.Narrow(a.As<float, ulong>() >>> 32, b.As<float, ulong>() >>> 32).As<uint, float>();
            var pooled = Fold(even, odd, method);
            (method == PoolingMethod.Mean ? pooled / count : pooled).StoreUnsafe(ref output, (nuint)(v * outputsPerVector));
        }

        return vectors * outputsPerVector;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Fold(Vector<float> a, Vector<float> b, PoolingMethod method) => method switch
    {
        PoolingMethod.Max => Vector.Max(a, b),
        PoolingMethod.Min => Vector.Min(a, b),
        _ => a + b,
    };

    private static ReadOnlySpan3D<TTo> Cast<TFrom, TTo>(ReadOnlySpan3D<TFrom> view) => Unsafe.As<ReadOnlySpan3D<TFrom>, ReadOnlySpan3D<TTo>>(ref view);

    private static int Row<T, TWide>(ReadOnlySpan3D<T> input, int zBegin, int zEnd, int yBegin, PoolingMethod method, Span<T> destination)
        where T : unmanaged, IBinaryInteger<T>
        where TWide : unmanaged, IBinaryInteger<TWide>
    {
        int bits = Unsafe.SizeOf<T>() * 8;
        int outputsPerVector = Vector<T>.Count;
        int vectors = Math.Min(destination.Length, input.Width / 2) / outputsPerVector;
        int rows = 2 * (zEnd - zBegin);
        int shift = rows == 4 ? 3 : 2;
        var mask = new Vector<TWide>(TWide.CreateTruncating((1UL << bits) - 1));
        Span<int> rowOffsets = stackalloc int[4];
        ref readonly T origin = ref input.DangerousGetReferenceAt(0, 0, 0);
        for (int r = 0; r < rows; r++)
        {
            rowOffsets[r] = ((zBegin + (r / 2)) * input.StrideZ) + ((yBegin + (r % 2)) * input.StrideY);
        }

        ref T output = ref MemoryMarshal.GetReference(destination);
        for (int v = 0; v < vectors; v++)
        {
            int column = 2 * v * outputsPerVector;
            Vector<TWide> low = default, high = default;
            for (int r = 0; r < rows; r++)
            {
                ref T source = ref Unsafe.Add(ref Unsafe.AsRef(in origin), rowOffsets[r] + column);
                var a = Vector.LoadUnsafe(ref source).As<T, TWide>();
                var b = Vector.LoadUnsafe(ref source, (nuint)Vector<T>.Count).As<T, TWide>();
                low = Fold(low, a & mask, (a >>> bits), method, r == 0);
                high = Fold(high, b & mask, (b >>> bits), method, r == 0);
            }

            if (method == PoolingMethod.Mean)
            {
                low >>>= shift;
                high >>>= shift;
            }

            Narrow<T, TWide>(low, high).StoreUnsafe(ref output, (nuint)(v * outputsPerVector));
        }

        return vectors * outputsPerVector;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<TWide> Fold<TWide>(Vector<TWide> accumulator, Vector<TWide> even, Vector<TWide> odd, PoolingMethod method, bool first)
        where TWide : unmanaged, IBinaryInteger<TWide>
    {
        var pair = method switch
        {
            PoolingMethod.Max => Vector.Max(even, odd),
            PoolingMethod.Min => Vector.Min(even, odd),
            _ => even + odd,
        };
        return first ? pair : method switch
        {
            PoolingMethod.Max => Vector.Max(accumulator, pair),
            PoolingMethod.Min => Vector.Min(accumulator, pair),
            _ => accumulator + pair,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Narrow<T, TWide>(Vector<TWide> low, Vector<TWide> high)
        where T : unmanaged
        where TWide : unmanaged
    {
        if (typeof(TWide) == typeof(ushort))
        {
            return Vector.Narrow(low.As<TWide, ushort>(), high.As<TWide, ushort>()).As<byte, T>();
        }

        return Vector.Narrow(low.As<TWide, uint>(), high.As<TWide, uint>()).As<ushort, T>();
    }
}
