using System.Numerics;

namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// An open-addressing hash table from a node pair (a &lt; b) to an edge id: linear probing on a power-of-two table at
/// most half full, Fibonacci hashing of the 64-bit key (a, b), and backward-shift deletion (no tombstones, so probe
/// lengths stay short however many pairs come and go). Find, add and remove are O(1) expected; no call allocates.
/// </summary>
internal sealed class NodePairTable
{
    private const ulong Empty = 0; // (a, b) with a < b never packs to 0
    private readonly Slot[] _slots;
    private readonly int _shift;
    private readonly int _mask;

    /// <summary>A table for up to <paramref name="capacity"/> pairs at once.</summary>
    public NodePairTable(int capacity)
    {
        int slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, 2 * capacity));
        _slots = new Slot[slots];
        _mask = slots - 1;
        _shift = 64 - BitOperations.Log2((uint)slots);
    }

    /// <summary>The edge of the pair (a, b) (any order), or -1.</summary>
    public int Find(int a, int b)
    {
        ulong key = Key(a, b);
        for (int slot = Home(key); ; slot = (slot + 1) & _mask)
        {
            var stored = _slots[slot];
            if (stored.Key == key)
            {
                return stored.Edge;
            }

            if (stored.Key == Empty)
            {
                return -1;
            }
        }
    }

    /// <summary>Reads the first slot the pair (a, b) probes (to bring it into the cache); returns its edge.</summary>
    public int Touch(int a, int b) => _slots[Home(Key(a, b))].Edge;

    /// <summary>Adds the pair (a, b) (not present) with <paramref name="edge"/>.</summary>
    public void Add(int a, int b, int edge)
    {
        ulong key = Key(a, b);
        int slot = Home(key);
        while (_slots[slot].Key != Empty)
        {
            slot = (slot + 1) & _mask;
        }

        _slots[slot] = new Slot(key, edge);
    }

    /// <summary>Removes the pair (a, b) when present.</summary>
    public void Remove(int a, int b)
    {
        ulong key = Key(a, b);
        int slot = Home(key);
        while (_slots[slot].Key != key)
        {
            if (_slots[slot].Key == Empty)
            {
                return;
            }

            slot = (slot + 1) & _mask;
        }

        // Backward shift: move later entries of the probe run into the hole when their home allows it.
        int hole = slot;
        for (int next = (hole + 1) & _mask; _slots[next].Key != Empty; next = (next + 1) & _mask)
        {
            int home = Home(_slots[next].Key);
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _slots[hole] = _slots[next];
                hole = next;
            }
        }

        _slots[hole] = default;
    }

    private static ulong Key(int a, int b) => a < b ? ((ulong)(uint)a << 32) | (uint)b : ((ulong)(uint)b << 32) | (uint)a;

    private readonly record struct Slot(ulong Key, int Edge);

    private int Home(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
}
