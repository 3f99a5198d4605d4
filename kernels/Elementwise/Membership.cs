using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// numpy's <c>isin</c>: <c>destination[i] = x[i] ∈ values</c>, by value equality in the element type (NaN is in no
/// set; <c>-0.0</c> and <c>0.0</c> are equal). O(n·k) SIMD equality tests for a set of k ≤ <see cref="SmallSet"/> values
/// (an unrolled OR of 4 or 8 equalities per register),
/// else O(n) with a lookup table for 8- and 16-bit integers and O(n log k) binary search for the wider types; no
/// allocation per element.
/// </summary>
public static class Membership
{
    /// <summary>
    /// Sets up to this size are tested with one SIMD equality per value; beyond it a binary search per element is cheaper
    /// (≈ log2 k branchy steps against k vector compares of a few lanes' cost each).
    /// </summary>
    public const int SmallSet = 8;

    /// <summary>Writes <c>x[i] ∈ values</c> to <paramref name="destination"/>; <paramref name="values"/> may hold duplicates and come in any order.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> differs in length from <paramref name="x"/>.</exception>
    public static void IsIn<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> values, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length != x.Length)
        {
            throw new ArgumentException($"x and destination must have the same length; got {x.Length} and {destination.Length}.", nameof(destination));
        }

        var set = ArrayPool<T>.Shared.Rent(values.Length);
        try
        {
            int count = Distinct(values, set);
            var members = set.AsSpan(0, count);
            if (count <= SmallSet)
            {
                ByEqualities(x, members, destination);
            }
            else if (typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(ushort) || typeof(T) == typeof(short))
            {
                ByTable(x, members, destination);
            }
            else
            {
                for (int i = 0; i < x.Length; i++)
                {
                    destination[i] = members.BinarySearch(x[i]) >= 0;
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(set);
        }
    }

    /// <summary>Copies the values other than NaN to <paramref name="set"/>, sorted and without duplicates; returns how many.</summary>
    private static int Distinct<T>(ReadOnlySpan<T> values, T[] set)
        where T : unmanaged, INumber<T>
    {
        int count = 0;
        foreach (var value in values)
        {
            if (!T.IsNaN(value))
            {
                set[count++] = value;
            }
        }

        var sorted = set.AsSpan(0, count);
        sorted.Sort();
        int distinct = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (distinct == 0 || sorted[i] != sorted[distinct - 1])
            {
                sorted[distinct++] = sorted[i];
            }
        }

        return distinct;
    }

    /// <summary>8- and 16-bit integers: one flag per possible value, indexed by the value's bits.</summary>
    private static void ByTable<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> members, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        int size = 1 << (8 * Unsafe.SizeOf<T>());
        var table = ArrayPool<bool>.Shared.Rent(size);
        try
        {
            Array.Clear(table, 0, size);
            foreach (var member in members)
            {
                table[Bits(member)] = true;
            }

            for (int i = 0; i < x.Length; i++)
            {
                destination[i] = table[Bits(x[i])];
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(table);
        }
    }

    /// <summary>The value's bit pattern as an index (8- and 16-bit types).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Bits<T>(T value)
        where T : unmanaged => Unsafe.SizeOf<T>() == 1 ? Unsafe.As<T, byte>(ref value) : Unsafe.As<T, ushort>(ref value);

    /// <summary>
    /// A set of at most <see cref="SmallSet"/> values: an unrolled chain of SIMD equalities OR-ed together, over four or
    /// eight broadcast registers (the set padded by repeating its last member, which changes no result).
    /// </summary>
    private static void ByEqualities<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> members, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (members.IsEmpty)
        {
            destination.Clear();
            return;
        }

        Span<T> padded = stackalloc T[SmallSet];
        for (int i = 0; i < SmallSet; i++)
        {
            padded[i] = members[Math.Min(i, members.Length - 1)];
        }

        if (members.Length <= 4)
        {
            var predicate = new AnyOfFour<T>(x, padded);
            PredicateMasks.Write<T, AnyOfFour<T>>(ref predicate, x.Length, destination);
        }
        else
        {
            var predicate = new AnyOfEight<T>(x, padded);
            PredicateMasks.Write<T, AnyOfEight<T>>(ref predicate, x.Length, destination);
        }
    }

    /// <summary>x[i] equals one of four values (repeats allowed).</summary>
    private readonly ref struct AnyOfFour<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> values) : IVectorPredicate<T>
        where T : unmanaged, INumber<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly T _a = values[0], _b = values[1], _c = values[2], _d = values[3];
        private readonly Vector<T> _va = Broadcast(values[0]), _vb = Broadcast(values[1]), _vc = Broadcast(values[2]), _vd = Broadcast(values[3]);

        public Vector<T> Masks(nuint offset)
        {
            var v = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(_x), offset);
            return (Vector.Equals(v, _va) | Vector.Equals(v, _vb)) | (Vector.Equals(v, _vc) | Vector.Equals(v, _vd));
        }

        public bool Test(int index)
        {
            var v = _x[index];
            return v == _a || v == _b || v == _c || v == _d;
        }
    }

    /// <summary>x[i] equals one of eight values (repeats allowed).</summary>
    private readonly ref struct AnyOfEight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> values) : IVectorPredicate<T>
        where T : unmanaged, INumber<T>
    {
        private readonly AnyOfFour<T> _low = new(x, values[..4]);
        private readonly AnyOfFour<T> _high = new(x, values[4..]);

        public Vector<T> Masks(nuint offset) => _low.Masks(offset) | _high.Masks(offset);

        public bool Test(int index) => _low.Test(index) || _high.Test(index);
    }

    private static Vector<T> Broadcast<T>(T value)
        where T : unmanaged, INumber<T> => Simd<T>.IsAccelerated ? new Vector<T>(value) : default;
}
