using System.Buffers;

namespace BioImage.Kernels;

/// <summary>
/// A cache-friendly flooding queue that pops in (priority, age) order like <see cref="FloodHeap"/>, for keys that are
/// all distinct (then every correct priority queue pops in the same order). It exploits how flooding uses the queue:
/// the main queue is monotone — an item pushed below the priority last popped from it goes to a small "downhill"
/// heap that is emptied first — so it can be a bucket queue over the priority range (a calendar queue): future
/// buckets are unsorted chunk lists, filled by appending, and only the current bucket is a (small) binary heap.
/// </summary>
/// <remarks>
/// Items of priority p go to bucket ⌊(p − low)·scale⌋ of <c>bucketCount</c> buckets over [low, high]. A push costs an
/// append or a small-heap insert, a pop a small-heap removal; each bucket is heapified once (O(k)) when it becomes
/// current. Memory is the live items in 32-item chunks, reused through a free list.
/// </remarks>
internal sealed class FloodBuckets : IFloodQueue
{
    /// <summary>Items per chunk: 512 bytes, eight cache lines.</summary>
    private const int ChunkSize = 32;

    private readonly double _low;
    private readonly double _scale;
    private readonly int[] _head;
    private readonly int[] _tail;
    private FloodItem[] _chunkItems = [];
    private int[] _chunkNext = [];
    private int[] _chunkFill = [];
    private int _chunkCount;
    private int _freeChunk = -1;
    private FloodItem[] _current = [];
    private int _currentCount;
    private int _currentBucket = -1;
    private FloodItem[] _downhill = [];
    private int _downhillCount;
    private double _level = double.NegativeInfinity;

    /// <summary>A queue for priorities in [<paramref name="low"/>, <paramref name="high"/>] (others are clamped to the ends).</summary>
    public FloodBuckets(double low, double high, int bucketCount)
    {
        _low = low;
        _scale = high > low ? (bucketCount - 1) / (high - low) : 0;
        _head = ArrayPool<int>.Shared.Rent(bucketCount);
        _tail = ArrayPool<int>.Shared.Rent(bucketCount);
        _head.AsSpan(0, bucketCount).Fill(-1);
        _tail.AsSpan(0, bucketCount).Fill(-1);
        BucketCount = bucketCount;
    }

    /// <inheritdoc/>
    public int Count { get; private set; }

    private int BucketCount { get; }

    /// <inheritdoc/>
    public void Push(in FloodItem item)
    {
        Count++;
        if (item.Priority < _level)
        {
            FloodHeap.Insert(ref _downhill, ref _downhillCount, item);
            return;
        }

        int bucket = Bucket(item.Priority);
        if (bucket <= _currentBucket)
        {
            FloodHeap.Insert(ref _current, ref _currentCount, item);
            return;
        }

        Append(bucket, item);
    }

    /// <inheritdoc/>
    public FloodItem Pop()
    {
        Count--;
        if (_downhillCount > 0)
        {
            return FloodHeap.RemoveFirst(_downhill, ref _downhillCount);
        }

        if (_currentCount == 0)
        {
            Advance();
        }

        var item = FloodHeap.RemoveFirst(_current, ref _currentCount);
        _level = item.Priority;
        return item;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_head);
        ArrayPool<int>.Shared.Return(_tail);
        PooledArrays.Return(ref _chunkItems);
        PooledArrays.Return(ref _current);
        PooledArrays.Return(ref _downhill);
        PooledArrays.Return(ref _chunkNext);
        PooledArrays.Return(ref _chunkFill);
    }

    private int Bucket(double priority)
    {
        double position = (priority - _low) * _scale;
        return position <= 0 ? 0 : position >= BucketCount - 1 ? BucketCount - 1 : (int)position;
    }

    private void Append(int bucket, in FloodItem item)
    {
        int chunk = _tail[bucket];
        if (chunk < 0 || _chunkFill[chunk] == ChunkSize)
        {
            int fresh = NewChunk();
            if (chunk < 0)
            {
                _head[bucket] = fresh;
            }
            else
            {
                _chunkNext[chunk] = fresh;
            }

            _tail[bucket] = chunk = fresh;
        }

        _chunkItems[(chunk * ChunkSize) + _chunkFill[chunk]++] = item;
    }

    /// <summary>Makes the next non-empty bucket current: its chunks are gathered into the current heap and freed.</summary>
    private void Advance()
    {
        int bucket = _currentBucket + 1;
        while (_head[bucket] < 0)
        {
            bucket++;
        }

        for (int chunk = _head[bucket]; chunk >= 0;)
        {
            int fill = _chunkFill[chunk];
            if (_currentCount + fill > _current.Length)
            {
                PooledArrays.Grow(ref _current, _currentCount, 2 * Math.Max(_currentCount + fill, 512));
            }

            _chunkItems.AsSpan(chunk * ChunkSize, fill).CopyTo(_current.AsSpan(_currentCount));
            _currentCount += fill;
            int next = _chunkNext[chunk];
            _chunkNext[chunk] = _freeChunk;
            _freeChunk = chunk;
            chunk = next;
        }

        _head[bucket] = _tail[bucket] = -1;
        _currentBucket = bucket;
        FloodHeap.Heapify(_current, _currentCount);
    }

    private int NewChunk()
    {
        int chunk = _freeChunk;
        if (chunk >= 0)
        {
            _freeChunk = _chunkNext[chunk];
        }
        else
        {
            if (_chunkCount * ChunkSize == _chunkItems.Length)
            {
                int chunks = Math.Max(64, 2 * _chunkCount);
                PooledArrays.Grow(ref _chunkItems, _chunkCount * ChunkSize, chunks * ChunkSize);
                PooledArrays.Grow(ref _chunkNext, _chunkCount, chunks);
                PooledArrays.Grow(ref _chunkFill, _chunkCount, chunks);
            }

            chunk = _chunkCount++;
        }

        _chunkNext[chunk] = -1;
        _chunkFill[chunk] = 0;
        return chunk;
    }
}
