namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// A binary max-heap over the keys 0..capacity-1 holding (priority, key) pairs, plus each key's heap position, so that a key's
/// priority can be changed or the key removed in O(log n) (an addressable priority queue). Built in O(n) by Floyd's
/// bottom-up heapify over the keys in order; equal priorities are ordered by heap position only (no secondary key), as
/// in bioimage-cpp's <c>DenseIndexedHeap</c>.
/// </summary>
internal sealed class IndexedMaxHeap
{
    private readonly Node[] _heap;
    private readonly int[] _position;
    private int _count;

    /// <summary>An empty heap for the keys 0..<paramref name="capacity"/>-1.</summary>
    public IndexedMaxHeap(int capacity)
    {
        _heap = new Node[capacity];
        _position = new int[capacity];
        _position.AsSpan().Fill(-1);
    }

    /// <summary>Number of keys in the heap.</summary>
    public int Count => _count;

    /// <summary>The key with the largest priority (heap not empty).</summary>
    public int Top => _heap[0].Key;

    /// <summary>The largest priority (heap not empty).</summary>
    public double TopPriority => _heap[0].Priority;

    /// <summary>True when <paramref name="key"/> is in the heap.</summary>
    public bool Contains(int key) => _position[key] >= 0;

    /// <summary>Replaces the content by the keys 0..priorities.Length-1 with these priorities (Floyd's heapify).</summary>
    public void Build(ReadOnlySpan<double> priorities)
    {
        Clear();
        _count = priorities.Length;
        for (int key = 0; key < _count; key++)
        {
            _heap[key] = new Node(priorities[key], key);
            _position[key] = key;
        }

        for (int index = (_count / 2) - 1; index >= 0; index--)
        {
            SiftDown(index, _heap[index]);
        }
    }

    /// <summary>Removes every key (O(count)).</summary>
    public void Clear()
    {
        for (int index = 0; index < _count; index++)
        {
            _position[_heap[index].Key] = -1;
        }

        _count = 0;
    }

    /// <summary>Adds <paramref name="key"/> (not in the heap) with <paramref name="priority"/>.</summary>
    public void Push(int key, double priority) => SiftUp(_count++, new Node(priority, key));

    /// <summary>Removes the top key and returns it.</summary>
    public int Pop()
    {
        int top = _heap[0].Key;
        Remove(top);
        return top;
    }

    /// <summary>Removes <paramref name="key"/> when it is in the heap.</summary>
    public void Remove(int key)
    {
        int index = _position[key];
        if (index < 0)
        {
            return;
        }

        _position[key] = -1;
        var last = _heap[--_count];
        if (index == _count)
        {
            return;
        }

        if (index > 0 && last.Priority > _heap[(index - 1) / 2].Priority)
        {
            SiftUp(index, last);
        }
        else
        {
            SiftDown(index, last);
        }
    }

    /// <summary>Sets the priority of <paramref name="key"/> (in the heap) and restores the heap order.</summary>
    public void Change(int key, double priority)
    {
        int index = _position[key];
        double old = _heap[index].Priority;
        if (priority > old)
        {
            SiftUp(index, new Node(priority, key));
        }
        else if (priority < old)
        {
            SiftDown(index, new Node(priority, key));
        }
    }

    /// <summary>Places <paramref name="node"/> at <paramref name="index"/> or above, moving smaller parents down.</summary>
    private void SiftUp(int index, Node node)
    {
        var heap = _heap;
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            var above = heap[parent];
            if (above.Priority >= node.Priority)
            {
                break;
            }

            heap[index] = above;
            _position[above.Key] = index;
            index = parent;
        }

        heap[index] = node;
        _position[node.Key] = index;
    }

    /// <summary>Places <paramref name="node"/> at <paramref name="index"/> or below, moving larger children up.</summary>
    private void SiftDown(int index, Node node)
    {
        var heap = _heap;
        int count = _count;
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= count)
            {
                break;
            }

            var larger = heap[child];
            if (child + 1 < count && heap[child + 1].Priority > larger.Priority)
            {
                larger = heap[++child];
            }

            if (larger.Priority <= node.Priority)
            {
                break;
            }

            heap[index] = larger;
            _position[larger.Key] = index;
            index = child;
        }

        heap[index] = node;
        _position[node.Key] = index;
    }

    private readonly record struct Node(double Priority, int Key);
}
