using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// numpy's <c>isin</c>: <c>destination[i] = x[i] ∈ values</c>, by value equality in the element type (NaN is in no
/// set; <c>-0.0</c> and <c>0.0</c> are equal). O(n·k) SIMD equality tests for a set of k ≤ <see cref="SmallSet"/> values,
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
                Span<Vector<T>> broadcast = stackalloc Vector<T>[Simd<T>.IsAccelerated ? count : 0];
                for (int i = 0; i < broadcast.Length; i++)
                {
                    broadcast[i] = new Vector<T>(members[i]);
                }

                var predicate = new SmallSetPredicate<T>(x, members, broadcast);
                PredicateMasks.Write<T, SmallSetPredicate<T>>(ref predicate, x.Length, destination);
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

    /// <summary>x[i] equals one of a few values: one SIMD equality per value (broadcast once per call), OR-ed.</summary>
    private readonly ref struct SmallSetPredicate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> members, ReadOnlySpan<Vector<T>> broadcast) : IVectorPredicate<T>
        where T : unmanaged, INumber<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly ReadOnlySpan<T> _members = members;
        private readonly ReadOnlySpan<Vector<T>> _broadcast = broadcast;

        public Vector<T> Masks(int offset)
        {
            var values = Vector.LoadUnsafe(ref MemoryMarshal.GetReference(_x), (nuint)offset);
            var found = Vector<T>.Zero;
            foreach (var member in _broadcast)
            {
                found |= Vector.Equals(values, member);
            }

            return found;
        }

        public bool Test(int index) => _members.Contains(_x[index]);
    }
}
