using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BioImage.Kernels;

/// <summary>
/// The flooding queue for 32-bit keys: pops in (key, age) order, as <see cref="FloodHeap"/> does, when no two keys
/// tie except in push order. Keys above the current 256-key window wait in a monotone radix heap with 256-way digits
/// (Ahuja, Mehlhorn, Orlin and Tarjan 1990; multi-level buckets as in Cherkassky, Goldberg and Silverstein 1999);
/// the window's items are sorted into a run that pops in order; items pushed into or below the window — a flood
/// running downhill — go to a small binary heap that merges with the run.
/// </summary>
/// <remarks>
/// <para>
/// Radix heap: an item whose key first differs from the window (the top 24 bits of the keys being popped) in byte
/// b ≥ 1 lies in bucket (b, that byte of its key). When the run and the small heap are both empty, the first
/// non-empty bucket (bitmap search) is taken apart: its least key's 256-key window becomes current, the items of
/// that window are sorted by their low byte (a stable counting sort, so equal keys keep their push order) into the
/// run, and the other items move to finer buckets. An item moves at most three times, with sequential memory
/// access; a push is O(1), a pop O(1) amortised.
/// </para>
/// <para>
/// The small heap holds every item pushed with a key at or below the window, keyed on (key, age). The run's items
/// were all pushed before the window became current, so they are older than the heap's: on equal keys the run pops
/// first. In flooding the heap holds the short cascades below the water level (tens of items on noise).
/// </para>
/// <para>
/// Prefetch: the queue knows which voxel pops a few items ahead, so it asks for that voxel's cell and for the cells
/// of its not yet flooded neighbours (<see cref="PrefetchCells"/>); flooding jumps between the fronts of many basins
/// and would otherwise wait for memory on every pop.
/// </para>
/// </remarks>
internal sealed unsafe class FloodRadixQueue : IDisposable
{
    private const int BucketCount = 3 * 256;
    private const int PrefetchDistance = 10;

    private readonly ulong[][] _buckets = new ulong[BucketCount][];
    private readonly int[] _counts = new int[BucketCount];
    private readonly ulong[] _occupied = new ulong[BucketCount / 64];
    private readonly int[] _histogram = new int[256];
    private uint _window;
    private ulong[] _run = [];
    private int _runHead;
    private int _runCount;
    private ulong[] _windowItems = [];
    private ulong[] _heapOrder = [];
    private int[] _heapIndex = [];
    private int _heapCount;
    private uint _age;
    private ulong* _cells;
    private ulong* _flooded;
    private int[] _neighbours = [];

    public FloodRadixQueue()
    {
        for (int b = 0; b < BucketCount; b++)
        {
            _buckets[b] = [];
        }
    }

    /// <summary>
    /// Prefetches, for each voxel about to pop, its cell in <paramref name="cells"/> and the cells of those of its
    /// <paramref name="neighbours"/> whose bit in <paramref name="flooded"/> is clear (all of them when
    /// <paramref name="flooded"/> is null). Both must stay pinned while the queue is used.
    /// </summary>
    public void PrefetchCells(ulong* cells, ulong* flooded, int[] neighbours)
    {
        _cells = cells;
        _flooded = flooded;
        _neighbours = neighbours;
    }

    /// <summary>Adds the voxel <paramref name="index"/> with priority <paramref name="key"/>, younger than every item so far.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(uint key, int index)
    {
        _age++;
        if ((key >> 8) <= _window)
        {
            Prefetch(index);
            HeapInsert(((ulong)key << 32) | _age, index);
            return;
        }

        Append(Bucket(key), ((ulong)key << 32) | (uint)index);
    }

    /// <summary>Removes the first item and returns its voxel index, or −1 when the queue is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Pop()
    {
        while (true)
        {
            if (_heapCount > 0 && (_runHead == _runCount || (uint)(_heapOrder[0] >> 32) < (uint)(_run[_runHead] >> 32)))
            {
                return HeapRemoveFirst();
            }

            if (_runHead < _runCount)
            {
                int ahead = _runHead + PrefetchDistance;
                if (ahead < _runCount)
                {
                    Prefetch((int)(uint)_run[ahead]);
                }

                return (int)(uint)_run[_runHead++];
            }

            if (!Advance())
            {
                return -1;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int b = 0; b < BucketCount; b++)
        {
            PooledArrays.Return(ref _buckets[b]);
        }

        PooledArrays.Return(ref _run);
        PooledArrays.Return(ref _windowItems);
        PooledArrays.Return(ref _heapOrder);
        PooledArrays.Return(ref _heapIndex);
    }

    /// <summary>The bucket of <paramref name="key"/> above the window: byte 1's buckets are 0..255, byte 3's 512..767.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Bucket(uint key)
    {
        int level = (31 - BitOperations.LeadingZeroCount(key ^ (_window << 8))) >> 3;
        return ((level - 1) << 8) | (int)((key >> (level << 3)) & 0xFF);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Append(int bucket, ulong item)
    {
        int count = _counts[bucket];
        if (count == _buckets[bucket].Length)
        {
            PooledArrays.Grow(ref _buckets[bucket], count, 2 * Math.Max(count, 256));
        }

        _buckets[bucket][count] = item;
        _counts[bucket] = count + 1;
        _occupied[bucket >> 6] |= 1UL << bucket;
    }

    /// <summary>The run and the heap are empty: sorts the window of the next least key into the run; false when the queue is empty.</summary>
    private bool Advance()
    {
        int next = FirstOccupied();
        if (next < 0)
        {
            return false;
        }

        int count = _counts[next];
        var items = _buckets[next].AsSpan(0, count);
        _counts[next] = 0;
        _occupied[next >> 6] &= ~(1UL << next);
        Span<ulong> window;
        if (next < 256)
        {
            _window = (uint)(items[0] >> 40);
            window = items;
        }
        else
        {
            ulong least = ulong.MaxValue;
            foreach (ulong item in items)
            {
                least = Math.Min(least, item);
            }

            _window = (uint)(least >> 40);
            EnsureCapacity(ref _windowItems, count);
            int kept = 0;
            foreach (ulong item in items)
            {
                uint key = (uint)(item >> 32);
                if ((key >> 8) == _window)
                {
                    _windowItems[kept++] = item;
                }
                else
                {
                    Append(Bucket(key), item);
                }
            }

            window = _windowItems.AsSpan(0, kept);
        }

        SortIntoRun(window);
        return true;
    }

    /// <summary>Stable counting sort of one window's items (equal top 24 bits) on their key's low byte into the run.</summary>
    private void SortIntoRun(ReadOnlySpan<ulong> window)
    {
        EnsureCapacity(ref _run, window.Length);
        var histogram = _histogram.AsSpan();
        histogram.Clear();
        foreach (ulong item in window)
        {
            histogram[(int)(item >> 32) & 0xFF]++;
        }

        int sum = 0;
        for (int digit = 0; digit < histogram.Length; digit++)
        {
            (histogram[digit], sum) = (sum, sum + histogram[digit]);
        }

        foreach (ulong item in window)
        {
            _run[histogram[(int)(item >> 32) & 0xFF]++] = item;
        }

        _runHead = 0;
        _runCount = window.Length;
        for (int i = 0; i < Math.Min(PrefetchDistance, _runCount); i++)
        {
            Prefetch((int)(uint)_run[i]);
        }
    }

    /// <summary>Makes <paramref name="array"/> hold at least <paramref name="count"/> items (its contents are not kept).</summary>
    private static void EnsureCapacity(ref ulong[] array, int count)
    {
        if (array.Length < count)
        {
            PooledArrays.Grow(ref array, 0, Math.Max(count, 1024));
        }
    }

    private void HeapInsert(ulong order, int index)
    {
        if (_heapCount == _heapOrder.Length)
        {
            PooledArrays.Grow(ref _heapOrder, _heapCount, 2 * Math.Max(_heapCount, 256));
            PooledArrays.Grow(ref _heapIndex, _heapCount, _heapOrder.Length);
        }

        int child = _heapCount++;
        while (child > 0)
        {
            int parent = (child - 1) >> 1;
            if (_heapOrder[parent] <= order)
            {
                break;
            }

            _heapOrder[child] = _heapOrder[parent];
            _heapIndex[child] = _heapIndex[parent];
            child = parent;
        }

        _heapOrder[child] = order;
        _heapIndex[child] = index;
    }

    private int HeapRemoveFirst()
    {
        int first = _heapIndex[0];
        int count = --_heapCount;
        ulong moving = _heapOrder[count];
        int movingIndex = _heapIndex[count];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _heapOrder[child + 1] < _heapOrder[child])
            {
                child++;
            }

            if (_heapOrder[child] >= moving)
            {
                break;
            }

            _heapOrder[i] = _heapOrder[child];
            _heapIndex[i] = _heapIndex[child];
            i = child;
        }

        _heapOrder[i] = moving;
        _heapIndex[i] = movingIndex;
        return first;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prefetch(int index)
    {
        if (!Sse.IsSupported || _cells == null)
        {
            return;
        }

        Sse.Prefetch0(_cells + index);
        foreach (int offset in _neighbours)
        {
            int neighbour = index + offset;
            if (_flooded == null || (_flooded[neighbour >> 6] & (1UL << neighbour)) == 0)
            {
                Sse.Prefetch0(_cells + neighbour);
            }
        }
    }

    private int FirstOccupied()
    {
        for (int word = 0; word < _occupied.Length; word++)
        {
            if (_occupied[word] != 0)
            {
                return (word << 6) | BitOperations.TrailingZeroCount(_occupied[word]);
            }
        }

        return -1;
    }
}
