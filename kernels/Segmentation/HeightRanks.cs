using System.Buffers;
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
/// O(n·d) for d ≤ 6 varying 11-bit digits; scratch 24 bytes per voxel from the shared pool, returned at the end.
/// NaN has no rank that keeps float64's comparisons (every comparison with it is false), so a height map with a NaN
/// is refused.
/// </remarks>
internal static class HeightRanks
{
    /// <summary>Writes the rank of every height into <paramref name="ranks"/> (which may alias <paramref name="heights"/>' memory); false, and nothing written, when a height is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRank(ReadOnlySpan<double> heights, Span<uint> ranks)
    {
        if (ranks.Length < heights.Length)
        {
            throw new ArgumentException($"{heights.Length} heights need as many ranks; got {ranks.Length}.", nameof(ranks));
        }

        int count = heights.Length;
        var items = ArrayPool<KeyedVoxel>.Shared.Rent(count);
        var scratch = ArrayPool<KeyedVoxel>.Shared.Rent(count);
        try
        {
            var voxels = items.AsSpan(0, count);
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

            RadixSort.Sort(voxels, scratch.AsSpan(0, count));
            uint rank = 0;
            for (int i = 0; i < count; i++)
            {
                rank += i > 0 && voxels[i].Key != voxels[i - 1].Key ? 1u : 0u;
                ranks[voxels[i].Index] = rank;
            }

            return true;
        }
        finally
        {
            ArrayPool<KeyedVoxel>.Shared.Return(items);
            ArrayPool<KeyedVoxel>.Shared.Return(scratch);
        }
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
