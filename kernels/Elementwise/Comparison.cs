using System.Numerics;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>numpy's element-wise comparison ufuncs.</summary>
public enum ComparisonOperator
{
    /// <summary><c>x &gt; y</c>.</summary>
    Greater,

    /// <summary><c>x &gt;= y</c>.</summary>
    GreaterEqual,

    /// <summary><c>x &lt; y</c>.</summary>
    Less,

    /// <summary><c>x &lt;= y</c>.</summary>
    LessEqual,
}

/// <summary>
/// Element-wise comparisons <c>destination[i] = x[i] ≶ y[i]</c> or <c>x[i] ≶ y</c> into bools, over one element type
/// (type promotion is the caller's). NaN compares false, as in numpy (ordered comparisons). O(n), no allocation; SIMD
/// through <see cref="PredicateMasks"/>, one operator struct per comparison (no delegates in the loop).
/// </summary>
public static class Comparison
{
    /// <summary>Writes <c>x[i] ≶ y[i]</c> to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Apply<T>(ComparisonOperator operation, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (y.Length != x.Length || destination.Length != x.Length)
        {
            throw new ArgumentException($"x, y and destination must have the same length; got {x.Length}, {y.Length} and {destination.Length}.", nameof(destination));
        }

        switch (operation)
        {
            case ComparisonOperator.Greater: Pairs<T, Greater<T>>(x, y, destination); break;
            case ComparisonOperator.GreaterEqual: Pairs<T, GreaterEqual<T>>(x, y, destination); break;
            case ComparisonOperator.Less: Pairs<T, Greater<T>>(y, x, destination); break;
            case ComparisonOperator.LessEqual: Pairs<T, GreaterEqual<T>>(y, x, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a comparison operator.");
        }
    }

    /// <summary>Writes <c>x[i] ≶ y</c> to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> differs in length from <paramref name="x"/>.</exception>
    public static void Apply<T>(ComparisonOperator operation, ReadOnlySpan<T> x, T y, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length != x.Length)
        {
            throw new ArgumentException($"x and destination must have the same length; got {x.Length} and {destination.Length}.", nameof(destination));
        }

        switch (operation)
        {
            case ComparisonOperator.Greater: WithScalar<T, Greater<T>>(x, y, destination); break;
            case ComparisonOperator.GreaterEqual: WithScalar<T, GreaterEqual<T>>(x, y, destination); break;
            case ComparisonOperator.Less: WithScalar<T, Less<T>>(x, y, destination); break;
            case ComparisonOperator.LessEqual: WithScalar<T, LessEqual<T>>(x, y, destination); break;
            default: throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a comparison operator.");
        }
    }

    private static void Pairs<T, TCompare>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<bool> destination)
        where T : unmanaged, INumber<T>
        where TCompare : struct, ICompare<T>
    {
        var predicate = new PairPredicate<T, TCompare>(x, y);
        PredicateMasks.Write<T, PairPredicate<T, TCompare>>(ref predicate, x.Length, destination);
    }

    private static void WithScalar<T, TCompare>(ReadOnlySpan<T> x, T y, Span<bool> destination)
        where T : unmanaged, INumber<T>
        where TCompare : struct, ICompare<T>
    {
        var predicate = new ScalarPredicate<T, TCompare>(x, y);
        PredicateMasks.Write<T, ScalarPredicate<T, TCompare>>(ref predicate, x.Length, destination);
    }

    /// <summary>A comparison, scalar and SIMD.</summary>
    private interface ICompare<T>
        where T : unmanaged, INumber<T>
    {
        static abstract bool Invoke(T x, T y);

        static abstract Vector<T> Invoke(Vector<T> x, Vector<T> y);
    }

    /// <summary>x &gt; y.</summary>
    private readonly struct Greater<T> : ICompare<T>
        where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x > y;

        public static Vector<T> Invoke(Vector<T> x, Vector<T> y) => Vector.GreaterThan(x, y);
    }

    /// <summary>x &gt;= y.</summary>
    private readonly struct GreaterEqual<T> : ICompare<T>
        where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x >= y;

        public static Vector<T> Invoke(Vector<T> x, Vector<T> y) => Vector.GreaterThanOrEqual(x, y);
    }

    /// <summary>x &lt; y.</summary>
    private readonly struct Less<T> : ICompare<T>
        where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x < y;

        public static Vector<T> Invoke(Vector<T> x, Vector<T> y) => Vector.LessThan(x, y);
    }

    /// <summary>x &lt;= y.</summary>
    private readonly struct LessEqual<T> : ICompare<T>
        where T : unmanaged, INumber<T>
    {
        public static bool Invoke(T x, T y) => x <= y;

        public static Vector<T> Invoke(Vector<T> x, Vector<T> y) => Vector.LessThanOrEqual(x, y);
    }

    /// <summary>Compares x[i] with y[i].</summary>
    private readonly ref struct PairPredicate<T, TCompare>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) : IVectorPredicate<T>
        where T : unmanaged, INumber<T>
        where TCompare : struct, ICompare<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly ReadOnlySpan<T> _y = y;

        public Vector<T> Masks(nuint offset) => TCompare.Invoke(
            Vector.LoadUnsafe(ref MemoryMarshal.GetReference(_x), offset),
            Vector.LoadUnsafe(ref MemoryMarshal.GetReference(_y), offset));

        public bool Test(int index) => TCompare.Invoke(_x[index], _y[index]);
    }

    /// <summary>Compares x[i] with one value.</summary>
    private readonly ref struct ScalarPredicate<T, TCompare>(ReadOnlySpan<T> x, T y) : IVectorPredicate<T>
        where T : unmanaged, INumber<T>
        where TCompare : struct, ICompare<T>
    {
        private readonly ReadOnlySpan<T> _x = x;
        private readonly T _y = y;
        private readonly Vector<T> _bound = Simd<T>.IsAccelerated ? new Vector<T>(y) : default;

        public Vector<T> Masks(nuint offset) => TCompare.Invoke(Vector.LoadUnsafe(ref MemoryMarshal.GetReference(_x), offset), _bound);

        public bool Test(int index) => TCompare.Invoke(_x[index], _y);
    }
}
