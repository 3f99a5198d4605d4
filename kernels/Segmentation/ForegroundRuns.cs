using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BioImage.Kernels;

/// <summary>
/// Run-length encoding of the foreground of one image row: the maximal intervals [start, end) whose elements all
/// pass an <see cref="IForeground{T}"/> test. The row is read 64 elements at a time into a bit mask (one vector
/// compare per <see cref="Vector{T}"/>), and runs are read off the mask's 0→1 and 1→0 transitions with
/// trailing-zero counts, so background and the inside of long runs cost a fraction of a cycle per element.
/// </summary>
internal static class ForegroundRuns
{
    /// <summary>The most runs a row of <paramref name="width"/> elements can hold.</summary>
    public static int MaxRuns(int width) => (width + 1) / 2;

    /// <summary>
    /// Writes the runs of <paramref name="row"/> as (start, end) pairs into <paramref name="runs"/>, which must hold
    /// <c>2 * MaxRuns(row.Length)</c> ints, and returns how many runs there are.
    /// </summary>
    public static int Extract<T, TTest>(ReadOnlySpan<T> row, TTest test, Span<int> runs)
        where T : unmanaged
        where TTest : struct, IForeground<T>
    {
        ref int run = ref MemoryMarshal.GetReference(runs);
        int count = 0;
        int start = 0;
        ulong previousTopBit = 0;
        for (int chunk = 0; chunk < row.Length; chunk += 64)
        {
            int length = Math.Min(64, row.Length - chunk);
            ulong mask = ForegroundMask(row.Slice(chunk, length), test);

            // Bit i of `transitions` is set where element chunk+i differs from element chunk+i-1.
            ulong transitions = mask ^ ((mask << 1) | previousTopBit);
            previousTopBit = mask >> 63;
            while (transitions != 0)
            {
                int position = chunk + BitOperations.TrailingZeroCount(transitions);
                if (((mask >> (position - chunk)) & 1) != 0)
                {
                    start = position;
                }
                else
                {
                    Unsafe.Add(ref run, 2 * count) = start;
                    Unsafe.Add(ref run, (2 * count) + 1) = position;
                    count++;
                }

                transitions &= transitions - 1;
            }
        }

        if (previousTopBit != 0)
        {
            Unsafe.Add(ref run, 2 * count) = start;
            Unsafe.Add(ref run, (2 * count) + 1) = row.Length;
            count++;
        }

        return count;
    }

    /// <summary>Bit i set when element i of <paramref name="chunk"/> (at most 64 elements) is foreground.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ForegroundMask<T, TTest>(ReadOnlySpan<T> chunk, TTest test)
        where T : unmanaged
        where TTest : struct, IForeground<T>
    {
        ulong mask = 0;
        int i = 0;
        if (Simd<T>.IsAccelerated)
        {
            ref T first = ref MemoryMarshal.GetReference(chunk);
            for (; i <= chunk.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var lanes = test.Test(Vector.LoadUnsafe(ref first, (nuint)i));
                mask |= MostSignificantBits(lanes) << i;
            }
        }

        for (; i < chunk.Length; i++)
        {
            if (test.Test(chunk[i]))
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>One bit per lane of <paramref name="lanes"/>: its most significant bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MostSignificantBits<T>(Vector<T> lanes)
    {
        if (Vector<byte>.Count == Vector512<byte>.Count)
        {
            return lanes.AsVector512().ExtractMostSignificantBits();
        }

        if (Vector<byte>.Count == Vector256<byte>.Count)
        {
            return lanes.AsVector256().ExtractMostSignificantBits();
        }

        return lanes.AsVector128().ExtractMostSignificantBits();
    }
}
