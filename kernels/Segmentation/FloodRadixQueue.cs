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
/// Memory: the buckets are lists of 4 KiB chunks in one arena (a <see cref="HugePageBuffer"/>, kept for the next
/// flood), and a drained chunk is reused at once, so the queue touches about as much memory as its largest size
/// (half the voxels on noise) and no fresh pages once warm. Buckets that doubled through the array pool touched
/// several times that: 2.8 GB of fresh pages per 512³ flood.
/// </para>
/// <para>
/// Prefetch: the queue knows which voxel pops a few items ahead, so it asks for that voxel's cell and for the cells
/// of its not yet flooded neighbours (<see cref="PrefetchCells"/>); flooding jumps between the fronts of many basins
/// and would otherwise wait for memory on every pop. The flooded bits of the neighbours are prefetched twice as far
/// ahead, so that the test which decides which cells to prefetch does not wait for memory either.
/// </para>
/// </remarks>
internal sealed unsafe class FloodRadixQueue : IDisposable
{
    private const int BucketCount = 3 * 256;
    private const int PrefetchDistance = 10;
    private const int ChunkItems = 512;

    /// <summary>The buckets, and one more list: the current window's items while a coarse bucket is taken apart.</summary>
    private readonly ChunkList[] _lists = new ChunkList[BucketCount + 1];
    private readonly ulong[] _occupied = new ulong[BucketCount / 64];
    private readonly int[] _histogram = new int[256];
    private HugePageBuffer _arena;
    private int[] _nextChunk = [];
    private int _chunkCapacity;
    private int _chunksUsed;
    private int _freeChunk = -1;
    private uint _window;
    private ulong[] _run = [];
    private int _runHead;
    private int _runCount;
    private ulong[] _heapOrder = [];
    private int[] _heapIndex = [];
    private int _heapCount;
    private uint _age;
    private ulong* _cells;
    private ulong* _flooded;
    private int[] _neighbours = [];

    /// <summary>A queue whose buckets hold about <paramref name="expectedItems"/> items before they must grow.</summary>
    public FloodRadixQueue(long expectedItems)
    {
        _lists.AsSpan().Fill(ChunkList.Empty);
        _arena = RentArena(expectedItems + ((long)(BucketCount + 2) * ChunkItems));
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

                if (ahead + PrefetchDistance < _runCount)
                {
                    PrefetchFloodedBits((int)(uint)_run[ahead + PrefetchDistance]);
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
        _arena.Dispose();
        PooledArrays.Return(ref _nextChunk);
        PooledArrays.Return(ref _run);
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
        Add(ref _lists[bucket], item);
        _occupied[bucket >> 6] |= 1UL << bucket;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Add(ref ChunkList list, ulong item)
    {
        if (list.TailFill == ChunkItems)
        {
            int chunk = NewChunk();
            if (list.Head < 0)
            {
                list.Head = chunk;
            }
            else
            {
                _nextChunk[list.Tail] = chunk;
            }

            list.Tail = chunk;
            list.TailFill = 0;
        }

        ((ulong*)_arena.Pointer)[((nint)list.Tail * ChunkItems) + list.TailFill++] = item;
    }

    /// <summary>The run and the heap are empty: sorts the window of the next least key into the run; false when the queue is empty.</summary>
    private bool Advance()
    {
        int next = FirstOccupied();
        if (next < 0)
        {
            return false;
        }

        var drained = _lists[next];
        _lists[next] = ChunkList.Empty;
        _occupied[next >> 6] &= ~(1UL << next);
        if (next < 256)
        {
            _window = (uint)(Items(drained, drained.Head)[0] >> 40);
            SortIntoRun(drained);
            return true;
        }

        ulong least = ulong.MaxValue;
        for (int chunk = drained.Head; chunk >= 0; chunk = NextChunk(drained, chunk))
        {
            foreach (ulong item in Items(drained, chunk))
            {
                least = Math.Min(least, item);
            }
        }

        _window = (uint)(least >> 40);
        ref var window = ref _lists[BucketCount];
        for (int chunk = drained.Head; chunk >= 0;)
        {
            // Indexed, not a span: an Add may move the arena.
            int count = Items(drained, chunk).Length;
            for (int i = 0; i < count; i++)
            {
                ulong item = ((ulong*)_arena.Pointer)[((nint)chunk * ChunkItems) + i];
                uint key = (uint)(item >> 32);
                if ((key >> 8) == _window)
                {
                    Add(ref window, item);
                }
                else
                {
                    Append(Bucket(key), item);
                }
            }

            chunk = FreeChunk(drained, chunk);
        }

        var windowItems = window;
        window = ChunkList.Empty;
        SortIntoRun(windowItems);
        return true;
    }

    /// <summary>Stable counting sort of one window's items (equal top 24 bits) on their key's low byte into the run; frees their chunks.</summary>
    private void SortIntoRun(ChunkList window)
    {
        var histogram = _histogram.AsSpan();
        histogram.Clear();
        int count = 0;
        for (int chunk = window.Head; chunk >= 0; chunk = NextChunk(window, chunk))
        {
            var items = Items(window, chunk);
            count += items.Length;
            foreach (ulong item in items)
            {
                histogram[(int)(item >> 32) & 0xFF]++;
            }
        }

        int sum = 0;
        for (int digit = 0; digit < histogram.Length; digit++)
        {
            (histogram[digit], sum) = (sum, sum + histogram[digit]);
        }

        if (_run.Length < count)
        {
            PooledArrays.Grow(ref _run, 0, Math.Max(count, 1024));
        }

        for (int chunk = window.Head; chunk >= 0;)
        {
            foreach (ulong item in Items(window, chunk))
            {
                _run[histogram[(int)(item >> 32) & 0xFF]++] = item;
            }

            chunk = FreeChunk(window, chunk);
        }

        _runHead = 0;
        _runCount = count;
        for (int i = 0; i < Math.Min(2 * PrefetchDistance, _runCount); i++)
        {
            PrefetchFloodedBits((int)(uint)_run[i]);
        }

        for (int i = 0; i < Math.Min(PrefetchDistance, _runCount); i++)
        {
            Prefetch((int)(uint)_run[i]);
        }
    }

    /// <summary>The items of <paramref name="chunk"/> of <paramref name="list"/>: all of a chunk but the tail, which holds <see cref="ChunkList.TailFill"/>.</summary>
    private Span<ulong> Items(ChunkList list, int chunk) =>
        new((ulong*)_arena.Pointer + ((nint)chunk * ChunkItems), chunk == list.Tail ? list.TailFill : ChunkItems);

    /// <summary>The chunk after <paramref name="chunk"/> in <paramref name="list"/>, or −1 after its tail.</summary>
    private int NextChunk(ChunkList list, int chunk) => chunk == list.Tail ? -1 : _nextChunk[chunk];

    /// <summary>Puts <paramref name="chunk"/> of <paramref name="list"/> on the free list (reused first, while warm) and returns the next.</summary>
    private int FreeChunk(ChunkList list, int chunk)
    {
        int next = NextChunk(list, chunk);
        _nextChunk[chunk] = _freeChunk;
        _freeChunk = chunk;
        return next;
    }

    private int NewChunk()
    {
        if (_freeChunk >= 0)
        {
            int chunk = _freeChunk;
            _freeChunk = _nextChunk[chunk];
            return chunk;
        }

        if (_chunksUsed == _chunkCapacity)
        {
            var grown = RentArena(2L * _chunkCapacity * ChunkItems);
            Buffer.MemoryCopy(_arena.Pointer, grown.Pointer, (long)grown.Bytes, (long)_chunksUsed * ChunkItems * sizeof(ulong));
            _arena.Dispose();
            _arena = grown;
        }

        return _chunksUsed++;
    }

    /// <summary>An arena of at least <paramref name="items"/> items in whole chunks; sizes the chunk links to match.</summary>
    private HugePageBuffer RentArena(long items)
    {
        var arena = HugePageBuffer.Rent(Math.Max(items, ChunkItems) * sizeof(ulong));
        _chunkCapacity = (int)Math.Min((long)(arena.Bytes / (ChunkItems * sizeof(ulong))), Array.MaxLength);
        PooledArrays.Grow(ref _nextChunk, _chunksUsed, _chunkCapacity);
        return arena;
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

    /// <summary>Prefetches the cell of <paramref name="index"/> and those of its neighbours that are not flooded yet.</summary>
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

    /// <summary>Prefetches the cell of <paramref name="index"/> and the flooded bits of its neighbours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchFloodedBits(int index)
    {
        if (!Sse.IsSupported || _flooded == null)
        {
            return;
        }

        Sse.Prefetch0(_cells + index);
        foreach (int offset in _neighbours)
        {
            Sse.Prefetch0(_flooded + ((index + offset) >> 6));
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

    /// <summary>A list of chunks in the arena: items fill each chunk in turn, the tail one up to <see cref="TailFill"/>.</summary>
    private record struct ChunkList(int Head, int Tail, int TailFill)
    {
        /// <summary>No chunk; a full (absent) tail, so the first item takes a new chunk.</summary>
        public static readonly ChunkList Empty = new(-1, -1, ChunkItems);
    }
}
