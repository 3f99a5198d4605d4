using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Disjoint sets over the integers 0..<see cref="Count"/>-1 (a union-find, Tarjan 1975) with path halving and a
/// deterministic union: the smaller root always wins, so every set's root is its smallest element and
/// <c>parent[i] ≤ i</c> holds throughout. <see cref="MakeContiguous"/> then numbers the sets in the order of their
/// smallest element in one forward pass — the property connected-component labelling relies on to number
/// components in raster order of first appearance (vigra's <c>UnionFindArray</c>, Wu–Otoo–Suzuki 2009).
/// </summary>
/// <typeparam name="TLabel">Unsigned integer type of the elements; it bounds how many sets can be created.</typeparam>
/// <remarks>
/// Memory is one <typeparamref name="TLabel"/> per element, rented from <see cref="ArrayPool{T}"/> and returned by
/// <see cref="Dispose"/>. Find is amortised near-constant (path halving with union by index gives O(log n) worst
/// case per operation, O(α) in practice on labelling workloads, Wu–Otoo–Suzuki 2009). Not thread-safe.
/// Creating more elements than <typeparamref name="TLabel"/> can number throws <see cref="OverflowException"/>
/// saying to use 64-bit labels.
/// </remarks>
public sealed class UnionFind<TLabel> : IDisposable
    where TLabel : unmanaged, IBinaryInteger<TLabel>, IUnsignedNumber<TLabel>
{
    private TLabel[] _parent;
    private int _count;

    /// <summary>An empty structure with room for <paramref name="capacity"/> elements before it grows.</summary>
    public UnionFind(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _parent = capacity == 0 ? [] : ArrayPool<TLabel>.Shared.Rent(capacity);
    }

    /// <summary>Number of elements (each created as its own set by <see cref="MakeSet"/> or <see cref="AddSets"/>).</summary>
    public int Count => _count;

    /// <summary>The largest number of elements this label type can index: <c>min(TLabel.AllBitsSet + 1, Array.MaxLength)</c>.</summary>
    public static long MaxCount { get; } = ulong.CreateSaturating(TLabel.AllBitsSet) >= (ulong)Array.MaxLength
        ? Array.MaxLength
        : long.CreateTruncating(TLabel.AllBitsSet) + 1;

    /// <summary>Adds one element as a new singleton set and returns it.</summary>
    public TLabel MakeSet()
    {
        int element = _count;
        AddSets(1);
        return TLabel.CreateTruncating(element);
    }

    /// <summary>Adds <paramref name="count"/> elements (<see cref="Count"/>, <see cref="Count"/>+1, …), each its own set.</summary>
    public void AddSets(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long newCount = (long)_count + count;
        if (newCount > MaxCount)
        {
            throw LabelOverflow(newCount);
        }

        EnsureCapacity((int)newCount);
        var parent = _parent.AsSpan();
        for (int i = _count; i < (int)newCount; i++)
        {
            parent[i] = TLabel.CreateTruncating(i);
        }

        _count = (int)newCount;
    }

    /// <summary>The root (smallest element) of the set holding <paramref name="element"/>; halves the path on the way.</summary>
    public TLabel Find(TLabel element) => FindRoot(_parent, CheckElement(element));

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/>; the smaller root becomes the root. Returns it.</summary>
    public TLabel Union(TLabel a, TLabel b) => Union(_parent, CheckElement(a), CheckElement(b));

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are in the same set.</summary>
    public bool Connected(TLabel a, TLabel b) => Find(a) == Find(b);

    /// <summary>
    /// Numbers the sets <paramref name="firstLabel"/>, <paramref name="firstLabel"/>+1, … in increasing order of their
    /// smallest element and writes each element's set number to <paramref name="labels"/> (at least
    /// <see cref="Count"/> long). Returns the number of sets. The structure stays usable.
    /// </summary>
    /// <exception cref="OverflowException">The last set number does not fit in <typeparamref name="TLabel"/>.</exception>
    public long MakeContiguous(Span<TLabel> labels, TLabel firstLabel)
    {
        if (labels.Length < _count)
        {
            throw new ArgumentException($"labels holds {labels.Length} elements; the union-find has {_count}.", nameof(labels));
        }

        var parent = _parent.AsSpan(0, _count);
        long sets = 0;
        for (int i = 0; i < parent.Length; i++)
        {
            int p = int.CreateTruncating(parent[i]);
            if (p == i)
            {
                sets++;
            }
        }

        if (sets > 0 && ulong.CreateTruncating(firstLabel) + (ulong)(sets - 1) > ulong.CreateSaturating(TLabel.AllBitsSet))
        {
            throw new OverflowException($"{sets} sets numbered from {firstLabel} do not fit in {typeof(TLabel).Name} labels (max {TLabel.AllBitsSet}); use uint64 labels.");
        }

        TLabel next = firstLabel;
        for (int i = 0; i < parent.Length; i++)
        {
            int p = int.CreateTruncating(parent[i]);
            if (p == i)
            {
                labels[i] = next;
                next++;
            }
            else
            {
                labels[i] = labels[p];
                parent[i] = parent[p];
            }
        }

        return sets;
    }

    /// <summary>Removes every element; keeps the rented memory for reuse.</summary>
    public void Clear() => _count = 0;

    /// <summary>Returns the rented memory to the pool.</summary>
    public void Dispose()
    {
        PooledArrays.Return(ref _parent);
        _count = 0;
    }

    /// <summary>Root of <paramref name="element"/> in the forest <paramref name="parent"/>, halving the path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TLabel FindRoot(Span<TLabel> parent, TLabel element)
    {
        ref TLabel first = ref parent[0];
        TLabel x = element;
        TLabel p = Unsafe.Add(ref first, int.CreateTruncating(x));
        while (p != x)
        {
            TLabel grandparent = Unsafe.Add(ref first, int.CreateTruncating(p));
            Unsafe.Add(ref first, int.CreateTruncating(x)) = grandparent;
            x = grandparent;
            p = Unsafe.Add(ref first, int.CreateTruncating(x));
        }

        return x;
    }

    /// <summary>Merges the sets of <paramref name="a"/> and <paramref name="b"/> in <paramref name="parent"/>; the smaller root wins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TLabel Union(Span<TLabel> parent, TLabel a, TLabel b)
    {
        TLabel rootA = FindRoot(parent, a);
        TLabel rootB = FindRoot(parent, b);
        if (rootA < rootB)
        {
            parent[int.CreateTruncating(rootB)] = rootA;
            return rootA;
        }

        parent[int.CreateTruncating(rootA)] = rootB;
        return rootB;
    }

    /// <summary>
    /// Replaces every entry of a forest (with <c>parent[i] ≤ i</c>) by its set number 0, 1, … in order of the sets'
    /// smallest elements, in place, in one forward pass. Returns the number of sets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int Flatten(Span<TLabel> parent)
    {
        int next = 0;
        for (int i = 0; i < parent.Length; i++)
        {
            int p = int.CreateTruncating(parent[i]);
            parent[i] = p == i ? TLabel.CreateTruncating(next++) : parent[p];
        }

        return next;
    }

    private TLabel CheckElement(TLabel element)
    {
        if (ulong.CreateTruncating(element) >= (ulong)_count)
        {
            throw new ArgumentOutOfRangeException(nameof(element), element, $"The union-find has elements 0..{_count - 1}.");
        }

        return element;
    }

    private void EnsureCapacity(int required)
    {
        if (required <= _parent.Length)
        {
            return;
        }

        PooledArrays.Grow(ref _parent, _count, (int)Math.Min(Math.Max(required, Math.Max(16L, _parent.Length * 2L)), Array.MaxLength));
    }

    private static OverflowException LabelOverflow(long requested) =>
        new($"A union-find of {typeof(TLabel).Name} holds at most {MaxCount} elements; {requested} were requested. Use uint64 labels.");
}
