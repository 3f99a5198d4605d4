using System.Buffers;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>One voxel waiting in a <see cref="FloodQueue"/>.</summary>
/// <param name="Priority">Height (plus the compactness term): lower pops first.</param>
/// <param name="Age">Push order: among equal priorities the older pops first; seeds all have age 0.</param>
/// <param name="Index">Linear index of the voxel.</param>
/// <param name="Source">Linear index of the seed it was flooded from (used by compact watershed).</param>
internal readonly record struct FloodItem(double Priority, int Age, int Index, int Source)
{
    /// <summary>Strictly before <paramref name="other"/>: lower priority, or equal priority and older.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Precedes(in FloodItem other) => Priority != other.Priority ? Priority < other.Priority : Age < other.Age;
}

/// <summary>
/// The binary min-heap of priority flooding, keyed on (priority, age) — .NET's <c>PriorityQueue</c> does not keep
/// equal priorities first-in-first-out, and the age makes every key but the seeds' unique. Its sift rules are those
/// of scikit-image's watershed heap (CellProfiler's <c>heap_general.pxi</c>): push sifts up while strictly before the
/// parent; pop moves the last item to the root and sifts it down to the strictly smallest of itself and its children,
/// preferring the left child. With identical rules the pops are identical, including among seeds of equal height.
/// </summary>
/// <remarks>O(log n) per push and pop; items live in one pooled array that doubles when full.</remarks>
internal sealed class FloodQueue : IDisposable
{
    private FloodItem[] _items = ArrayPool<FloodItem>.Shared.Rent(1024);

    /// <summary>Items waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Adds an item.</summary>
    public void Push(in FloodItem item)
    {
        if (Count == _items.Length)
        {
            var grown = ArrayPool<FloodItem>.Shared.Rent(2 * _items.Length);
            _items.AsSpan(0, Count).CopyTo(grown);
            ArrayPool<FloodItem>.Shared.Return(_items);
            _items = grown;
        }

        var items = _items;
        int child = Count++;
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

    /// <summary>Removes and returns the first item; the queue must not be empty.</summary>
    public FloodItem Pop()
    {
        var items = _items;
        var first = items[0];
        int count = --Count;
        if (count == 0)
        {
            return first;
        }

        var moving = items[count];
        int i = 0;
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
        return first;
    }

    /// <summary>Returns the pooled array.</summary>
    public void Dispose()
    {
        ArrayPool<FloodItem>.Shared.Return(_items);
        _items = [];
    }
}
