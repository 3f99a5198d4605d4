using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace BioImage.Kernels;

/// <summary>
/// The flooding queue for 32-bit keys: pops in (key, age) order, as <see cref="FloodHeap"/> does, when no two keys
/// tie except in push order. A monotone radix heap with 256-way digits (Ahuja, Mehlhorn, Orlin and Tarjan 1990;
/// multi-level buckets as in Cherkassky, Goldberg and Silverstein 1999) holds the items at or above the last key it
/// popped; items pushed below it — a flood running downhill — go to a small binary heap that is emptied first.
/// </summary>
/// <remarks>
/// <para>
/// Radix heap: an item whose key first differs from the last popped key in byte b (3 = most significant) lies in
/// bucket (b, that byte of its key); keys equal to the last key lie in bucket (0, its low byte). A bucket of byte 0
/// thus holds one key only and is popped first-in first-out; when it runs dry the next non-empty bucket (bitmap
/// search, finest byte first) either is another byte-0 bucket — its key becomes the last key — or is a coarser
/// bucket, whose least key becomes the last key and whose items are redistributed, stably, into finer buckets. An
/// item moves at most three times: a push is O(1), a pop O(1) amortised, all with sequential memory access. Ties pop
/// in age order without storing ages: buckets are filled by appending, in push order, and redistributed stably into
/// empty buckets. Integer keys below 256 (uint8 heights) never leave byte 0: a plain bucket queue.
/// </para>
/// <para>
/// The downhill heap: every item in it lies below the radix heap's last key, so below every item in the radix heap;
/// it is emptied before the radix heap pops again. In flooding it holds the short cascades below the water level
/// (tens of items on noise), with ages for its ties.
/// </para>
/// </remarks>
internal sealed unsafe class FloodRadixQueue : IDisposable
{
    private const int BucketCount = 4 * 256;

    private readonly ulong[][] _buckets = new ulong[BucketCount][];
    private readonly int[] _counts = new int[BucketCount];
    private readonly ulong[] _occupied = new ulong[BucketCount / 64];
    private int _current;
    private int _head;
    private uint _last;
    private FloodItem[] _downhill = [];
    private int _downhillCount;
    private int _age;
    private ulong* _prefetchBase;
    private int[] _prefetchOffsets = [];

    public FloodRadixQueue()
    {
        for (int b = 0; b < BucketCount; b++)
        {
            _buckets[b] = [];
        }
    }

    /// <summary>Adds the voxel <paramref name="index"/> with priority <paramref name="key"/>, younger than every item so far.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(uint key, int index)
    {
        _age++;
        if (key < _last)
        {
            Prefetch(index);
            FloodHeap.Insert(ref _downhill, ref _downhillCount, new FloodItem(key, _age, index));
            return;
        }

        int bucket = Bucket(key);
        if (bucket < 256)
        {
            Prefetch(index);
        }

        Append(bucket, ((ulong)key << 32) | (uint)index);
    }

    /// <summary>Removes the first item and returns its voxel index, or −1 when the queue is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Pop()
    {
        if (_downhillCount > 0)
        {
            return FloodHeap.RemoveFirst(_downhill, ref _downhillCount).Index;
        }

        if (_head == _counts[_current] && !Advance())
        {
            return -1;
        }

        return (int)(uint)_buckets[_current][_head++];
    }

    /// <summary>
    /// Items about to pop (those moved into a byte-0 bucket) get the cache lines at <paramref name="cells"/> + their
    /// index + each of <paramref name="offsets"/> prefetched: flooding jumps between the fronts of many basins, and
    /// without this every pop waits for memory. <paramref name="cells"/> must stay pinned while the queue is used.
    /// </summary>
    public void PrefetchOnPromotion(ulong* cells, int[] offsets)
    {
        _prefetchBase = cells;
        _prefetchOffsets = offsets;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int b = 0; b < BucketCount; b++)
        {
            PooledArrays.Return(ref _buckets[b]);
        }

        PooledArrays.Return(ref _downhill);
    }

    /// <summary>The bucket of <paramref name="key"/> ≥ the last key: byte 0's buckets are 0..255, byte 3's 768..1023.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Bucket(uint key)
    {
        int shift = (31 - BitOperations.LeadingZeroCount((key ^ _last) | 1)) & ~7;
        return (shift << 5) | (int)((key >> shift) & 0xFF);
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

    /// <summary>The current bucket is used up: makes the bucket of the next least key current; false when all are empty.</summary>
    private bool Advance()
    {
        _counts[_current] = 0;
        _occupied[_current >> 6] &= ~(1UL << _current);
        _head = 0;
        int next = FirstOccupied();
        if (next < 0)
        {
            return false;
        }

        if (next >= 256)
        {
            var items = _buckets[next].AsSpan(0, _counts[next]);
            ulong least = ulong.MaxValue;
            foreach (ulong item in items)
            {
                least = Math.Min(least, item);
            }

            _last = (uint)(least >> 32);
            _counts[next] = 0;
            _occupied[next >> 6] &= ~(1UL << next);
            foreach (ulong item in items)
            {
                int bucket = Bucket((uint)(item >> 32));
                Append(bucket, item);
                if (bucket < 256)
                {
                    Prefetch((int)(uint)item);
                }
            }

            next = (int)(_last & 0xFF);
        }
        else
        {
            _last = (_last & ~0xFFu) | (uint)next;
        }

        _current = next;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prefetch(int index)
    {
        if (Sse.IsSupported && _prefetchBase != null)
        {
            ulong* cell = _prefetchBase + index;
            foreach (int offset in _prefetchOffsets)
            {
                Sse.Prefetch0(cell + offset);
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
