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
    /// Pools output rows [<paramref name="oyBegin"/>, <paramref name="oyEnd"/>) of output plane <paramref name="oz"/> — rows
    /// whose input blocks are whole in y and z — as far as whole vectors allow, from the first column; returns how many
    /// outputs of each row were written (0 when the case is not covered: other types or factors, or a partial block in
    /// z). One call per plane: at 256 columns the per-row set-up cost as much as the row's SIMD work.
    /// </summary>
    public static int TryRows<T>(ReadOnlySpan3D<T> input, int zBegin, int zEnd, Span3D<T> output, int oz, int oyBegin, int oyEnd, Index3 factors, PoolingMethod method)
        where T : unmanaged
    {
        bool pairs = factors.X == 2 && factors.Y == 2 && factors.Z is 1 or 2 && zEnd - zBegin == factors.Z;
        if (!pairs || !Vector.IsHardwareAccelerated || method == PoolingMethod.Mode || oyBegin >= oyEnd)
        {
            return 0;
        }

        var rows = new OutputRows(oz, oyBegin, oyEnd);
        if (typeof(T) == typeof(byte))
        {
            return Rows<byte, ushort>(Cast<T, byte>(input), zBegin, zEnd, Cast<T, byte>(output), rows, method);
        }

        if (typeof(T) == typeof(ushort))
        {
            return Rows<ushort, uint>(Cast<T, ushort>(input), zBegin, zEnd, Cast<T, ushort>(output), rows, method);
        }

        if (typeof(T) == typeof(float))
        {
            return RowsSingle(Cast<T, float>(input), zBegin, zEnd, Cast<T, float>(output), rows, method);
        }

        return 0;
    }

    /// <summary>
    /// float32: the rows are folded element-wise in row order (as the generic path does), then the even and odd
    /// elements are separated by narrowing the 64-bit lanes (low halves = even elements) and folded, and a mean is
    /// divided by the count — the generic path's operations in the same order, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int RowsSingle(ReadOnlySpan3D<float> input, int zBegin, int zEnd, Span3D<float> outputs, OutputRows rows, PoolingMethod method)
    {
        int outputsPerVector = Vector<float>.Count;
        int vectors = Math.Min(outputs.Width, input.Width / 2) / outputsPerVector;
        bool fourRows = zEnd - zBegin == 2;

        // x / 4 and x / 8 equal x · 0.25 and x · 0.125 exactly (powers of two), and multiplying is much cheaper.
        var scale = new Vector<float>(fourRows ? 0.125f : 0.25f);
        for (int oy = rows.Begin; oy < rows.End && vectors > 0; oy++)
        {
            int yBegin = 2 * oy;
            ref float row0 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin, yBegin, 0));
            ref float row1 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin, yBegin + 1, 0));
            ref float row2 = ref fourRows ? ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin + 1, yBegin, 0)) : ref row0;
            ref float row3 = ref fourRows ? ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin + 1, yBegin + 1, 0)) : ref row1;
            ref float output = ref outputs.DangerousGetReferenceAt(rows.Plane, oy, 0);
            for (int v = 0; v < vectors; v++)
            {
                nuint column = (nuint)(2 * v * outputsPerVector);
                nuint next = column + (nuint)outputsPerVector;
                var a = Fold(Vector.LoadUnsafe(ref row0, column), Vector.LoadUnsafe(ref row1, column), method);
                var b = Fold(Vector.LoadUnsafe(ref row0, next), Vector.LoadUnsafe(ref row1, next), method);
                if (fourRows)
                {
                    a = Fold(Fold(a, Vector.LoadUnsafe(ref row2, column), method), Vector.LoadUnsafe(ref row3, column), method);
                    b = Fold(Fold(b, Vector.LoadUnsafe(ref row2, next), method), Vector.LoadUnsafe(ref row3, next), method);
                }

                var even = Vector.Narrow(a.As<float, ulong>(), b.As<float, ulong>()).As<uint, float>();
                var odd = Vector.Narrow(a.As<float, ulong>() >>> 32, b.As<float, ulong>() >>> 32).As<uint, float>();
                var pooled = Fold(even, odd, method);
                (method == PoolingMethod.Mean ? pooled * scale : pooled).StoreUnsafe(ref output, (nuint)(v * outputsPerVector));
            }
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

    private static Span3D<TTo> Cast<TFrom, TTo>(Span3D<TFrom> view) => Unsafe.As<Span3D<TFrom>, Span3D<TTo>>(ref view);

    private static int Rows<T, TWide>(ReadOnlySpan3D<T> input, int zBegin, int zEnd, Span3D<T> outputs, OutputRows rows, PoolingMethod method)
        where T : unmanaged, IBinaryInteger<T>
        where TWide : unmanaged, IBinaryInteger<TWide> => method switch
        {
            PoolingMethod.Max => Rows<T, TWide, MaxFold<TWide>>(input, zBegin, zEnd, outputs, rows),
            PoolingMethod.Min => Rows<T, TWide, MinFold<TWide>>(input, zBegin, zEnd, outputs, rows),
            _ => Rows<T, TWide, SumFold<TWide>>(input, zBegin, zEnd, outputs, rows),
        };

    private static int Rows<T, TWide, TFold>(ReadOnlySpan3D<T> input, int zBegin, int zEnd, Span3D<T> outputs, OutputRows rows)
        where T : unmanaged, IBinaryInteger<T>
        where TWide : unmanaged, IBinaryInteger<TWide>
        where TFold : struct, IPairFold<TWide>
    {
        int bits = Unsafe.SizeOf<T>() * 8;
        int outputsPerVector = Vector<T>.Count;
        int vectors = Math.Min(outputs.Width, input.Width / 2) / outputsPerVector;
        bool fourRows = zEnd - zBegin == 2;
        int shift = fourRows ? 3 : 2; // the mean divides by 8 or 4
        var mask = new Vector<TWide>(TWide.CreateTruncating((1UL << bits) - 1));
        for (int oy = rows.Begin; oy < rows.End && vectors > 0; oy++)
        {
            int yBegin = 2 * oy;
            ref T row0 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin, yBegin, 0));
            ref T row1 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin, yBegin + 1, 0));
            ref T row2 = ref fourRows ? ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin + 1, yBegin, 0)) : ref row0;
            ref T row3 = ref fourRows ? ref Unsafe.AsRef(in input.DangerousGetReferenceAt(zBegin + 1, yBegin + 1, 0)) : ref row1;
            ref T output = ref outputs.DangerousGetReferenceAt(rows.Plane, oy, 0);
            for (int v = 0; v < vectors; v++)
            {
                nuint column = (nuint)(2 * v * outputsPerVector);
                nuint next = column + (nuint)outputsPerVector;
                var low = TFold.Fold(Pair<T, TWide, TFold>(ref row0, column, mask, bits), Pair<T, TWide, TFold>(ref row1, column, mask, bits));
                var high = TFold.Fold(Pair<T, TWide, TFold>(ref row0, next, mask, bits), Pair<T, TWide, TFold>(ref row1, next, mask, bits));
                if (fourRows)
                {
                    low = TFold.Fold(TFold.Fold(low, Pair<T, TWide, TFold>(ref row2, column, mask, bits)), Pair<T, TWide, TFold>(ref row3, column, mask, bits));
                    high = TFold.Fold(TFold.Fold(high, Pair<T, TWide, TFold>(ref row2, next, mask, bits)), Pair<T, TWide, TFold>(ref row3, next, mask, bits));
                }

                Narrow<T, TWide>(TFold.Finish(low, shift), TFold.Finish(high, shift)).StoreUnsafe(ref output, (nuint)(v * outputsPerVector));
            }
        }

        return vectors * outputsPerVector;
    }

    /// <summary>Output rows [<see cref="Begin"/>, <see cref="End"/>) of output plane <see cref="Plane"/>.</summary>
    private readonly record struct OutputRows(int Plane, int Begin, int End);

    /// <summary>Loads one vector of T at <paramref name="column"/> and folds each neighbour pair into one wide lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<TWide> Pair<T, TWide, TFold>(ref T row, nuint column, Vector<TWide> mask, int bits)
        where T : unmanaged
        where TWide : unmanaged, IBinaryInteger<TWide>
        where TFold : struct, IPairFold<TWide>
    {
        var lanes = Vector.LoadUnsafe(ref row, column).As<T, TWide>();
        return TFold.Fold(lanes & mask, lanes >>> bits);
    }

    /// <summary>How pairs and rows combine: +, max or min, and the final step (a shift for the mean).</summary>
    private interface IPairFold<TWide>
        where TWide : unmanaged
    {
        static abstract Vector<TWide> Fold(Vector<TWide> a, Vector<TWide> b);

        static abstract Vector<TWide> Finish(Vector<TWide> folded, int shift);
    }

    private readonly struct SumFold<TWide> : IPairFold<TWide>
        where TWide : unmanaged, IBinaryInteger<TWide>
    {
        public static Vector<TWide> Fold(Vector<TWide> a, Vector<TWide> b) => a + b;

        public static Vector<TWide> Finish(Vector<TWide> folded, int shift) => folded >>> shift;
    }

    private readonly struct MaxFold<TWide> : IPairFold<TWide>
        where TWide : unmanaged, IBinaryInteger<TWide>
    {
        public static Vector<TWide> Fold(Vector<TWide> a, Vector<TWide> b) => Vector.Max(a, b);

        public static Vector<TWide> Finish(Vector<TWide> folded, int shift) => folded;
    }

    private readonly struct MinFold<TWide> : IPairFold<TWide>
        where TWide : unmanaged, IBinaryInteger<TWide>
    {
        public static Vector<TWide> Fold(Vector<TWide> a, Vector<TWide> b) => Vector.Min(a, b);

        public static Vector<TWide> Finish(Vector<TWide> folded, int shift) => folded;
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
