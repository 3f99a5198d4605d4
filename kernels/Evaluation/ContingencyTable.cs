using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// The sparse contingency table of two label images: for every pair (segmentation label a, ground-truth label b) that
/// overlaps, the number of voxels carrying both — bioimage-py's <c>ContingencyTable</c> (the pairs sorted
/// lexicographically by (a, b), labels as their uint64 bit pattern, background kept) and the transpose of
/// <c>skimage.metrics.contingency_table(gt, seg)</c>. Every evaluation metric (variation of information, Rand,
/// matching, dice) is a function of it.
/// </summary>
/// <remarks>
/// <para>Counting (<see cref="Count{TSeg, TGt}"/>): label images are long runs of one (a, b) pair, so each run is
/// measured with a vectorized scan (<see cref="EqualRuns"/>, first over a, then over b within a's run) and added to an
/// open-addressing hash table keyed by the packed pair (multiplicative hash, linear probing, grown at half load), with
/// a one-entry cache for the pair of the previous run. O(n) expected for n voxels plus O(k log k) to sort k pairs;
/// memory O(k), independent of the voxel count and of the label values. Threads count contiguous parts of the image
/// in tables of their own, merged at the end; the result does not depend on the thread count.</para>
/// <para>Tables of blocks merge exactly with <see cref="Merge"/> (counts add), so a block-wise table equals the
/// whole image's.</para>
/// </remarks>
public sealed class ContingencyTable
{
    private ContingencyTable(ulong[] segLabels, ulong[] gtLabels, long[] counts)
    {
        SegLabels = segLabels;
        GtLabels = gtLabels;
        Counts = counts;
        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }

        Total = total;
    }

    /// <summary>The table without pairs (no voxel).</summary>
    public static ContingencyTable Empty { get; } = new([], [], []);

    /// <summary>The segmentation label of each pair (uint64 bit pattern), pairs sorted by (segmentation, ground truth).</summary>
    public ulong[] SegLabels { get; }

    /// <summary>The ground-truth label of each pair.</summary>
    public ulong[] GtLabels { get; }

    /// <summary>The voxel count of each pair (≥ 1).</summary>
    public long[] Counts { get; }

    /// <summary>The number of voxels counted (n = Σ counts).</summary>
    public long Total { get; }

    /// <summary>The number of pairs.</summary>
    public int Length => Counts.Length;

    /// <summary>A table from pairs (any order, duplicates added); pairs with a count of 0 are left out.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or a count is negative.</exception>
    public static ContingencyTable FromPairs(ReadOnlySpan<ulong> segLabels, ReadOnlySpan<ulong> gtLabels, ReadOnlySpan<long> counts)
    {
        if (segLabels.Length != gtLabels.Length || segLabels.Length != counts.Length)
        {
            throw new ArgumentException($"A table needs as many ground-truth labels and counts as segmentation labels; got {segLabels.Length}, {gtLabels.Length} and {counts.Length}.", nameof(counts));
        }

        var table = new PairCounts(segLabels.Length);
        for (int i = 0; i < counts.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(counts[i], nameof(counts));
            table.Add(segLabels[i], gtLabels[i], counts[i]);
        }

        return table.ToTable();
    }

    /// <summary>The contingency table of <paramref name="seg"/> and <paramref name="gt"/> (same length, C order).</summary>
    /// <param name="seg">Segmentation labels, any integer type (counted by their uint64 bit pattern, as numpy's astype(uint64)).</param>
    /// <param name="gt">Ground-truth labels, any integer type.</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1); the result does not depend on it.</param>
    /// <exception cref="ArgumentException">The images differ in length.</exception>
    public static unsafe ContingencyTable Count<TSeg, TGt>(ReadOnlySpan<TSeg> seg, ReadOnlySpan<TGt> gt, int degreeOfParallelism = 1)
        where TSeg : unmanaged, IBinaryInteger<TSeg>
        where TGt : unmanaged, IBinaryInteger<TGt>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        if (seg.Length != gt.Length)
        {
            throw new ArgumentException($"The segmentation has {seg.Length} voxels but the ground truth has {gt.Length}; they must match.", nameof(gt));
        }

        int length = seg.Length;
        if (length == 0)
        {
            return Empty;
        }

        // Below this many voxels per thread a second thread costs more than it saves.
        const int minimumPerThread = 1 << 16;
        int parts = Math.Min(degreeOfParallelism, Math.Max(1, length / minimumPerThread));
        if (parts == 1)
        {
            var single = new PairCounts(64);
            CountRuns(seg, gt, single);
            return single.ToTable();
        }

        var tables = new PairCounts[parts];
        fixed (TSeg* segOrigin = seg)
        fixed (TGt* gtOrigin = gt)
        {
            nint segAddress = (nint)segOrigin, gtAddress = (nint)gtOrigin;
            ParallelChunks.For(length, parts, (part, first, end) =>
            {
                var table = tables[part] = new PairCounts(64);
                CountRuns(new ReadOnlySpan<TSeg>((TSeg*)segAddress + first, end - first), new ReadOnlySpan<TGt>((TGt*)gtAddress + first, end - first), table);
            });
        }

        for (int part = 1; part < parts; part++)
        {
            tables[0].AddAll(tables[part]);
        }

        return tables[0].ToTable();
    }

    /// <summary>Merges the tables of disjoint parts of an image (blocks) into the table of the whole: counts of equal pairs add.</summary>
    public static ContingencyTable Merge(IEnumerable<ContingencyTable> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var total = new PairCounts(64);
        foreach (var part in parts)
        {
            for (int i = 0; i < part.Length; i++)
            {
                total.Add(part.SegLabels[i], part.GtLabels[i], part.Counts[i]);
            }
        }

        return total.ToTable();
    }

    /// <summary>
    /// The table without the pairs whose segmentation label is in <paramref name="ignoreSeg"/> <b>or</b> whose
    /// ground-truth label is in <paramref name="ignoreGt"/> — the voxels carrying either removed (bioimage-py's
    /// <c>drop_ignore</c>).
    /// </summary>
    public ContingencyTable DropIgnored(IReadOnlyCollection<ulong> ignoreSeg, IReadOnlyCollection<ulong> ignoreGt)
    {
        ArgumentNullException.ThrowIfNull(ignoreSeg);
        ArgumentNullException.ThrowIfNull(ignoreGt);
        if (ignoreSeg.Count == 0 && ignoreGt.Count == 0)
        {
            return this;
        }

        var segSet = new HashSet<ulong>(ignoreSeg);
        var gtSet = new HashSet<ulong>(ignoreGt);
        var keep = Enumerable.Range(0, Length).Where(i => !segSet.Contains(SegLabels[i]) && !gtSet.Contains(GtLabels[i])).ToArray();
        return new ContingencyTable([.. keep.Select(i => SegLabels[i])], [.. keep.Select(i => GtLabels[i])], [.. keep.Select(i => Counts[i])]);
    }

    /// <summary>The segmentation labels (sorted) and their sizes a_i = Σ_j c_ij.</summary>
    public (ulong[] Labels, long[] Sizes) SegSizes() => Marginal(SegLabels);

    /// <summary>The ground-truth labels (sorted) and their sizes b_j = Σ_i c_ij.</summary>
    public (ulong[] Labels, long[] Sizes) GtSizes() => Marginal(GtLabels);

    private (ulong[] Labels, long[] Sizes) Marginal(ulong[] labels)
    {
        var sizes = new Dictionary<ulong, long>();
        for (int i = 0; i < Length; i++)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sizes, labels[i], out _) += Counts[i];
        }

        var sorted = sizes.Keys.ToArray();
        Array.Sort(sorted);
        return (sorted, [.. sorted.Select(label => sizes[label])]);
    }

    /// <summary>Adds the runs of equal (seg, gt) pairs of two same-length spans to <paramref name="table"/>.</summary>
    private static void CountRuns<TSeg, TGt>(ReadOnlySpan<TSeg> seg, ReadOnlySpan<TGt> gt, PairCounts table)
        where TSeg : unmanaged, IBinaryInteger<TSeg>
        where TGt : unmanaged, IBinaryInteger<TGt>
    {
        for (int i = 0; i < seg.Length;)
        {
            int run = EqualRuns.Length(seg, i);
            run = EqualRuns.Length(gt[..(i + run)], i);
            table.Add(ulong.CreateTruncating(seg[i]), ulong.CreateTruncating(gt[i]), run);
            i += run;
        }
    }

    /// <summary>
    /// Pair counts in an open-addressing hash table: keys in two arrays, a count of 0 marks a free slot, linear
    /// probing, capacity a power of two grown at half load; the slot of the last pair added is cached.
    /// </summary>
    private sealed class PairCounts
    {
        private ulong[] _seg, _gt;
        private long[] _counts;
        private int _used, _shift;
        private ulong _lastSeg, _lastGt;
        private int _lastSlot = -1;

        public PairCounts(int expected)
        {
            int capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * expected));
            _seg = new ulong[capacity];
            _gt = new ulong[capacity];
            _counts = new long[capacity];
            _shift = 64 - BitOperations.Log2((uint)capacity);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong seg, ulong gt, long count)
        {
            if (count == 0)
            {
                return;
            }

            if (_lastSlot >= 0 && seg == _lastSeg && gt == _lastGt)
            {
                _counts[_lastSlot] += count;
                return;
            }

            int slot = Find(seg, gt);
            if (_counts[slot] == 0)
            {
                if (2 * (_used + 1) > _counts.Length)
                {
                    Grow();
                    slot = Find(seg, gt);
                }

                _seg[slot] = seg;
                _gt[slot] = gt;
                _used++;
            }

            _counts[slot] += count;
            (_lastSeg, _lastGt, _lastSlot) = (seg, gt, slot);
        }

        public void AddAll(PairCounts other)
        {
            for (int slot = 0; slot < other._counts.Length; slot++)
            {
                if (other._counts[slot] != 0)
                {
                    Add(other._seg[slot], other._gt[slot], other._counts[slot]);
                }
            }
        }

        /// <summary>The pairs sorted by (seg, gt).</summary>
        public ContingencyTable ToTable()
        {
            var keys = new UInt128[_used];
            var counts = new long[_used];
            int k = 0;
            for (int slot = 0; slot < _counts.Length; slot++)
            {
                if (_counts[slot] != 0)
                {
                    keys[k] = new UInt128(_seg[slot], _gt[slot]);
                    counts[k++] = _counts[slot];
                }
            }

            Array.Sort(keys, counts);
            var seg = new ulong[_used];
            var gt = new ulong[_used];
            for (int i = 0; i < keys.Length; i++)
            {
                seg[i] = (ulong)(keys[i] >> 64);
                gt[i] = (ulong)keys[i];
            }

            return new ContingencyTable(seg, gt, counts);
        }

        /// <summary>The slot holding (seg, gt), or the free slot where it goes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Find(ulong seg, ulong gt)
        {
            int mask = _counts.Length - 1;
            int slot = (int)((((seg * 0x9E3779B97F4A7C15UL) ^ gt) * 0xD6E8FEB86659FD93UL) >> _shift);
            while (_counts[slot] != 0 && (_seg[slot] != seg || _gt[slot] != gt))
            {
                slot = (slot + 1) & mask;
            }

            return slot;
        }

        private void Grow()
        {
            var (seg, gt, counts) = (_seg, _gt, _counts);
            int capacity = 2 * counts.Length;
            _seg = new ulong[capacity];
            _gt = new ulong[capacity];
            _counts = new long[capacity];
            _shift--;
            _lastSlot = -1;
            for (int slot = 0; slot < counts.Length; slot++)
            {
                if (counts[slot] != 0)
                {
                    int to = Find(seg[slot], gt[slot]);
                    (_seg[to], _gt[to], _counts[to]) = (seg[slot], gt[slot], counts[slot]);
                }
            }
        }
    }
}
