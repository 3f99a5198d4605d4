using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BioImage.Kernels;

/// <summary>
/// The sparse contingency table of two label images: for every pair (segmentation label a, ground-truth label b) that
/// overlaps, the number of voxels carrying both — bioimage-py's <c>ContingencyTable</c> (the pairs sorted
/// lexicographically by (a, b), labels as their uint64 bit pattern, background kept) and the transpose of
/// <c>skimage.metrics.contingency_table(gt, seg)</c>. Every evaluation metric (variation of information, Rand,
/// matching, dice) is a function of it.
/// </summary>
/// <remarks>
/// <para>Counting (<see cref="Count{TSeg, TGt}"/>): label images are long runs of one (a, b) pair, so run starts are
/// found 32 voxels at a time with SIMD compares and each run's count is added to a direct-mapped cache of (a, b, count)
/// entries; evicted entries are appended to a buffer that a radix sort by (a, b) compacts whenever it fills. O(n) for
/// n voxels plus O(k) per compaction of k pairs (radix sort: no comparison, no cache miss per run); memory O(k),
/// independent of the voxel count and of the label values. Threads count contiguous parts of the image
/// in tables of their own, sorted in parallel and merged at the end; the result does not depend on the thread count.</para>
/// <para>Tables of blocks merge exactly with <see cref="Merge"/> (counts add), so a block-wise table equals the
/// whole image's.</para>
/// </remarks>
public sealed class ContingencyTable
{
    /// <summary>Voxels compared at once by the vectorized run search (the bits of a uint mask).</summary>
    private const int Window = 32;

    private MarginalSizes? _marginals;

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

    /// <summary>A table from pairs (any order, duplicates added; pairs already sorted and distinct are taken as they are); pairs with a count of 0 are left out.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length or a count is negative.</exception>
    public static ContingencyTable FromPairs(ReadOnlySpan<ulong> segLabels, ReadOnlySpan<ulong> gtLabels, ReadOnlySpan<long> counts)
    {
        if (segLabels.Length != gtLabels.Length || segLabels.Length != counts.Length)
        {
            throw new ArgumentException($"A table needs as many ground-truth labels and counts as segmentation labels; got {segLabels.Length}, {gtLabels.Length} and {counts.Length}.", nameof(counts));
        }

        if (IsSortedAndPositive(segLabels, gtLabels, counts))
        {
            return new ContingencyTable(segLabels.ToArray(), gtLabels.ToArray(), counts.ToArray());
        }

        var table = new PairCounts(segLabels.Length, segLabels.Length);
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
            var single = new PairCounts(64, length);
            CountRuns(seg, gt, single);
            return single.ToTable();
        }

        var tables = new ContingencyTable[parts];
        fixed (TSeg* segOrigin = seg)
        fixed (TGt* gtOrigin = gt)
        {
            nint segAddress = (nint)segOrigin, gtAddress = (nint)gtOrigin;
            ParallelChunks.For(length, parts, (part, first, end) =>
            {
                var counts = new PairCounts(64, end - first);
                CountRuns(new ReadOnlySpan<TSeg>((TSeg*)segAddress + first, end - first), new ReadOnlySpan<TGt>((TGt*)gtAddress + first, end - first), counts);
                tables[part] = counts.ToTable();
            });
        }

        return Merge(tables);
    }

    /// <summary>
    /// Merges the tables of disjoint parts of an image (blocks) into the table of the whole: counts of equal pairs add.
    /// The sorted tables merge pairwise, level by level (O(k log p) for k pairs in p parts).
    /// </summary>
    public static ContingencyTable Merge(IEnumerable<ContingencyTable> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var level = parts.ToList();
        if (level.Count == 0)
        {
            return Empty;
        }

        while (level.Count > 1)
        {
            var next = new List<ContingencyTable>((level.Count + 1) / 2);
            for (int i = 0; i < level.Count; i += 2)
            {
                next.Add(i + 1 < level.Count ? MergeTwo(level[i], level[i + 1]) : level[i]);
            }

            level = next;
        }

        return level[0];
    }

    /// <summary>The union of two sorted tables, counts of equal pairs added, in one linear pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ContingencyTable MergeTwo(ContingencyTable left, ContingencyTable right)
    {
        int capacity = left.Length + right.Length;
        var seg = new ulong[capacity];
        var gt = new ulong[capacity];
        var counts = new long[capacity];
        int i = 0, j = 0, k = 0;
        while (i < left.Length || j < right.Length)
        {
            int order = i == left.Length ? 1 : j == right.Length ? -1
                : left.SegLabels[i] != right.SegLabels[j] ? left.SegLabels[i].CompareTo(right.SegLabels[j])
                : left.GtLabels[i].CompareTo(right.GtLabels[j]);
            if (order <= 0)
            {
                (seg[k], gt[k], counts[k]) = (left.SegLabels[i], left.GtLabels[i], left.Counts[i]);
                i++;
                if (order == 0)
                {
                    counts[k] += right.Counts[j++];
                }
            }
            else
            {
                (seg[k], gt[k], counts[k]) = (right.SegLabels[j], right.GtLabels[j], right.Counts[j]);
                j++;
            }

            k++;
        }

        return new ContingencyTable(seg[..k], gt[..k], counts[..k]);
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
    public (ulong[] Labels, long[] Sizes) SegSizes() => Marginals().Seg;

    /// <summary>The ground-truth labels (sorted) and their sizes b_j = Σ_i c_ij.</summary>
    public (ulong[] Labels, long[] Sizes) GtSizes() => Marginals().Gt;

    /// <summary>The size a_i of each pair's segmentation label, pair by pair.</summary>
    public ReadOnlySpan<long> SegSizeOfPairs() => Marginals().SegOfPair;

    /// <summary>The size b_j of each pair's ground-truth label, pair by pair.</summary>
    public ReadOnlySpan<long> GtSizeOfPairs() => Marginals().GtOfPair;

    private static bool IsSortedAndPositive(ReadOnlySpan<ulong> segLabels, ReadOnlySpan<ulong> gtLabels, ReadOnlySpan<long> counts)
    {
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] <= 0 || (i > 0 && (segLabels[i] < segLabels[i - 1] || (segLabels[i] == segLabels[i - 1] && gtLabels[i] <= gtLabels[i - 1]))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Both marginals and each pair's sizes, computed once: segmentation sizes by one scan of the sorted pairs, ground-truth sizes by one radix sort of their labels. O(k).</summary>
    private MarginalSizes Marginals()
    {
        if (_marginals is { } known)
        {
            return known;
        }

        var segOfPair = new long[Length];
        var (segLabels, segSizes) = Group(SegLabels, Counts, [.. Enumerable.Range(0, Length)], segOfPair);
        var byGt = new LabelOfPair[Length];
        for (int i = 0; i < Length; i++)
        {
            byGt[i] = new LabelOfPair(GtLabels[i], i);
        }

        RadixSort.Sort<LabelOfPair>(byGt, new LabelOfPair[Length]);
        var gtSorted = new ulong[Length];
        var order = new int[Length];
        var gtCounts = new long[Length];
        for (int i = 0; i < Length; i++)
        {
            (gtSorted[i], order[i]) = (byGt[i].Label, byGt[i].Pair);
            gtCounts[i] = Counts[order[i]];
        }

        var gtOfPair = new long[Length];
        var (gtLabels, gtSizes) = Group(gtSorted, gtCounts, order, gtOfPair);
        return _marginals = new MarginalSizes((segLabels, segSizes), (gtLabels, gtSizes), segOfPair, gtOfPair);
    }

    /// <summary>Sums the counts of runs of equal sorted labels; writes each run's sum to the pairs <paramref name="pairOf"/> names.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (ulong[] Labels, long[] Sizes) Group(ulong[] sortedLabels, long[] counts, int[] pairOf, long[] sizeOfPair)
    {
        var labels = new List<ulong>();
        var sizes = new List<long>();
        for (int start = 0; start < sortedLabels.Length;)
        {
            int end = start;
            long size = 0;
            while (end < sortedLabels.Length && sortedLabels[end] == sortedLabels[start])
            {
                size += counts[end++];
            }

            for (int i = start; i < end; i++)
            {
                sizeOfPair[pairOf[i]] = size;
            }

            labels.Add(sortedLabels[start]);
            sizes.Add(size);
            start = end;
        }

        return ([.. labels], [.. sizes]);
    }

    /// <summary>A label and the index of its pair, sorted by the label.</summary>
    private readonly record struct LabelOfPair(ulong Label, int Pair) : IRadixSortable
    {
        public static int KeyWords => 1;

        public ulong KeyWord(int index) => Label;
    }

    private sealed record MarginalSizes((ulong[] Labels, long[] Sizes) Seg, (ulong[] Labels, long[] Sizes) Gt, long[] SegOfPair, long[] GtOfPair);

    /// <summary>
    /// Adds the runs of equal (seg, gt) pairs of two same-length spans to <paramref name="table"/>. With 256-bit SIMD,
    /// 32 voxels at a time are compared with their left neighbours in both images: the set bits of the combined
    /// "changed" mask are exactly the run starts, visited with a trailing-zero count, so no branch depends on a single
    /// voxel. Otherwise (and for the last voxels) voxel by voxel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a command line counts once: no time for tiered compilation to reach its optimized code
    private static void CountRuns<TSeg, TGt>(ReadOnlySpan<TSeg> seg, ReadOnlySpan<TGt> gt, PairCounts table)
        where TSeg : unmanaged, IBinaryInteger<TSeg>
        where TGt : unmanaged, IBinaryInteger<TGt>
    {
        gt = gt[..seg.Length];
        int start = 0, next = 1;
        if (Vector256.IsHardwareAccelerated && Vector256<TSeg>.IsSupported && Vector256<TGt>.IsSupported)
        {
            ref TSeg segOrigin = ref MemoryMarshal.GetReference(seg);
            ref TGt gtOrigin = ref MemoryMarshal.GetReference(gt);
            for (; next + Window <= seg.Length; next += Window)
            {
                uint starts = ~(Unchanged(ref segOrigin, next) & Unchanged(ref gtOrigin, next));
                while (starts != 0)
                {
                    int at = next + BitOperations.TrailingZeroCount(starts);
                    table.Add(ulong.CreateTruncating(seg[start]), ulong.CreateTruncating(gt[start]), at - start);
                    start = at;
                    starts &= starts - 1;
                }
            }
        }

        for (; next < seg.Length; next++)
        {
            if (seg[next] != seg[start] || gt[next] != gt[start])
            {
                table.Add(ulong.CreateTruncating(seg[start]), ulong.CreateTruncating(gt[start]), next - start);
                start = next;
            }
        }

        table.Add(ulong.CreateTruncating(seg[start]), ulong.CreateTruncating(gt[start]), seg.Length - start);
    }

    /// <summary>Bit k set when <c>values[at + k] == values[at + k − 1]</c>, for k = 0 … 31 (<paramref name="at"/> ≥ 1, 32 values readable from it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Unchanged<T>(ref T values, int at)
        where T : unmanaged
    {
        uint bits = 0;
        for (int k = 0; k < Window; k += Vector256<T>.Count)
        {
            var current = Vector256.LoadUnsafe(ref values, (nuint)(at + k));
            var previous = Vector256.LoadUnsafe(ref values, (nuint)(at + k - 1));
            bits |= Vector256.Equals(current, previous).ExtractMostSignificantBits() << k;
        }

        return bits;
    }

    /// <summary>
    /// Pair counts behind a small direct-mapped cache: the pairs of the last few image rows stay in the cache, so most
    /// runs only add to a cached count; an evicted entry is appended to a buffer that is sorted by (seg, gt) with
    /// <see cref="RadixSort"/> and summed in place whenever it fills (the buffer doubles when the distinct pairs fill
    /// more than half of it). Appends are sequential and the sort streams, so no voxel run waits on a cache miss into a
    /// large table; memory stays below four entries per distinct pair plus the cache.
    /// </summary>
    private sealed class PairCounts
    {
        /// <summary>Largest cache: 65536 entries of 24 bytes (1.5 MiB, about a core's share of the L2 and L3).</summary>
        private const int MaximumCache = 1 << 16;

        /// <summary>The buffer's first size.</summary>
        private const int MinimumBuffer = 1 << 12;

        private readonly Entry[] _cache;
        private readonly int _cacheShift;
        private Entry[] _buffer;
        private int _used;

        /// <param name="expected">The pairs expected (sizes the buffer).</param>
        /// <param name="runs">The runs expected at most (sizes the cache).</param>
        public PairCounts(int expected, long runs = MaximumCache)
        {
            _buffer = new Entry[Math.Max(MinimumBuffer, 2 * expected)];
            int cache = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(runs / 16, 16, MaximumCache));
            _cache = new Entry[cache];
            _cacheShift = 64 - BitOperations.Log2((uint)cache);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong seg, ulong gt, long count)
        {
            ref var cached = ref _cache[(int)(Hash(seg, gt) >> _cacheShift)];
            if (cached.Seg == seg && cached.Gt == gt && cached.Count != 0)
            {
                cached.Count += count;
                return;
            }

            if (cached.Count != 0)
            {
                Append(cached);
            }

            cached = new Entry { Seg = seg, Gt = gt, Count = count };
        }

        /// <summary>The pairs sorted by (seg, gt) with their summed counts.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ContingencyTable ToTable()
        {
            foreach (ref var cached in _cache.AsSpan())
            {
                if (cached.Count != 0)
                {
                    Append(cached);
                    cached = default;
                }
            }

            _used = SortAndSum(_buffer.AsSpan(0, _used));
            var seg = new ulong[_used];
            var gt = new ulong[_used];
            var counts = new long[_used];
            for (int i = 0; i < _used; i++)
            {
                (seg[i], gt[i], counts[i]) = (_buffer[i].Seg, _buffer[i].Gt, _buffer[i].Count);
            }

            return new ContingencyTable(seg, gt, counts);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong Hash(ulong seg, ulong gt) => ((seg * 0x9E3779B97F4A7C15UL) ^ gt) * 0xD6E8FEB86659FD93UL;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Append(Entry entry)
        {
            if (_used == _buffer.Length)
            {
                _used = SortAndSum(_buffer);
                if (2 * _used > _buffer.Length)
                {
                    Array.Resize(ref _buffer, 2 * _buffer.Length);
                }
            }

            _buffer[_used++] = entry;
        }

        /// <summary>Sorts the entries by (seg, gt) and sums equal pairs into the first of them; returns how many distinct pairs lead the span.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int SortAndSum(Span<Entry> entries)
        {
            var scratch = ArrayPool<Entry>.Shared.Rent(entries.Length);
            RadixSort.Sort(entries, scratch);
            ArrayPool<Entry>.Shared.Return(scratch);
            int distinct = 0;
            for (int i = 0; i < entries.Length; i++)
            {
                if (distinct > 0 && entries[distinct - 1].Seg == entries[i].Seg && entries[distinct - 1].Gt == entries[i].Gt)
                {
                    entries[distinct - 1].Count += entries[i].Count;
                }
                else
                {
                    entries[distinct++] = entries[i];
                }
            }

            return distinct;
        }

        private struct Entry : IRadixSortable
        {
            public ulong Seg;
            public ulong Gt;
            public long Count;

            public static int KeyWords => 2;

            public readonly ulong KeyWord(int index) => index == 0 ? Gt : Seg;
        }
    }
}
