using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// The seeded watershed's flooding on a padded grid of cells, for height types with order-preserving 32-bit keys
/// (float32 and integers of up to 32 bits): pops exactly in skimage's (height, age) order — through
/// <see cref="FloodRadixQueue"/> when seeds never tie across labels, through the replica of skimage's heap
/// (<see cref="FloodHeap"/>, seeds all of age 0) otherwise — so the labels equal skimage's, voxel for voxel. With
/// more than one thread the radix flood of float32 heights runs in slabs of planes and is made exact across their
/// seams.
/// </summary>
/// <remarks>
/// <para>
/// Each cell is one 64-bit word: its owner in the high half (0 free, the seed's number + 1 once flooded, all ones
/// outside the volume or the mask) and in the low half the voxel's key until it pops, then its flood level (the
/// water level when it popped: the least, over paths from a seed, of the highest key on the path). A bitmap marks
/// the cells that are flooded or blocked, so the test of a neighbour reads 2 MiB per 16 M voxels instead of the
/// cells. A one-voxel frame of blocked cells around the volume makes every neighbour a fixed offset from the voxel
/// without bounds checks, and planes are padded to whole bitmap words. The owners become the seeds' labels in one
/// pass at the end. Memory: 8 bytes and 2 bits (a seed bitmap too) per voxel of the padded volume, 2 bits more
/// while a seam is repaired; the cells and the flooded bitmap in a <see cref="HugePageBuffer"/> (random access over
/// a gigabyte misses the TLB on 4 KiB pages), the rest rented from the shared pool.
/// </para>
/// <para>
/// Slabs (two or more threads in <see cref="TryFlood"/>): each thread floods its planes from
/// its own seeds as if the volume ended at the slab. <see cref="FloodSeamRepair"/> then lowers the levels that are
/// reached more cheaply across a seam and relabels what depends on them, and <see cref="FloodCertificate"/> checks
/// the result in one parallel pass; the check implies the labels equal skimage's. If it fails (ties that the
/// levels cannot order, see <see cref="FloodTies"/>) the volume is flooded again in one piece. Time: O(n) pushes and
/// pops, each O(1) amortised, plus the repair, which is proportional to the voxels it changes.
/// </para>
/// </remarks>
internal static unsafe class FloodGrid
{
    /// <summary>The owner half of a cell.</summary>
    public const ulong OwnerMask = 0xFFFF_FFFF_0000_0000;

    /// <summary>A cell outside the volume or the mask: owner and level all ones.</summary>
    public const ulong BlockedCell = ulong.MaxValue;

    /// <summary>Slabs are at least this many planes thick.</summary>
    private const int MinSlabPlanes = 4;

    /// <summary>
    /// At most this many slabs: each seam costs a sequential repair (on 256³ noise about 0.2 s, against 1.4 s for
    /// the whole flood on one thread), so a third slab still saves a little and a fourth would not.
    /// </summary>
    private const int MaxSlabs = 3;

    /// <summary>True when <typeparamref name="THeight"/> has order-preserving 32-bit keys.</summary>
    public static bool Supports<THeight>() =>
        typeof(THeight) == typeof(float) || typeof(THeight) == typeof(byte) || typeof(THeight) == typeof(sbyte)
        || typeof(THeight) == typeof(ushort) || typeof(THeight) == typeof(short) || typeof(THeight) == typeof(uint) || typeof(THeight) == typeof(int);

    /// <summary>True for a flooded cell: neither free nor blocked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFlooded(ulong cell) => (cell & OwnerMask) != 0 && cell != BlockedCell;

    /// <summary>
    /// Floods from the seeds at the linear (unpadded) <paramref name="seedIndices"/>, in raster order, and writes the
    /// labels; false (and <paramref name="labels"/> untouched) when a height is NaN or the padded volume is too large.
    /// </summary>
    /// <param name="heights">The height map.</param>
    /// <param name="labels">On entry the seeds, on exit the labels.</param>
    /// <param name="neighbours">The neighbour offsets in skimage's order.</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded.</param>
    /// <param name="seedIndices">The seeds' linear indices in raster order.</param>
    /// <param name="radix">True when no two seeds of different labels tie (the radix queue is exact), else the heap replica.</param>
    /// <param name="degreeOfParallelism">Threads: from 2 on, the radix flood of float32 heights runs in slabs (integer heights tie too often to be certified).</param>
    /// <param name="inSlabs">Set to true when the result came from slabs (for tests), false when from one flood.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryFlood<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, (int Z, int Y, int X)[] neighbours, ReadOnlySpan3D<bool> mask, List<int> seedIndices, bool radix, int degreeOfParallelism, out bool inSlabs)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        inSlabs = false;
        var grid = new GridLayout(heights.Depth, heights.Height, heights.Width);
        if (grid.CellCount > Array.MaxLength || heights.Layout.Count == 0)
        {
            return false;
        }

        using var cellsAndFlooded = HugePageBuffer.Rent((grid.CellCount + grid.WordCount) * sizeof(ulong));
        var seedBits = ArrayPool<ulong>.Shared.Rent(grid.WordCount);
        var seedCells = new int[seedIndices.Count];
        var seedLabels = new TLabel[seedIndices.Count];
        try
        {
            fixed (THeight* heightOrigin = &Unsafe.AsRef(in heights.DangerousGetReferenceAt(0, 0, 0)))
            fixed (bool* maskOrigin = &(mask.IsEmpty ? ref Unsafe.NullRef<bool>() : ref Unsafe.AsRef(in mask.DangerousGetReferenceAt(0, 0, 0))))
            fixed (TLabel* labelOrigin = &labels.DangerousGetReferenceAt(0, 0, 0))
            fixed (ulong* seedOrigin = seedBits)
            {
                ulong* cellOrigin = (ulong*)cellsAndFlooded.Pointer;
                ulong* floodedOrigin = cellOrigin + grid.CellCount;
                var heightView = new PinnedView<THeight>(heightOrigin, heights.Layout);
                var maskView = mask.IsEmpty ? default : new PinnedView<bool>(maskOrigin, mask.Layout);
                var labelView = new PinnedView<TLabel>(labelOrigin, labels.Layout);
                var state = new FloodState(grid, cellOrigin, floodedOrigin, seedOrigin, [.. neighbours.Select(grid.Offset)], FloodTies.Budget.For(grid));
                for (int i = 0; i < seedIndices.Count; i++)
                {
                    var (z, y, x) = grid.Unpadded(seedIndices[i]);
                    seedCells[i] = grid.Cell(z, y, x);
                    seedLabels[i] = labelView.GetRowSpan(z, y)[x];
                }

                if (!Fill(heightView, maskView, state, seedCells, degreeOfParallelism))
                {
                    return false;
                }

                int slabs = radix && typeof(THeight) == typeof(float) ? Math.Min(Math.Min(degreeOfParallelism, MaxSlabs), grid.Depth / MinSlabPlanes) : 1;
                if (slabs >= 2)
                {
                    inSlabs = FloodInSlabs(heightView, state, seedCells, slabs, degreeOfParallelism);
                    if (!inSlabs)
                    {
                        Fill(heightView, maskView, state, seedCells, degreeOfParallelism);
                    }
                }

                if (!inSlabs)
                {
                    FloodOnePiece(state, seedCells, radix);
                }

                WriteLabels(state, labelView, seedLabels, degreeOfParallelism);
            }

            return true;
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(seedBits);
        }
    }

    /// <summary>
    /// Floods the cells in [<paramref name="first"/>, <paramref name="end"/>) from <paramref name="seedCells"/>
    /// (all inside), treating cells outside the range as blocked; <paramref name="queue"/> a struct, so its calls inline.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Flood<TQueue>(FloodState state, ReadOnlySpan<int> seedCells, int first, int end, TQueue queue)
        where TQueue : struct, IGridQueue
    {
        ulong* cells = state.Cells;
        foreach (int seed in seedCells)
        {
            queue.PushSeed((uint)cells[seed], seed);
        }

        var offsets = state.Offsets;
        var range = new CellRange(first, end);
        bool six = offsets.Length == 6;
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = six ? offsets[3] : 0, o4 = six ? offsets[4] : 0, o5 = six ? offsets[5] : 0;
        uint level = 0;
        int voxel;
        while ((voxel = queue.Pop()) >= 0)
        {
            ulong cell = cells[voxel];
            level = Math.Max(level, (uint)cell);
            ulong owner = cell & OwnerMask;
            cells[voxel] = owner | level;
            if (six)
            {
                Claim(state, range, voxel + o0, owner, ref queue);
                Claim(state, range, voxel + o1, owner, ref queue);
                Claim(state, range, voxel + o2, owner, ref queue);
                Claim(state, range, voxel + o3, owner, ref queue);
                Claim(state, range, voxel + o4, owner, ref queue);
                Claim(state, range, voxel + o5, owner, ref queue);
            }
            else
            {
                foreach (int offset in offsets)
                {
                    Claim(state, range, voxel + offset, owner, ref queue);
                }
            }
        }
    }

    /// <summary>Labels <paramref name="neighbour"/> with <paramref name="owner"/> and queues it, if it is in range and free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Claim<TQueue>(FloodState state, CellRange range, int neighbour, ulong owner, ref TQueue queue)
        where TQueue : struct, IGridQueue
    {
        ulong* word = state.Flooded + (neighbour >> 6);
        ulong bit = 1UL << neighbour;
        if (!range.Contains(neighbour) || (*word & bit) != 0)
        {
            return;
        }

        *word |= bit;
        ulong* cell = state.Cells + neighbour;
        *cell |= owner;
        queue.Push((uint)*cell, neighbour);
    }

    private static void FloodOnePiece(FloodState state, int[] seedCells, bool radix)
    {
        if (radix)
        {
            using var queue = new FloodRadixQueue(state.Grid.CellCount);
            queue.PrefetchCells(state.Cells, state.Flooded, state.Offsets);
            Flood(state, seedCells, 0, (int)state.Grid.CellCount, new RadixQueue(queue));
        }
        else
        {
            using var heap = new FloodHeap();
            Flood(state, seedCells, 0, (int)state.Grid.CellCount, new HeapReplica(heap, [0]));
        }
    }

    /// <summary>Floods <paramref name="slabs"/> slabs of planes in parallel, repairs the seams and checks the result; false if the check fails.</summary>
    private static bool FloodInSlabs<THeight>(PinnedView<THeight> heights, FloodState state, int[] seedCells, int slabs, int degreeOfParallelism)
        where THeight : unmanaged, INumber<THeight>
    {
        var grid = state.Grid;

        // Slab s holds the padded planes [first plane, end plane); the frame planes go to the first and last slab.
        var firstPlanes = Enumerable.Range(0, slabs + 1).Select(s => s == 0 ? 0 : s == slabs ? grid.Depth + 2 : 1 + ParallelChunks.Start(grid.Depth, slabs, s)).ToArray();
        ParallelChunks.For(slabs, slabs, (_, firstSlab, endSlab) =>
        {
            for (int s = firstSlab; s < endSlab; s++)
            {
                int first = firstPlanes[s] * grid.PlaneStride, end = firstPlanes[s + 1] * grid.PlaneStride;
                using var queue = new FloodRadixQueue(end - first);
                queue.PrefetchCells(state.Cells, state.Flooded, state.Offsets);
                Flood(state, seedCells.Where(c => c >= first && c < end).ToArray(), first, end, new RadixQueue(queue));
            }
        });

        var seamPlanes = firstPlanes[1..^1];
        return FloodSeamRepair.Run(heights, state, seamPlanes) && FloodCertificate.Holds(heights, state, degreeOfParallelism);
    }

    /// <summary>Writes every voxel's key into its cell, free or blocked by the mask, blocks the frame and marks the seeds; false on NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Fill<THeight>(PinnedView<THeight> heights, PinnedView<bool> mask, FloodState state, int[] seedCells, int degreeOfParallelism)
        where THeight : unmanaged, INumber<THeight>
    {
        var grid = state.Grid;
        bool masked = mask.Layout.Count > 0;
        int nan = 0;
        ParallelChunks.For(grid.Depth + 2, degreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, firstPlane, endPlane) =>
        {
            for (int z = firstPlane; z < endPlane; z++)
            {
                var plane = new Span<ulong>(state.Cells + ((long)z * grid.PlaneStride), grid.PlaneStride);
                var planeBits = new Span<ulong>(state.Flooded + ((long)z * grid.PlaneStride / 64), grid.PlaneStride / 64);
                new Span<ulong>(state.Seeds + ((long)z * grid.PlaneStride / 64), grid.PlaneStride / 64).Clear();
                planeBits.Fill(ulong.MaxValue);
                if (z == 0 || z == grid.Depth + 1)
                {
                    plane.Fill(BlockedCell);
                    continue;
                }

                // The frame rows, the frame cells at both row ends and the padding after the last frame row.
                plane[..(grid.RowStride + 1)].Fill(BlockedCell);
                plane[(grid.RowStride * (grid.Height + 1))..].Fill(BlockedCell);
                for (int y = 0; y < grid.Height; y++)
                {
                    int end = grid.Cell(0, y, grid.Width) - grid.PlaneStride;
                    plane[end] = plane[end + 1] = BlockedCell;
                }

                for (int y = 0; y < grid.Height; y++)
                {
                    int rowStart = grid.Cell(0, y, 0) - grid.PlaneStride;
                    var row = plane.Slice(rowStart, grid.Width);
                    var heightRow = heights.GetRowSpan(z - 1, y);
                    var maskRow = masked ? mask.GetRowSpan(z - 1, y) : default;
                    bool rowHasNaN = false;
                    for (int x = 0; x < row.Length; x++)
                    {
                        var value = heightRow[x];
                        rowHasNaN |= THeight.IsNaN(value);
                        row[x] = Key(value);
                    }

                    ClearBits(planeBits, rowStart, row.Length);
                    for (int x = 0; masked && x < row.Length; x++)
                    {
                        if (!maskRow[x])
                        {
                            row[x] = BlockedCell;
                            planeBits[(rowStart + x) >> 6] |= 1UL << (rowStart + x);
                        }
                    }

                    if (rowHasNaN)
                    {
                        Interlocked.Exchange(ref nan, 1);
                    }
                }
            }
        });

        for (int i = 0; i < seedCells.Length; i++)
        {
            int cell = seedCells[i];
            state.Cells[cell] = (state.Cells[cell] & ~OwnerMask) | ((ulong)(uint)(i + 1) << 32);
            state.Flooded[cell >> 6] |= 1UL << cell;
            state.Seeds[cell >> 6] |= 1UL << cell;
        }

        return nan == 0;
    }

    /// <summary>Clears bits [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of <paramref name="bits"/>.</summary>
    private static void ClearBits(Span<ulong> bits, int first, int count)
    {
        int end = first + count;
        while (first < end)
        {
            int inWord = Math.Min(64 - (first & 63), end - first);
            ulong run = inWord == 64 ? ulong.MaxValue : ((1UL << inWord) - 1) << (first & 63);
            bits[first >> 6] &= ~run;
            first += inWord;
        }
    }

    /// <summary>The order-preserving key of a height (float32: −0 and +0 equal, as skimage compares them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Key<THeight>(THeight value)
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

    private static void WriteLabels<TLabel>(FloodState state, PinnedView<TLabel> labels, TLabel[] seedLabels, int degreeOfParallelism)
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        var grid = state.Grid;
        ParallelChunks.For(grid.Depth, degreeOfParallelism, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (_, firstPlane, endPlane) =>
        {
            for (int z = firstPlane; z < endPlane; z++)
            {
                for (int y = 0; y < grid.Height; y++)
                {
                    var row = labels.GetRowSpan(z, y);
                    var rowCells = new ReadOnlySpan<ulong>(state.Cells + grid.Cell(z, y, 0), row.Length);
                    for (int x = 0; x < row.Length; x++)
                    {
                        uint seed = (uint)(rowCells[x] >> 32) - 1;
                        row[x] = seed < (uint)seedLabels.Length ? seedLabels[seed] : TLabel.Zero;
                    }
                }
            }
        });
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

    /// <summary>The cells a slab's flood may claim: [First, End).</summary>
    private readonly record struct CellRange(int First, int End)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool Contains(int cell) => (uint)(cell - First) < (uint)(End - First);
    }
}

/// <summary>
/// The padded grid of a <c>Depth × Height × Width</c> volume: a frame of one cell on every side, planes padded to a
/// multiple of 64 cells (whole words of the bitmaps, so slabs of planes never share a word).
/// </summary>
internal readonly record struct GridLayout(int Depth, int Height, int Width)
{
    /// <summary>Cells from one row to the next.</summary>
    public int RowStride => Width + 2;

    /// <summary>Cells from one plane to the next.</summary>
    public int PlaneStride => ((RowStride * (Height + 2)) + 63) & ~63;

    /// <summary>Cells in the grid (may exceed <see cref="int.MaxValue"/>; callers check).</summary>
    public long CellCount => (long)PlaneStride * (Depth + 2);

    /// <summary>64-bit words of a bitmap over the cells.</summary>
    public int WordCount => (int)(CellCount / 64);

    /// <summary>The cell of voxel (z, y, x).</summary>
    public int Cell(int z, int y, int x) => ((z + 1) * PlaneStride) + ((y + 1) * RowStride) + x + 1;

    /// <summary>The voxel of an interior cell.</summary>
    public (int Z, int Y, int X) Voxel(int cell)
    {
        int z = Math.DivRem(cell, PlaneStride, out int rest);
        int y = Math.DivRem(rest, RowStride, out int x);
        return (z - 1, y - 1, x - 1);
    }

    /// <summary>The voxel at the linear index of the unpadded volume.</summary>
    public (int Z, int Y, int X) Unpadded(int index)
    {
        int z = Math.DivRem(index, Height * Width, out int rest);
        int y = Math.DivRem(rest, Width, out int x);
        return (z, y, x);
    }

    /// <summary>The cell offset of a neighbour offset.</summary>
    public int Offset((int Z, int Y, int X) neighbour) => (neighbour.Z * PlaneStride) + (neighbour.Y * RowStride) + neighbour.X;
}

/// <summary>
/// The pinned grid of one flood: cells, the flooded-or-blocked bitmap, the seed bitmap, the neighbour offsets and what
/// its tie replays may still spend.
/// </summary>
internal readonly unsafe struct FloodState(GridLayout grid, ulong* cells, ulong* flooded, ulong* seeds, int[] offsets, FloodTies.Budget tieBudget)
{
    /// <summary>The grid's layout.</summary>
    public GridLayout Grid { get; } = grid;

    /// <summary>The cells (owner high, key or level low).</summary>
    public ulong* Cells { get; } = cells;

    /// <summary>One bit per cell: flooded or blocked.</summary>
    public ulong* Flooded { get; } = flooded;

    /// <summary>One bit per cell: a seed.</summary>
    public ulong* Seeds { get; } = seeds;

    /// <summary>The neighbours' cell offsets in skimage's order.</summary>
    public int[] Offsets { get; } = offsets;

    /// <summary>The voxels that <see cref="FloodTies"/> may still replay for this flood.</summary>
    public FloodTies.Budget TieBudget { get; } = tieBudget;
}
