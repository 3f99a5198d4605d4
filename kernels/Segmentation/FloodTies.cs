using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// The order in which skimage's flood pops the voxels of one level, replayed from the grid's levels and keys: which
/// label a voxel gets when its least-level neighbours carry different labels (two passes of exactly the same
/// height), and the labels of an equal-level class that two such passes reach.
/// </summary>
/// <remarks>
/// <para>
/// skimage pops in (key, age) order, age the push count (seeds age 0), and labels a voxel when it is pushed, from the
/// neighbour that pops first. The water level (the level of each voxel as it pops) never falls, so every voxel of a
/// lower level pops before every voxel of a higher one, and the voxels of one level m pop as follows. When the water
/// reaches m, the queue holds items of key m pushed at lower water levels — the early voxels: seeds of key m (oldest),
/// then the others in the order of the water level l &lt; m at which they were pushed, which is the least level among
/// their neighbours. These pop oldest first; each pushes its free neighbours, and those of key below m pop at once,
/// in (key, age) order, before the next item of key m (a cascade), while those of key m join the queue behind every
/// early voxel (late). Every voxel of level m is early or is reached this way from its own class (its connected
/// voxels of level m), so the pops of a few classes can be replayed alone: a small flood over their voxels, the early
/// ones pushed first in order of l with their known labels.
/// </para>
/// <para>
/// The replay needs the true levels and the early voxels' labels, and it decides nothing when two early voxels of
/// different labels were pushed at the same water level (their order is the push order within that level) or when the
/// classes exceed <see cref="MaxReplayed"/> voxels. Cost: linear in the voxels of the classes, with a binary heap;
/// only tied voxels pay it (one in 55 M voxels of the benchmark's noise).
/// </para>
/// </remarks>
internal static unsafe class FloodTies
{
    /// <summary>The largest number of voxels a replay visits before it gives up.</summary>
    private const int MaxReplayed = 1 << 20;

    /// <summary>A flood's replays may visit one voxel per this many of its cells in all (see <see cref="Budget"/>).</summary>
    private const int CellsPerReplayedVoxel = 64;

    /// <summary>The least budget, for small volumes: a few hundred ordinary replays.</summary>
    private const int LeastBudget = 1 << 16;

    /// <summary>What <see cref="PushedAt"/> returns for a voxel that is not early.</summary>
    private const ulong NotEarly = ulong.MaxValue;

    /// <summary>
    /// The owner (cell high half) that skimage gives the flooded non-seed voxel at <paramref name="cell"/> from its
    /// neighbours at level <paramref name="least"/>, or 0 when the grid does not decide it; the early voxels' labels
    /// are read from the cells.
    /// </summary>
    public static ulong FirstOwner<THeight>(PinnedView<THeight> heights, FloodState state, int cell, uint least)
        where THeight : unmanaged, INumber<THeight>
    {
        if (state.TieBudget.Spent)
        {
            return 0;
        }

        var tied = new List<int>();
        foreach (int offset in state.Offsets)
        {
            ulong neighbour = state.Cells[cell + offset];
            if (FloodGrid.IsFlooded(neighbour) && (uint)neighbour == least)
            {
                tied.Add(cell + offset);
            }
        }

        var classes = ClassesOf(state, tied, least);
        var popped = classes is null ? null : Replay(heights, state, least, classes, early => state.Cells[early] & FloodGrid.OwnerMask);
        if (popped is null)
        {
            return 0;
        }

        int first = tied.MinBy(neighbour => popped[neighbour].Order);
        return popped[first].Owner;
    }

    /// <summary>True when a replay of <paramref name="members"/> voxels is not refused outright (too many, or the budget spent).</summary>
    public static bool MayReplay(FloodState state, int members) => members <= MaxReplayed && !state.TieBudget.Spent;

    /// <summary>
    /// Replays the pops of the voxels of level <paramref name="level"/> in <paramref name="members"/> (whole classes),
    /// the early ones labelled by <paramref name="earlyOwner"/>: each member's owner and pop order, or null when
    /// undecided (two early voxels of different owners pushed at the same water level, an early owner that is not one
    /// (0, or with low bits set), too many members, or the budget spent).
    /// </summary>
    public static Dictionary<int, (ulong Owner, int Order)>? Replay<THeight>(PinnedView<THeight> heights, FloodState state, uint level, IReadOnlyCollection<int> members, Func<int, ulong> earlyOwner)
        where THeight : unmanaged, INumber<THeight>
    {
        if (members.Count > MaxReplayed)
        {
            state.TieBudget.Exhaust();
        }

        if (members.Count == 0 || !state.TieBudget.TrySpend(members.Count))
        {
            return null;
        }

        var early = new List<(ulong PushedAt, int Cell, ulong Owner)>();
        foreach (int member in members)
        {
            ulong pushedAt = PushedAt(heights, state, member, level);
            if (pushedAt != NotEarly)
            {
                ulong owner = earlyOwner(member);
                if (owner == 0 || (owner & ~FloodGrid.OwnerMask) != 0)
                {
                    return null;
                }

                early.Add((pushedAt, member, owner));
            }
        }

        early.Sort();
        for (int i = 1; i < early.Count; i++)
        {
            if (early[i].PushedAt == early[i - 1].PushedAt && early[i].Owner != early[i - 1].Owner)
            {
                return null;
            }
        }

        var inClass = members.ToHashSet();
        var labels = new Dictionary<int, (ulong Owner, int Order)>(members.Count);
        var owners = new Dictionary<int, ulong>(members.Count);
        var queue = new PriorityQueue<int, (uint Key, long Age)>();
        long age = 0;
        foreach (var (_, cell, owner) in early)
        {
            owners[cell] = owner;
            queue.Enqueue(cell, (level, age++));
        }

        while (queue.TryDequeue(out int popped, out _))
        {
            ulong owner = owners[popped];
            labels[popped] = (owner, labels.Count);
            foreach (int offset in state.Offsets)
            {
                int neighbour = popped + offset;
                if (inClass.Contains(neighbour) && owners.TryAdd(neighbour, owner))
                {
                    queue.Enqueue(neighbour, (KeyOf(heights, state, neighbour), age++));
                }
            }
        }

        return labels.Count == members.Count ? labels : null;
    }

    /// <summary>
    /// The voxels of level <paramref name="level"/> connected to <paramref name="starts"/> through voxels of that
    /// level; null, and the budget spent, when they are more than <see cref="MaxReplayed"/>.
    /// </summary>
    public static List<int>? ClassesOf(FloodState state, IEnumerable<int> starts, uint level)
    {
        var members = new List<int>();
        var seen = new HashSet<int>();
        foreach (int start in starts)
        {
            if (seen.Add(start))
            {
                members.Add(start);
            }
        }

        for (int i = 0; i < members.Count; i++)
        {
            if (members.Count > MaxReplayed)
            {
                state.TieBudget.Exhaust();
                return null;
            }

            foreach (int offset in state.Offsets)
            {
                int neighbour = members[i] + offset;
                ulong value = state.Cells[neighbour];
                if (FloodGrid.IsFlooded(value) && (uint)value == level && seen.Add(neighbour))
                {
                    members.Add(neighbour);
                }
            }
        }

        return members;
    }

    /// <summary>
    /// For an early voxel of level <paramref name="level"/>, the water level at which it was pushed, plus one (0 for a
    /// seed); <see cref="NotEarly"/> for the others.
    /// </summary>
    private static ulong PushedAt<THeight>(PinnedView<THeight> heights, FloodState state, int cell, uint level)
        where THeight : unmanaged, INumber<THeight>
    {
        if ((state.Seeds[cell >> 6] & (1UL << cell)) != 0)
        {
            return 0;
        }

        if (KeyOf(heights, state, cell) < level)
        {
            return NotEarly;
        }

        uint neighbourLeast = uint.MaxValue;
        foreach (int offset in state.Offsets)
        {
            ulong neighbour = state.Cells[cell + offset];
            if (FloodGrid.IsFlooded(neighbour))
            {
                neighbourLeast = Math.Min(neighbourLeast, (uint)neighbour);
            }
        }

        return neighbourLeast < level ? neighbourLeast + 1UL : NotEarly;
    }

    private static uint KeyOf<THeight>(PinnedView<THeight> heights, FloodState state, int cell)
        where THeight : unmanaged, INumber<THeight>
    {
        var (z, y, x) = state.Grid.Voxel(cell);
        return FloodGrid.Key(heights.GetRowSpan(z, y)[x]);
    }

    /// <summary>
    /// The voxels a flood's replays may still visit, shared by its threads. On wide plateaus every tied voxel would
    /// replay the whole plateau; past the budget the ties stay undecided and the volume is flooded in one piece,
    /// which is then cheaper.
    /// </summary>
    public sealed class Budget(long voxels)
    {
        private long _left = voxels;

        /// <summary>True once a replay was refused.</summary>
        public bool Spent => Volatile.Read(ref _left) < 0;

        /// <summary>The budget of a flood on <paramref name="grid"/>: a small share of its cells.</summary>
        public static Budget For(GridLayout grid) => new(Math.Max(grid.CellCount / CellsPerReplayedVoxel, LeastBudget));

        /// <summary>Spends the whole budget: a class too wide to replay means a plateau, where one flood is cheaper.</summary>
        public void Exhaust() => Interlocked.Exchange(ref _left, -1);

        /// <summary>Takes <paramref name="count"/> voxels from the budget; false (and spent) when they were not left.</summary>
        public bool TrySpend(int count) => Interlocked.Add(ref _left, -count) >= 0;
    }
}
