using System.Buffers;

namespace BioImage.Kernels;

/// <summary>
/// A binary min-heap of <see cref="FloodItem"/>s with exactly the sift rules of scikit-image's watershed heap
/// (CellProfiler's <c>heap_general.pxi</c>): push sifts up while strictly before the parent; pop moves the last item to
/// the root and sifts it down to the strictly smallest of itself and its children, preferring the left child. With
/// identical rules the pops are identical even among items with equal keys (skimage gives every seed age 0).
/// </summary>
/// <remarks>O(log n) per push and pop; items live in one pooled array that doubles when full.</remarks>
internal sealed class FloodHeap : IFloodQueue
{
    private FloodItem[] _items = ArrayPool<FloodItem>.Shared.Rent(1024);

    /// <inheritdoc/>
    public int Count { get; private set; }

    /// <inheritdoc/>
    public void Push(in FloodItem item)
    {
        int count = Count;
        Insert(ref _items, ref count, item);
        Count = count;
    }

    /// <inheritdoc/>
    public FloodItem Pop()
    {
        int count = Count;
        var first = RemoveFirst(_items, ref count);
        Count = count;
        return first;
    }

    /// <inheritdoc/>
    public void Dispose() => PooledArrays.Return(ref _items);

    /// <summary>Adds <paramref name="item"/> to the heap items[0..count), growing the pooled array when full.</summary>
    public static void Insert(ref FloodItem[] items, ref int count, in FloodItem item)
    {
        if (count == items.Length)
        {
            PooledArrays.Grow(ref items, count, 2 * Math.Max(count, 512));
        }

        int child = count++;
        while (child > 0)
        {
            int parent = (child - 1) >> 1;
            if (!item.Precedes(items[parent]))
            {
                break;
            }

            items[child] = items[parent];
            child = parent;
        }

        items[child] = item;
    }

    /// <summary>Removes and returns the root of the heap items[0..count).</summary>
    public static FloodItem RemoveFirst(FloodItem[] items, ref int count)
    {
        var first = items[0];
        if (--count > 0)
        {
            SiftDownFrom(items, count, items[count], 0);
        }

        return first;
    }

    /// <summary>Turns items[0..count) into a heap (Floyd's bottom-up construction, O(count)).</summary>
    public static void Heapify(FloodItem[] items, int count)
    {
        for (int i = (count / 2) - 1; i >= 0; i--)
        {
            SiftDownFrom(items, count, items[i], i);
        }
    }

    private static void SiftDownFrom(FloodItem[] items, int count, FloodItem moving, int i)
    {
        while (true)
        {
            int left = (2 * i) + 1;
            if (left >= count)
            {
                break;
            }

            int smallest = items[left].Precedes(moving) ? left : i;
            int right = left + 1;
            if (right < count && items[right].Precedes(smallest == i ? moving : items[smallest]))
            {
                smallest = right;
            }

            if (smallest == i)
            {
                break;
            }

            items[i] = items[smallest];
            i = smallest;
        }

        items[i] = moving;
    }
}
