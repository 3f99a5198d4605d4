using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BioImage.Kernels;

public static partial class Resampling
{
    /// <summary>Most voxels a mode-pooling block may hold (the block is gathered on the stack).</summary>
    private const int MaxModeBlock = 4096;

    /// <summary>Blocks up to this size count equal pairs directly instead of sorting.</summary>
    private const int PairwiseModeLimit = 16;

    /// <summary>
    /// Mode pooling of one slab: each block's values are gathered and, unless they are all one label (the common case
    /// in segmentations, O(b)), counted: blocks of up to <see cref="PairwiseModeLimit"/> voxels compare every pair
    /// (branch-free, O(b²) with tiny b — a 2×2×2 block is 28 comparisons), larger ones are sorted and scanned for the
    /// longest run. The largest count wins, ties go to the smallest value.
    /// </summary>
    private static void ModeSlab<T>(ReadOnlyMemory3D<T> inputMemory, Memory3D<T> outputMemory, Index3 factors, int z0, int z1, int y0, int y1)
        where T : unmanaged, INumber<T>
    {
        if ((long)factors.Z * factors.Y * factors.X > MaxModeBlock)
        {
            throw new ArgumentOutOfRangeException(nameof(factors), factors, $"Mode pooling blocks hold at most {MaxModeBlock} voxels.");
        }

        var input = inputMemory.Span;
        var output = outputMemory.Span;
        Span<T> block = stackalloc T[factors.Z * factors.Y * factors.X];
        for (int oz = z0; oz < z1; oz++)
        {
            int zBegin = oz * factors.Z, zEnd = Math.Min(zBegin + factors.Z, input.Depth);
            for (int oy = y0; oy < y1; oy++)
            {
                int yBegin = oy * factors.Y, yEnd = Math.Min(yBegin + factors.Y, input.Height);
                var destination = output.GetRowSpan(oz, oy);
                int start = 0;
                if (factors == new Index3(2, 2, 2) && zEnd - zBegin == 2 && yEnd - yBegin == 2)
                {
                    start = Mode2x2x2(input, zBegin, yBegin, destination);
                }

                for (int ox = start; ox < destination.Length; ox++)
                {
                    int xBegin = ox * factors.X, xCount = Math.Min(factors.X, input.Width - xBegin), count = 0;
                    for (int z = zBegin; z < zEnd; z++)
                    {
                        for (int y = yBegin; y < yEnd; y++)
                        {
                            ref readonly T source = ref input.DangerousGetReferenceAt(z, y, xBegin);
                            for (int x = 0; x < xCount; x++)
                            {
                                block[count++] = Unsafe.Add(ref Unsafe.AsRef(in source), x);
                            }
                        }
                    }

                    destination[ox] = count <= PairwiseModeLimit ? PairwiseMode<T>(block[..count]) : Mode(block[..count]);
                }
            }
        }
    }

    /// <summary>
    /// Complete 2×2×2 blocks of a row (all but a partial last one): the eight values are read straight from the four
    /// rows into registers and each is counted against all eight.
    /// </summary>
    /// <returns>How many outputs of the row were written.</returns>
    private static int Mode2x2x2<T>(ReadOnlySpan3D<T> input, int z, int y, Span<T> destination)
        where T : unmanaged, INumber<T>
    {
        int outputs = Math.Min(destination.Length, input.Width / 2);
        ref T r0 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(z, y, 0));
        ref T r1 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(z, y + 1, 0));
        ref T r2 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(z + 1, y, 0));
        ref T r3 = ref Unsafe.AsRef(in input.DangerousGetReferenceAt(z + 1, y + 1, 0));
        for (int ox = 0; ox < outputs; ox++)
        {
            int x = 2 * ox;
            T v0 = Unsafe.Add(ref r0, x), v1 = Unsafe.Add(ref r0, x + 1), v2 = Unsafe.Add(ref r1, x), v3 = Unsafe.Add(ref r1, x + 1);
            T v4 = Unsafe.Add(ref r2, x), v5 = Unsafe.Add(ref r2, x + 1), v6 = Unsafe.Add(ref r3, x), v7 = Unsafe.Add(ref r3, x + 1);
            if (v0 == v1 && v0 == v2 && v0 == v3 && v0 == v4 && v0 == v5 && v0 == v6 && v0 == v7)
            {
                destination[ox] = v0;
                continue;
            }

            if (AllDistinct(ref r0, ref r1, ref r2, ref r3, x))
            {
                // Every count is 1: the tie goes to the smallest (random labels, the slow case of majority pooling).
                destination[ox] = T.Min(T.Min(T.Min(v0, v1), T.Min(v2, v3)), T.Min(T.Min(v4, v5), T.Min(v6, v7)));
                continue;
            }

            // Each count is a sum of independent comparisons: no memory round trips, plenty of parallelism.
            T best = v0;
            int bestCount = Count8(v0, v0, v1, v2, v3, v4, v5, v6, v7);
            Keep(ref best, ref bestCount, v1, Count8(v1, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v2, Count8(v2, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v3, Count8(v3, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v4, Count8(v4, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v5, Count8(v5, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v6, Count8(v6, v0, v1, v2, v3, v4, v5, v6, v7));
            Keep(ref best, ref bestCount, v7, Count8(v7, v0, v1, v2, v3, v4, v5, v6, v7));
            destination[ox] = best;
        }

        return outputs;
    }

    /// <summary>
    /// True when the eight values of the 2×2×2 block at column x are pairwise different, tested with 256-bit vector
    /// compares for 64-bit labels (two vectors: 4 cross compares against rotations of the other vector, 2 rotations
    /// within each) and 32-bit labels (one vector: rotations by 1 to 4 cover all 28 pairs). False (so the caller counts)
    /// for other element sizes or without 256-bit hardware.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool AllDistinct<T>(ref T r0, ref T r1, ref T r2, ref T r3, int x)
        where T : unmanaged
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return false;
        }

        if (Unsafe.SizeOf<T>() == 8)
        {
            var a = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.As<T, ulong>(ref Unsafe.Add(ref r0, x))), Vector128.LoadUnsafe(ref Unsafe.As<T, ulong>(ref Unsafe.Add(ref r1, x))));
            var b = Vector256.Create(Vector128.LoadUnsafe(ref Unsafe.As<T, ulong>(ref Unsafe.Add(ref r2, x))), Vector128.LoadUnsafe(ref Unsafe.As<T, ulong>(ref Unsafe.Add(ref r3, x))));
            var rotate1 = Vector256.Create(1UL, 2, 3, 0);
            var rotate2 = Vector256.Create(2UL, 3, 0, 1);
            var equal = Vector256.Equals(a, b)
                | Vector256.Equals(a, Vector256.Shuffle(b, rotate1))
                | Vector256.Equals(a, Vector256.Shuffle(b, rotate2))
                | Vector256.Equals(a, Vector256.Shuffle(b, Vector256.Create(3UL, 0, 1, 2)))
                | Vector256.Equals(a, Vector256.Shuffle(a, rotate1))
                | Vector256.Equals(a, Vector256.Shuffle(a, rotate2))
                | Vector256.Equals(b, Vector256.Shuffle(b, rotate1))
                | Vector256.Equals(b, Vector256.Shuffle(b, rotate2));
            return equal == Vector256<ulong>.Zero;
        }

        if (Unsafe.SizeOf<T>() == 4)
        {
            var v = Vector256.Create(
                Vector128.Create(Vector64.LoadUnsafe(ref Unsafe.As<T, uint>(ref Unsafe.Add(ref r0, x))), Vector64.LoadUnsafe(ref Unsafe.As<T, uint>(ref Unsafe.Add(ref r1, x)))),
                Vector128.Create(Vector64.LoadUnsafe(ref Unsafe.As<T, uint>(ref Unsafe.Add(ref r2, x))), Vector64.LoadUnsafe(ref Unsafe.As<T, uint>(ref Unsafe.Add(ref r3, x)))));
            var equal = Vector256.Equals(v, Vector256.Shuffle(v, Vector256.Create(1U, 2, 3, 4, 5, 6, 7, 0)))
                | Vector256.Equals(v, Vector256.Shuffle(v, Vector256.Create(2U, 3, 4, 5, 6, 7, 0, 1)))
                | Vector256.Equals(v, Vector256.Shuffle(v, Vector256.Create(3U, 4, 5, 6, 7, 0, 1, 2)))
                | Vector256.Equals(v, Vector256.Shuffle(v, Vector256.Create(4U, 5, 6, 7, 0, 1, 2, 3)));
            return equal == Vector256<uint>.Zero;
        }

        return false;
    }

    /// <summary>How many of the eight values equal <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Count8<T>(T v, T a0, T a1, T a2, T a3, T a4, T a5, T a6, T a7)
        where T : unmanaged, INumber<T> =>
        (a0 == v ? 1 : 0) + (a1 == v ? 1 : 0) + (a2 == v ? 1 : 0) + (a3 == v ? 1 : 0) + (a4 == v ? 1 : 0) + (a5 == v ? 1 : 0) + (a6 == v ? 1 : 0) + (a7 == v ? 1 : 0);

    /// <summary>Keeps the candidate with the larger count, or the smaller value on a tie.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Keep<T>(ref T best, ref int bestCount, T value, int count)
        where T : unmanaged, INumber<T>
    {
        bool better = count > bestCount || (count == bestCount && value < best);
        best = better ? value : best;
        bestCount = better ? count : bestCount;
    }

    /// <summary>The most frequent value by counting equal pairs; ties go to the smallest.</summary>
    private static T PairwiseMode<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumber<T>
    {
        T best = values[0];
        int bestCount = 0;
        bool uniform = true;
        for (int i = 1; i < values.Length; i++)
        {
            uniform &= values[i] == best;
        }

        if (uniform)
        {
            return best;
        }

        for (int i = 0; i < values.Length; i++)
        {
            T value = values[i];
            int count = 0;
            for (int j = 0; j < values.Length; j++)
            {
                count += values[j] == value ? 1 : 0;
            }

            bool better = count > bestCount || (count == bestCount && value < best);
            best = better ? value : best;
            bestCount = better ? count : bestCount;
        }

        return best;
    }

    /// <summary>The most frequent value of <paramref name="values"/> (sorted in place); ties go to the smallest.</summary>
    private static T Mode<T>(Span<T> values)
        where T : unmanaged, INumber<T>
    {
        T first = values[0];
        bool uniform = true;
        for (int i = 1; i < values.Length && uniform; i++)
        {
            uniform = values[i] == first;
        }

        if (uniform)
        {
            return first;
        }

        for (int i = 1; i < values.Length; i++)
        {
            T value = values[i];
            int j = i - 1;
            for (; j >= 0 && values[j] > value; j--)
            {
                values[j + 1] = values[j];
            }

            values[j + 1] = value;
        }

        T best = values[0];
        int bestCount = 0;
        for (int start = 0; start < values.Length;)
        {
            int end = start + 1;
            while (end < values.Length && values[end] == values[start])
            {
                end++;
            }

            if (end - start > bestCount)
            {
                bestCount = end - start;
                best = values[start];
            }

            start = end;
        }

        return best;
    }
}
