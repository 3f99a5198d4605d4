using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace BioImage.Kernels;

/// <summary>
/// Checks that a flooded grid (<see cref="FloodGrid"/>) holds exactly the labels of skimage's watershed, whatever
/// order produced it: one parallel pass over the cells, <see cref="Vector256{T}"/> four voxels at a time, scalar at
/// row ends, around seeds and without hardware vectors.
/// </summary>
/// <remarks>
/// <para>
/// The conditions, with level(v) the cell's flood level, key(v) its height key and least(v) the least level among
/// its flooded neighbours:
/// (1) a seed's level is its key; (2) every other flooded voxel has level(v) = max(key(v), least(v)); (3) every
/// flooded neighbour at level least(v) carries v's label, or, where they carry different labels,
/// <see cref="FloodTies"/> decides which of them pops first and it carries v's label; (4) a free voxel has no flooded
/// neighbour.
/// </para>
/// <para>
/// Why they suffice, given that every level was written from a real path (so it is at least the true minimax
/// level): by (1) and (2), induction along an optimal path shows each level is also at most the true one, so the
/// levels are the true ones. skimage pops voxels in non-decreasing level (the running maximum of popped heights),
/// so the neighbour that labels v — the first of them to pop — is at level least(v). By induction over the order in
/// which skimage labels voxels, that neighbour's label is ours, and by (3) it is v's (with different labels among
/// them, by the argument in <see cref="FloodTies"/>, which needs only the true levels and the keys). By (4) the same voxels are
/// reached. Cost: one read of the cells and the heights; O(n / threads).
/// </para>
/// </remarks>
internal static unsafe class FloodCertificate
{
    /// <summary>True when the grid satisfies the four conditions.</summary>
    public static bool Holds<THeight>(PinnedView<THeight> heights, FloodState state, int degreeOfParallelism)
        where THeight : unmanaged, INumber<THeight>
    {
        int violations = 0;
        ParallelChunks.For(state.Grid.Depth, degreeOfParallelism, (_, firstPlane, endPlane) =>
        {
            int found = 0;
            for (int z = firstPlane; z < endPlane && found == 0; z++)
            {
                for (int y = 0; y < state.Grid.Height; y++)
                {
                    found += CheckRow(heights, z, y, state);
                }
            }

            Interlocked.Add(ref violations, found);
        });
        return violations == 0;
    }

    /// <summary>The check on a grid held in managed arrays (<paramref name="cells"/> and <paramref name="seeds"/> laid out by <see cref="GridLayout"/>), for tests.</summary>
    internal static bool Holds(ReadOnlySpan3D<float> heights, ulong[] cells, ulong[] seeds, (int Z, int Y, int X)[] neighbours)
    {
        var grid = new GridLayout(heights.Depth, heights.Height, heights.Width);
        if (cells.Length < grid.CellCount || seeds.Length < grid.WordCount)
        {
            throw new ArgumentException($"The grid of a {heights.Depth}×{heights.Height}×{heights.Width} volume needs {grid.CellCount} cells and {grid.WordCount} seed words.", nameof(cells));
        }

        fixed (float* heightOrigin = &Unsafe.AsRef(in heights.DangerousGetReferenceAt(0, 0, 0)))
        fixed (ulong* cellOrigin = cells)
        fixed (ulong* seedOrigin = seeds)
        {
            var state = new FloodState(grid, cellOrigin, null, seedOrigin, [.. neighbours.Select(grid.Offset)], FloodTies.Budget.For(grid));
            return Holds(new PinnedView<float>(heightOrigin, heights.Layout), state, 1);
        }
    }

    /// <summary>The number of voxels in row (<paramref name="z"/>, <paramref name="y"/>) that break a condition.</summary>
    private static int CheckRow<THeight>(PinnedView<THeight> heights, int z, int y, FloodState state)
        where THeight : unmanaged, INumber<THeight>
    {
        var row = heights.GetRowSpan(z, y);
        int rowStart = state.Grid.Cell(z, y, 0);
        int violations = 0;
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; x + Vector256<ulong>.Count <= row.Length; x += Vector256<ulong>.Count)
            {
                int cell = rowStart + x;
                if (HasSeed(state.Seeds, cell, Vector256<ulong>.Count) || !HoldForFour(row.Slice(x, Vector256<ulong>.Count), state, cell))
                {
                    violations += CheckEach(heights, z, y, x, Vector256<ulong>.Count, state);
                }
            }
        }

        return violations + CheckEach(heights, z, y, x, row.Length - x, state);
    }

    /// <summary>The number of voxels (z, y, x) … (z, y, x + <paramref name="count"/> − 1) that break a condition.</summary>
    private static int CheckEach<THeight>(PinnedView<THeight> heights, int z, int y, int x, int count, FloodState state)
        where THeight : unmanaged, INumber<THeight>
    {
        var row = heights.GetRowSpan(z, y);
        int violations = 0;
        for (int i = x; i < x + count; i++)
        {
            violations += CheckOne(heights, FloodGrid.Key(row[i]), state, state.Grid.Cell(z, y, i)) ? 0 : 1;
        }

        return violations;
    }

    /// <summary>The conditions for one voxel of key <paramref name="key"/>.</summary>
    private static bool CheckOne<THeight>(PinnedView<THeight> heights, uint key, FloodState state, int cell)
        where THeight : unmanaged, INumber<THeight>
    {
        ulong value = state.Cells[cell];
        if (value == FloodGrid.BlockedCell)
        {
            return true;
        }

        ulong owner = value & FloodGrid.OwnerMask;
        uint least = uint.MaxValue;
        bool floodedNeighbour = false;
        foreach (int offset in state.Offsets)
        {
            ulong neighbour = state.Cells[cell + offset];
            if (FloodGrid.IsFlooded(neighbour))
            {
                floodedNeighbour = true;
                least = Math.Min(least, (uint)neighbour);
            }
        }

        if (owner == 0)
        {
            return !floodedNeighbour;
        }

        if ((state.Seeds[cell >> 6] & (1UL << cell)) != 0)
        {
            return (uint)value == key;
        }

        if ((uint)value != Math.Max(key, least))
        {
            return false;
        }

        foreach (int offset in state.Offsets)
        {
            ulong neighbour = state.Cells[cell + offset];
            if (FloodGrid.IsFlooded(neighbour) && (uint)neighbour == least && (neighbour & FloodGrid.OwnerMask) != owner)
            {
                return FloodTies.FirstOwner(heights, state, cell, least) == owner;
            }
        }

        return true;
    }

    /// <summary>
    /// The conditions for four neighbouring voxels, none a seed, with (3) in its plain form: true when all four hold
    /// them (false also when only <see cref="FloodTies"/> could accept one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HoldForFour<THeight>(ReadOnlySpan<THeight> heights, FloodState state, int cell)
        where THeight : unmanaged
    {
        var levelMask = Vector256.Create(0xFFFF_FFFFUL);
        var ownerMask = Vector256.Create(FloodGrid.OwnerMask);
        var highest = Vector256.Create(0xFFFF_FFFFUL);
        var value = Vector256.Load(state.Cells + cell);
        var owner = value & ownerMask;
        var free = Vector256.Equals(owner, Vector256<ulong>.Zero);
        var flooded = ~free & ~Vector256.Equals(value, Vector256<ulong>.AllBitsSet);
        var least = highest;
        var floodedNeighbour = Vector256<ulong>.Zero;
        foreach (int offset in state.Offsets)
        {
            var neighbour = Vector256.Load(state.Cells + cell + offset);
            var neighbourFree = Vector256.Equals(neighbour & ownerMask, Vector256<ulong>.Zero);
            floodedNeighbour |= ~neighbourFree & ~Vector256.Equals(neighbour, Vector256<ulong>.AllBitsSet);
            least = Vector256.Min(least, Vector256.ConditionalSelect(neighbourFree, highest, neighbour & levelMask));
        }

        var keys = Vector256.Create(FloodGrid.Key(heights[0]), FloodGrid.Key(heights[1]), FloodGrid.Key(heights[2]), (ulong)FloodGrid.Key(heights[3]));
        var broken = (flooded & ~Vector256.Equals(value & levelMask, Vector256.Max(keys, least))) | (free & floodedNeighbour);
        foreach (int offset in state.Offsets)
        {
            var neighbour = Vector256.Load(state.Cells + cell + offset);
            var neighbourOwner = neighbour & ownerMask;
            var neighbourFlooded = ~Vector256.Equals(neighbourOwner, Vector256<ulong>.Zero) & ~Vector256.Equals(neighbour, Vector256<ulong>.AllBitsSet);
            broken |= flooded & neighbourFlooded & Vector256.Equals(neighbour & levelMask, least) & ~Vector256.Equals(neighbourOwner, owner);
        }

        return broken == Vector256<ulong>.Zero;
    }

    private static bool HasSeed(ulong* seeds, int firstCell, int count)
    {
        for (int cell = firstCell; cell < firstCell + count; cell++)
        {
            if ((seeds[cell >> 6] & (1UL << cell)) != 0)
            {
                return true;
            }
        }

        return false;
    }
}
