using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// The seeded watershed's flooding loop on a padded grid of cells, for height types with order-preserving 32-bit
/// keys (float32 and integers of up to 32 bits): pops exactly in skimage's (height, age) order — through
/// <see cref="FloodRadixQueue"/> when seeds never tie across labels, through the replica of skimage's heap
/// (<see cref="FloodHeap"/>, seeds all of age 0) otherwise — so the labels equal skimage's, voxel for voxel.
/// </summary>
/// <remarks>
/// Each cell is one 64-bit word: the voxel's key (low half) and its owner (high half: 0 free, the seed's number + 1
/// once flooded, all ones outside the volume or the mask). A one-voxel frame of blocked cells around the volume
/// makes every neighbour a fixed offset from the voxel without bounds checks, and reading a neighbour's owner and
/// key is one memory access. The owners become the seeds' labels in one pass at the end. Memory: 8 bytes per voxel
/// of the padded volume, rented from the shared pool. Time: O(n) pushes and pops, each O(1) amortised.
/// </remarks>
internal static unsafe class FloodGrid
{
    private const ulong OwnerMask = 0xFFFF_FFFF_0000_0000;
    private const ulong BlockedCell = OwnerMask;

    /// <summary>True when <typeparamref name="THeight"/> has order-preserving 32-bit keys.</summary>
    public static bool Supports<THeight>() =>
        typeof(THeight) == typeof(float) || typeof(THeight) == typeof(byte) || typeof(THeight) == typeof(sbyte)
        || typeof(THeight) == typeof(ushort) || typeof(THeight) == typeof(short) || typeof(THeight) == typeof(uint) || typeof(THeight) == typeof(int);

    /// <summary>
    /// Floods from the seeds at the linear (unpadded) <paramref name="seedIndices"/>, in raster order, and writes the
    /// labels; false (and <paramref name="labels"/> untouched) when a height is NaN or the padded volume is too large.
    /// </summary>
    /// <param name="heights">The height map.</param>
    /// <param name="labels">On entry the seeds, on exit the labels.</param>
    /// <param name="neighbours">The neighbour offsets in skimage's order.</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded.</param>
    /// <param name="seedIndices">The seeds' linear indices in raster order (overwritten with their cells).</param>
    /// <param name="radix">True when no two seeds of different labels tie (the radix queue is exact), else the heap replica.</param>
    public static bool TryFlood<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, (int Z, int Y, int X)[] neighbours, ReadOnlySpan3D<bool> mask, List<int> seedIndices, bool radix)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        int depth = heights.Depth, height = heights.Height, width = heights.Width;
        int rowStride = width + 2, planeStride = rowStride * (height + 2);
        long cellCount = (long)planeStride * (depth + 2);
        if (cellCount > Array.MaxLength)
        {
            return false;
        }

        var cells = ArrayPool<ulong>.Shared.Rent((int)cellCount);
        var seedLabels = ArrayPool<TLabel>.Shared.Rent(seedIndices.Count);
        try
        {
            if (!Fill(heights, mask, cells.AsSpan(0, (int)cellCount), rowStride, planeStride))
            {
                return false;
            }

            var offsets = neighbours.Select(n => (n.Z * planeStride) + (n.Y * rowStride) + n.X).ToArray();
            int plane = height * width;
            for (int i = 0; i < seedIndices.Count; i++)
            {
                int z = Math.DivRem(seedIndices[i], plane, out int rest);
                int y = Math.DivRem(rest, width, out int x);
                int cell = ((z + 1) * planeStride) + ((y + 1) * rowStride) + x + 1;
                seedLabels[i] = labels.DangerousGetReferenceAt(z, y, x);
                cells[cell] = (cells[cell] & ~OwnerMask) | ((ulong)(uint)(i + 1) << 32);
                seedIndices[i] = cell;
            }

            fixed (ulong* pinned = cells)
            {
                if (radix)
                {
                    using var queue = new FloodRadixQueue();
                    queue.PrefetchOnPromotion(pinned, [.. neighbours.Select(n => (n.Z * planeStride) + (n.Y * rowStride)).Append(0).Distinct()]);
                    Flood(ref *pinned, offsets, seedIndices, new RadixQueue(queue));
                }
                else
                {
                    using var heap = new FloodHeap();
                    Flood(ref *pinned, offsets, seedIndices, new HeapReplica(heap, [0]));
                }
            }

            WriteLabels(cells, labels, seedLabels.AsSpan(0, seedIndices.Count), rowStride, planeStride);
            return true;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(cells);
            ArrayPool<TLabel>.Shared.Return(seedLabels);
        }
    }

    /// <summary>Pushes the seed cells in order, then floods; <paramref name="queue"/> a struct, so its calls inline.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flood<TQueue>(ref ulong cells, int[] offsets, List<int> seedCells, TQueue queue)
        where TQueue : struct, IGridQueue
    {
        foreach (int seed in seedCells)
        {
            queue.PushSeed((uint)Unsafe.Add(ref cells, seed), seed);
        }

        int voxel;
        while ((voxel = queue.Pop()) >= 0)
        {
            ulong owner = Unsafe.Add(ref cells, voxel) & OwnerMask;
            foreach (int offset in offsets)
            {
                int neighbour = voxel + offset;
                ref ulong cell = ref Unsafe.Add(ref cells, neighbour);
                if ((cell & OwnerMask) != 0)
                {
                    continue;
                }

                cell |= owner;
                queue.Push((uint)cell, neighbour);
            }
        }
    }

    /// <summary>What the flood needs of its queue: seeds first, then voxels; pops return voxel indices, −1 when empty.</summary>
    private interface IGridQueue
    {
        void PushSeed(uint key, int index);

        void Push(uint key, int index);

        int Pop();
    }

    private readonly struct RadixQueue(FloodRadixQueue queue) : IGridQueue
    {
        public void PushSeed(uint key, int index) => queue.Push(key, index);

        public void Push(uint key, int index) => queue.Push(key, index);

        public int Pop() => queue.Pop();
    }

    /// <summary>skimage's heap: every seed of age 0, then ages 1, 2, … in push order.</summary>
    private readonly struct HeapReplica(FloodHeap heap, int[] age) : IGridQueue
    {
        public void PushSeed(uint key, int index) => heap.Push(new FloodItem(key, 0, index));

        public void Push(uint key, int index) => heap.Push(new FloodItem(key, ++age[0], index));

        public int Pop() => heap.Count > 0 ? heap.Pop().Index : -1;
    }

    /// <summary>Writes every voxel's key into its cell, free or blocked by the mask, and blocks the frame; false on NaN.</summary>
    private static bool Fill<THeight>(ReadOnlySpan3D<THeight> heights, ReadOnlySpan3D<bool> mask, Span<ulong> cells, int rowStride, int planeStride)
        where THeight : unmanaged, INumber<THeight>
    {
        int depth = heights.Depth, height = heights.Height, width = heights.Width;
        bool masked = !mask.IsEmpty;
        cells[..planeStride].Fill(BlockedCell);
        cells[^planeStride..].Fill(BlockedCell);
        for (int z = 0; z < depth; z++)
        {
            var planeCells = cells.Slice((z + 1) * planeStride, planeStride);
            planeCells[..rowStride].Fill(BlockedCell);
            planeCells[^rowStride..].Fill(BlockedCell);
            for (int y = 0; y < height; y++)
            {
                var row = planeCells.Slice((y + 1) * rowStride, rowStride);
                row[0] = row[^1] = BlockedCell;
                var heightRow = heights.GetRowSpan(z, y);
                var maskRow = masked ? mask.GetRowSpan(z, y) : default;
                bool nan = false;
                for (int x = 0; x < width; x++)
                {
                    var value = heightRow[x];
                    nan |= THeight.IsNaN(value);
                    row[x + 1] = Key(value) | (masked && !maskRow[x] ? BlockedCell : 0);
                }

                if (nan)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The order-preserving key of a height (float32: −0 and +0 equal, as skimage compares them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Key<THeight>(THeight value)
        where THeight : unmanaged
    {
        if (typeof(THeight) == typeof(float))
        {
            uint bits = BitConverter.SingleToUInt32Bits(Unsafe.As<THeight, float>(ref value) + 0f);
            return (int)bits < 0 ? ~bits : bits | 0x8000_0000;
        }

        if (typeof(THeight) == typeof(byte))
        {
            return Unsafe.As<THeight, byte>(ref value);
        }

        if (typeof(THeight) == typeof(ushort))
        {
            return Unsafe.As<THeight, ushort>(ref value);
        }

        if (typeof(THeight) == typeof(uint))
        {
            return Unsafe.As<THeight, uint>(ref value);
        }

        if (typeof(THeight) == typeof(sbyte))
        {
            return (uint)(Unsafe.As<THeight, sbyte>(ref value) + 128);
        }

        if (typeof(THeight) == typeof(short))
        {
            return (uint)(Unsafe.As<THeight, short>(ref value) + 32768);
        }

        return (uint)Unsafe.As<THeight, int>(ref value) ^ 0x8000_0000;
    }

    private static void WriteLabels<TLabel>(ulong[] cells, Span3D<TLabel> labels, ReadOnlySpan<TLabel> seedLabels, int rowStride, int planeStride)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        for (int z = 0; z < labels.Depth; z++)
        {
            for (int y = 0; y < labels.Height; y++)
            {
                var row = labels.GetRowSpan(z, y);
                var rowCells = cells.AsSpan(((z + 1) * planeStride) + ((y + 1) * rowStride) + 1, row.Length);
                for (int x = 0; x < row.Length; x++)
                {
                    uint seed = (uint)(rowCells[x] >> 32) - 1;
                    row[x] = seed < (uint)seedLabels.Length ? seedLabels[(int)seed] : TLabel.Zero;
                }
            }
        }
    }
}
