using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Dense ranks of float64 heights — <c>np.unique(heights, return_inverse=True)[1]</c>: 0 for the least distinct
/// value, 1 for the next, … — so that a float64 height map floods on the 32-bit paths of <see cref="Watershed"/>
/// (<see cref="FloodGrid"/>) with exactly the comparisons of the float64 heights: for any two voxels, "lower" and
/// "equal" give the same answer on their ranks as on their heights, and that is all the flooding ever asks.
/// </summary>
/// <remarks>
/// Each height becomes a monotone 64-bit key (the radix-sort trick of <see cref="FloatKeys"/>; −0 and +0 one key, as
/// float64 compares them); the (key, voxel) pairs are sorted by <see cref="RadixSort"/> (LSD, skipping the digits
/// every key shares), and one scan of the sorted keys numbers the distinct values and writes each voxel's rank.
/// O(n·d) for d ≤ 6 varying 11-bit digits; in place in a buffer of three float64 volumes (12-byte items and their
/// sort's scratch), nothing allocated.
/// NaN has no rank that keeps float64's comparisons (every comparison with it is false), so a height map with a NaN
/// is refused.
/// </remarks>
internal static class HeightRanks
{
    /// <summary>
    /// Replaces the <paramref name="count"/> heights at the start of <paramref name="buffer"/> by their ranks (uint,
    /// in the buffer's first 4·count bytes); the rest of its first 3·count + 1 elements is scratch. False when a
    /// height is NaN: then the heights are left as they were (the scratch is overwritten either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRank(Span<double> buffer, int count)
    {
        // In float64 elements: heights [0, n); items (12 bytes each) over the last half, [⌈1.5n⌉, 2·⌈1.5n⌉); the sort's
        // scratch over the first, [0, ⌈1.5n⌉), once the heights are read.
        long half = ((3L * count) + 1) / 2;
        if (count < 0 || buffer.Length < 2 * half)
        {
            throw new ArgumentException($"{count} heights need a buffer of {2 * half} elements; got {buffer.Length}.", nameof(buffer));
        }

        var heights = buffer[..count];
        var voxels = MemoryMarshal.Cast<double, KeyedVoxel>(buffer.Slice((int)half, (int)half))[..count];
        for (int i = 0; i < count; i++)
        {
            double height = heights[i];
            if (double.IsNaN(height))
            {
                return false;
            }

            ulong bits = BitConverter.DoubleToUInt64Bits(height + 0d);
            voxels[i] = new KeyedVoxel((long)bits < 0 ? ~bits : bits | 0x8000_0000_0000_0000, i);
        }

        RadixSort.Sort(voxels, MemoryMarshal.Cast<double, KeyedVoxel>(buffer[..(int)half])[..count]);
        var ranks = MemoryMarshal.Cast<double, uint>(heights)[..count];
        uint rank = 0;
        for (int i = 0; i < count; i++)
        {
            rank += i > 0 && voxels[i].Key != voxels[i - 1].Key ? 1u : 0u;
            ranks[voxels[i].Index] = rank;
        }

        return true;
    }

    /// <summary>A voxel's monotone height key and its linear index, packed into 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct KeyedVoxel(ulong key, int index) : IRadixSortable
    {
        public static int KeyWords => 1;

        public ulong Key { get; } = key;

        public int Index { get; } = index;

        public ulong KeyWord(int index) => Key;
    }
}
