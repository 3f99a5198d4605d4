namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// A binary max-heap over the keys 0..capacity-1 with a priority per key and each key's heap position, so that a key's
/// priority can be changed or the key removed in O(log n) (an addressable priority queue). Built in O(n) by Floyd's
/// bottom-up heapify over the keys in order; equal priorities are ordered by heap position only (no secondary key), as
/// in bioimage-cpp's <c>DenseIndexedHeap</c>.
/// </summary>
internal sealed class IndexedMaxHeap
{
    private readonly int[] _heap;
    private readonly int[] _position;
    private readonly double[] _priority;
    private int _count;

    /// <summary>An empty heap for the keys 0..<paramref name="capacity"/>-1.</summary>
    public IndexedMaxHeap(int capacity)
    {
        _heap = new int[capacity];
        _position = new int[capacity];
        _priority = new double[capacity];
        _position.AsSpan().Fill(-1);
    }

    /// <summary>Number of keys in the heap.</summary>
    public int Count => _count;

    /// <summary>The key with the largest priority (heap not empty).</summary>
    public int Top => _heap[0];

    /// <summary>The largest priority (heap not empty).</summary>
    public double TopPriority => _priority[_heap[0]];

    /// <summary>True when <paramref name="key"/> is in the heap.</summary>
    public bool Contains(int key) => _position[key] >= 0;

    /// <summary>The priority of <paramref name="key"/> (in the heap).</summary>
    public double PriorityOf(int key) => _priority[key];

    /// <summary>Replaces the content by the keys 0..priorities.Length-1 with these priorities (Floyd's heapify).</summary>
    public void Build(ReadOnlySpan<double> priorities)
    {
        Clear();
        _count = priorities.Length;
        priorities.CopyTo(_priority);
        for (int key = 0; key < _count; key++)
        {
            _heap[key] = key;
            _position[key] = key;
        }

        for (int index = (_count / 2) - 1; index >= 0; index--)
        {
            SiftDown(index);
        }
    }

    /// <summary>Removes every key (O(count)).</summary>
    public void Clear()
    {
        for (int index = 0; index < _count; index++)
        {
            _position[_heap[index]] = -1;
        }

        _count = 0;
    }

    /// <summary>Adds <paramref name="key"/> (not in the heap) with <paramref name="priority"/>.</summary>
    public void Push(int key, double priority)
    {
        _priority[key] = priority;
        _heap[_count] = key;
        _position[key] = _count;
        SiftUp(_count++);
    }

    /// <summary>Removes the top key and returns it.</summary>
    public int Pop()
    {
        int top = _heap[0];
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
        int last = _heap[--_count];
        if (index == _count)
        {
            return;
        }

        _heap[index] = last;
        _position[last] = index;
        if (index > 0 && _priority[last] > _priority[_heap[(index - 1) / 2]])
        {
            SiftUp(index);
        }
        else
        {
            SiftDown(index);
        }
    }

    /// <summary>Sets the priority of <paramref name="key"/> (in the heap) and restores the heap order.</summary>
    public void Change(int key, double priority)
    {
        double old = _priority[key];
        _priority[key] = priority;
        if (priority > old)
        {
            SiftUp(_position[key]);
        }
        else if (priority < old)
        {
            SiftDown(_position[key]);
        }
    }

    private void SiftUp(int index)
    {
        int key = _heap[index];
        double priority = _priority[key];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            int parentKey = _heap[parent];
            if (_priority[parentKey] >= priority)
            {
                break;
            }

            _heap[index] = parentKey;
            _position[parentKey] = index;
            index = parent;
        }

        _heap[index] = key;
        _position[key] = index;
    }

    private void SiftDown(int index)
    {
        int key = _heap[index];
        double priority = _priority[key];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= _count)
            {
                break;
            }

            int childKey = _heap[child];
            double childPriority = _priority[childKey];
            if (child + 1 < _count && _priority[_heap[child + 1]] > childPriority)
            {
                child++;
                childKey = _heap[child];
                childPriority = _priority[childKey];
            }

            if (childPriority <= priority)
            {
                break;
            }

            _heap[index] = childKey;
            _position[childKey] = index;
            index = child;
        }

        _heap[index] = key;
        _position[key] = index;
    }
}
