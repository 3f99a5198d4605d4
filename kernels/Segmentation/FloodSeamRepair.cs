using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Joins slabs that were flooded separately (<see cref="FloodGrid"/>): lowers the flood levels that are reached more
/// cheaply across a seam, then relabels every voxel whose label depends on a changed level, so that the grid again
/// satisfies the conditions <see cref="FloodCertificate"/> checks.
/// </summary>
/// <remarks>
/// <para>
/// Levels: a voxel's level is the least, over paths from a seed, of the highest key on the path, and it satisfies
/// level(v) = max(key(v), least neighbour level). A slab's flood saw only its own paths, so its levels are upper
/// bounds. A minimax Dijkstra search (monotone, so it runs on <see cref="FloodRadixQueue"/>) starts at the seam
/// planes, offering each voxel max(key, level across the seam), and lowers levels until none can be lowered; every
/// level it writes is that of a real path. Voxels a slab never reached join the same way.
/// </para>
/// <para>
/// Labels: skimage labels a voxel from the neighbour that pops first, which is one of its least-level neighbours. A
/// voxel whose least neighbour is strictly lower takes that neighbour's label (the first to pop, by
/// <see cref="FloodTies"/>, when several of different labels tie); voxels of equal level that touch (a lake and the
/// pass it spills over) form a class whose label comes from its members with a strictly lower neighbour (or a seed
/// among them). When those disagree (two passes of the same height into one lake), <see cref="FloodTies"/> replays
/// the class's pops. Classes are settled in increasing level, so every label they read is final. The work list
/// starts with the voxels whose level changed, their neighbours that now have a changed voxel among their
/// least-level neighbours, and seam voxels whose least-level neighbours now include one across the seam; a class whose label changes lists the higher neighbours of its members. Time and memory are
/// proportional to the voxels visited (on 256³ noise about 0.7 M relabels around one seam).
/// </para>
/// </remarks>
internal static unsafe class FloodSeamRepair
{
    /// <summary>
    /// Repairs the seams below the padded planes <paramref name="seamPlanes"/> (each the first plane of a slab);
    /// false when the labels of a class are not decided (ties that <see cref="FloodTies"/> cannot order), the grid then
    /// unfinished.
    /// </summary>
    public static bool Run<THeight>(PinnedView<THeight> heights, FloodState state, int[] seamPlanes)
        where THeight : unmanaged, INumber<THeight>
    {
        var grid = state.Grid;
        var marks = System.Buffers.ArrayPool<ulong>.Shared.Rent(grid.WordCount);
        var settled = System.Buffers.ArrayPool<ulong>.Shared.Rent(grid.WordCount);
        try
        {
            fixed (ulong* markOrigin = marks)
            fixed (ulong* settledOrigin = settled)
            {
                new Span<ulong>(settledOrigin, grid.WordCount).Clear();
                var changed = LowerLevels(heights, state, seamPlanes, settledOrigin);
                new Span<ulong>(markOrigin, grid.WordCount).Clear();
                new Span<ulong>(settledOrigin, grid.WordCount).Clear();
                return Relabel(heights, state, seamPlanes, changed, markOrigin, settledOrigin);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(marks);
            System.Buffers.ArrayPool<ulong>.Shared.Return(settled);
        }
    }

    /// <summary>The minimax search from the seams; returns the cells whose level it lowered (or that it flooded).</summary>
    private static List<int> LowerLevels<THeight>(PinnedView<THeight> heights, FloodState state, int[] seamPlanes, ulong* settled)
        where THeight : unmanaged, INumber<THeight>
    {
        var changed = new List<int>();
        using var queue = new FloodRadixQueue(state.Grid.PlaneStride);
        foreach (int seamPlane in seamPlanes)
        {
            foreach (var (cell, across) in AcrossSeam(state, seamPlane))
            {
                Offer(heights, state, across, cell, queue, changed);
            }
        }

        int popped;
        while ((popped = queue.Pop()) >= 0)
        {
            if ((settled[popped >> 6] & (1UL << popped)) != 0)
            {
                continue;
            }

            settled[popped >> 6] |= 1UL << popped;
            foreach (int offset in state.Offsets)
            {
                Offer(heights, state, popped, popped + offset, queue, changed);
            }
        }

        return changed;
    }

    /// <summary>Offers cell <paramref name="to"/> the level max(key(to), level(from)) if that is lower than its own.</summary>
    private static void Offer<THeight>(PinnedView<THeight> heights, FloodState state, int from, int to, FloodRadixQueue queue, List<int> changed)
        where THeight : unmanaged, INumber<THeight>
    {
        ulong source = state.Cells[from], target = state.Cells[to];
        bool reached = FloodGrid.IsFlooded(target);
        if (!FloodGrid.IsFlooded(source) || target == FloodGrid.BlockedCell || (reached && (uint)source >= (uint)target))
        {
            return;
        }

        var (z, y, x) = state.Grid.Voxel(to);
        uint level = Math.Max(FloodGrid.Key(heights.GetRowSpan(z, y)[x]), (uint)source);
        if (reached && level >= (uint)target)
        {
            return;
        }

        if (!reached)
        {
            state.Flooded[to >> 6] |= 1UL << to;
            target = source & FloodGrid.OwnerMask;
        }

        state.Cells[to] = (target & FloodGrid.OwnerMask) | level;
        changed.Add(to);
        queue.Push(level, to);
    }

    /// <summary>
    /// The seam cells below <paramref name="seamPlane"/> paired with their neighbours across it: cells of the plane
    /// below with the offsets that go up a plane, cells of the plane above with those that go down.
    /// </summary>
    private static IEnumerable<(int Cell, int Across)> AcrossSeam(FloodState state, int seamPlane)
    {
        var grid = state.Grid;
        int half = grid.PlaneStride / 2;
        for (int z = seamPlane - 2; z <= seamPlane - 1; z++)
        {
            bool below = z == seamPlane - 2;
            var across = state.Offsets.Where(offset => below ? offset > half : offset < -half).ToArray();
            for (int y = 0; y < grid.Height; y++)
            {
                int rowStart = grid.Cell(z, y, 0);
                for (int x = 0; x < grid.Width; x++)
                {
                    foreach (int offset in across)
                    {
                        yield return (rowStart + x, rowStart + x + offset);
                    }
                }
            }
        }
    }

    private static bool Relabel<THeight>(PinnedView<THeight> heights, FloodState state, int[] seamPlanes, List<int> changed, ulong* listed, ulong* settled)
        where THeight : unmanaged, INumber<THeight>
    {
        var classes = new ClassRelabelling<THeight>(heights, state, listed, settled);
        try
        {
            foreach (int cell in changed)
            {
                classes.List(cell);
                uint level = (uint)state.Cells[cell];
                foreach (int offset in state.Offsets)
                {
                    classes.ListIfLeastNeighbour(cell + offset, level);
                }
            }

            foreach (int seamPlane in seamPlanes)
            {
                foreach (var (cell, across) in AcrossSeam(state, seamPlane))
                {
                    if (FloodGrid.IsFlooded(state.Cells[across]))
                    {
                        classes.ListIfLeastNeighbour(cell, (uint)state.Cells[across]);
                    }
                }
            }

            return classes.Settle();
        }
        finally
        {
            classes.Dispose();
        }
    }

    /// <summary>The work list of voxels to relabel, settled class by class in increasing level.</summary>
    private sealed class ClassRelabelling<THeight>(PinnedView<THeight> heights, FloodState state, ulong* listed, ulong* settled) : IDisposable
        where THeight : unmanaged, INumber<THeight>
    {
        /// <summary>A candidate label that the grid does not decide (never an owner: the blocked cell's).</summary>
        private const ulong Undecided = FloodGrid.BlockedCell;

        private readonly FloodRadixQueue _queue = CreateQueue(state);
        private readonly List<int> _members = [];
        private readonly List<ulong> _candidates = [];

        /// <summary>Puts a flooded cell on the list (once).</summary>
        public void List(int cell)
        {
            ulong value = state.Cells[cell];
            ulong bit = 1UL << cell;
            if (!FloodGrid.IsFlooded(value) || (listed[cell >> 6] & bit) != 0)
            {
                return;
            }

            listed[cell >> 6] |= bit;
            _queue.Push((uint)value, cell);
        }

        /// <summary>Lists <paramref name="cell"/> if a neighbour at <paramref name="level"/> is among its least-level neighbours.</summary>
        public void ListIfLeastNeighbour(int cell, uint level)
        {
            if (!FloodGrid.IsFlooded(state.Cells[cell]))
            {
                return;
            }

            foreach (int offset in state.Offsets)
            {
                ulong neighbour = state.Cells[cell + offset];
                if (FloodGrid.IsFlooded(neighbour) && (uint)neighbour < level)
                {
                    return;
                }
            }

            List(cell);
        }

        /// <summary>Settles the listed classes in increasing level; false when a class's members disagree.</summary>
        public bool Settle()
        {
            int popped;
            while ((popped = _queue.Pop()) >= 0)
            {
                if (!CollectClass(popped))
                {
                    continue;
                }

                uint level = (uint)state.Cells[popped];
                if (!DecideLabels(level, out ulong shared, out var replayed))
                {
                    return false;
                }

                foreach (int member in _members)
                {
                    ulong value = state.Cells[member];
                    ulong label = replayed is null ? shared : replayed[member].Owner;
                    if ((value & FloodGrid.OwnerMask) == label)
                    {
                        continue;
                    }

                    state.Cells[member] = label | (uint)value;
                    foreach (int offset in state.Offsets)
                    {
                        if ((uint)state.Cells[member + offset] > level)
                        {
                            List(member + offset);
                        }
                    }
                }
            }

            return true;
        }

        public void Dispose() => _queue.Dispose();

        private static FloodRadixQueue CreateQueue(FloodState state)
        {
            var queue = new FloodRadixQueue(state.Grid.PlaneStride);
            queue.PrefetchCells(state.Cells, null, state.Offsets);
            return queue;
        }

        /// <summary>
        /// Decides the labels of the members (a class at <paramref name="level"/>): the <paramref name="shared"/> one
        /// when the members with a strictly lower neighbour agree, else each member's as <see cref="FloodTies"/>
        /// replays them; false when neither decides them.
        /// </summary>
        private bool DecideLabels(uint level, out ulong shared, out Dictionary<int, (ulong Owner, int Order)>? replayed)
        {
            shared = 0;
            replayed = null;
            bool agree = true;
            _candidates.Clear();
            foreach (int member in _members)
            {
                ulong candidate = Candidate(member);
                if (candidate == Undecided)
                {
                    return false;
                }

                _candidates.Add(candidate);
                agree &= candidate == 0 || shared == 0 || candidate == shared;
                shared = candidate == 0 ? shared : candidate;
                if (!agree && !FloodTies.MayReplay(state, _members.Count))
                {
                    return false;
                }
            }

            if (agree)
            {
                return shared != 0;
            }

            var early = new Dictionary<int, ulong>();
            for (int i = 0; i < _members.Count; i++)
            {
                if (_candidates[i] != 0)
                {
                    early[_members[i]] = _candidates[i];
                }
            }

            replayed = FloodTies.Replay(heights, state, level, _members, member => early.GetValueOrDefault(member));
            return replayed is not null;
        }

        /// <summary>Collects into the members the class of <paramref name="first"/>; false when it was settled before.</summary>
        private bool CollectClass(int first)
        {
            _members.Clear();
            if (!Settle(first))
            {
                return false;
            }

            uint level = (uint)state.Cells[first];
            _members.Add(first);
            for (int i = 0; i < _members.Count; i++)
            {
                foreach (int offset in state.Offsets)
                {
                    int neighbour = _members[i] + offset;
                    ulong value = state.Cells[neighbour];
                    if ((uint)value == level && FloodGrid.IsFlooded(value) && Settle(neighbour))
                    {
                        _members.Add(neighbour);
                    }
                }
            }

            return true;
        }

        /// <summary>Marks <paramref name="cell"/> settled; false if it was already.</summary>
        private bool Settle(int cell)
        {
            ulong bit = 1UL << cell;
            if ((settled[cell >> 6] & bit) != 0)
            {
                return false;
            }

            settled[cell >> 6] |= bit;
            return true;
        }

        /// <summary>
        /// The label a member passes to its class: its own if a seed; if its least neighbours are strictly lower,
        /// the label of the one that pops first (<see cref="Undecided"/> when they disagree and
        /// <see cref="FloodTies"/> cannot tell); else 0.
        /// </summary>
        private ulong Candidate(int member)
        {
            ulong value = state.Cells[member];
            if ((state.Seeds[member >> 6] & (1UL << member)) != 0)
            {
                return value & FloodGrid.OwnerMask;
            }

            uint least = uint.MaxValue;
            ulong owner = 0;
            bool tied = false;
            foreach (int offset in state.Offsets)
            {
                ulong neighbour = state.Cells[member + offset];
                if (!FloodGrid.IsFlooded(neighbour) || (uint)neighbour > least)
                {
                    continue;
                }

                tied = (uint)neighbour == least && (tied || (neighbour & FloodGrid.OwnerMask) != owner);
                least = (uint)neighbour;
                owner = neighbour & FloodGrid.OwnerMask;
            }

            if (least >= (uint)value)
            {
                return 0;
            }

            if (!tied)
            {
                return owner;
            }

            ulong first = FloodTies.FirstOwner(heights, state, member, least);
            return first == 0 ? Undecided : first;
        }
    }
}
