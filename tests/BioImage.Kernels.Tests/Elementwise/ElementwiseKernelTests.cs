using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Elementwise;

/// <summary>
/// <see cref="Arithmetic"/>, <see cref="Comparison"/> and <see cref="Membership"/> against their element-by-element
/// definitions for every element type and every length 0 … 200 (each remainder of each vector width; the test script
/// also runs these under 512-bit, 128-bit and scalar SIMD), with extremes, wrap-around, NaN and signed zeros.
/// </summary>
public class ElementwiseKernelTests
{
    private const int Longest = 200;

    [Fact]
    public void Every_type_matches_the_element_wise_definitions()
    {
        Check<sbyte>([sbyte.MinValue, -1, 0, 1, 5, 100, sbyte.MaxValue]);
        Check<byte>([0, 1, 5, 127, 128, 200, byte.MaxValue]);
        Check<short>([short.MinValue, -300, -1, 0, 1, 300, short.MaxValue]);
        Check<ushort>([0, 1, 300, 32767, 32768, 60000, ushort.MaxValue]);
        Check<int>([int.MinValue, -70000, -1, 0, 1, 70000, int.MaxValue]);
        Check<uint>([0, 1, 70000, int.MaxValue, 2147483648, 4000000000, uint.MaxValue]);
        Check<long>([long.MinValue, -5_000_000_000, -1, 0, 1, 5_000_000_000, long.MaxValue]);
        Check<ulong>([0, 1, 5_000_000_000, long.MaxValue, 9223372036854775808, ulong.MaxValue - 1, ulong.MaxValue]);
        Check<float>([float.NegativeInfinity, -1.5f, -0f, 0f, 0.25f, 3e38f, float.PositiveInfinity, float.NaN]);
        Check<double>([double.NegativeInfinity, -1e300, -0d, 0d, 0.25, 1e300, double.PositiveInfinity, double.NaN]);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Arithmetic.Apply<int>(ArithmeticOperator.Add, new int[3], new int[2], new int[3]));
        Assert.Throws<ArgumentException>(() => Comparison.Apply<int>(ComparisonOperator.Less, new int[3], 1, new bool[2]));
        Assert.Throws<ArgumentException>(() => Membership.IsIn<int>(new int[3], [1], new bool[4]));
    }

    private static void Check<T>(T[] palette)
        where T : unmanaged, INumber<T>
    {
        var random = new Random(42);
        T Draw() => palette[random.Next(palette.Length)];
        for (int length = 0; length <= Longest; length++)
        {
            var x = Enumerable.Range(0, length).Select(_ => Draw()).ToArray();
            var y = Enumerable.Range(0, length).Select(_ => Draw()).ToArray();
            T scalar = Draw();
            foreach (var operation in Enum.GetValues<ArithmeticOperator>())
            {
                if (operation == ArithmeticOperator.Divide && typeof(T) != typeof(float) && typeof(T) != typeof(double))
                {
                    continue; // integer division by zero throws; the operations divide in float64
                }

                var pairs = new T[length];
                Arithmetic.Apply(operation, x, y, pairs);
                var withScalar = x.ToArray();
                Arithmetic.Apply(operation, withScalar, scalar, withScalar); // in place
                for (int i = 0; i < length; i++)
                {
                    AssertSame(Expected(operation, x[i], y[i]), pairs[i], $"{typeof(T).Name} {operation} length {length} at {i}");
                    AssertSame(Expected(operation, x[i], scalar), withScalar[i], $"{typeof(T).Name} {operation} scalar length {length} at {i}");
                }
            }

            foreach (var operation in Enum.GetValues<ComparisonOperator>())
            {
                var pairs = new bool[length];
                var withScalar = new bool[length];
                Comparison.Apply(operation, x, y, pairs);
                Comparison.Apply(operation, x, scalar, withScalar);
                for (int i = 0; i < length; i++)
                {
                    Assert.True(Expected(operation, x[i], y[i]) == pairs[i], $"{typeof(T).Name} {operation} length {length} at {i}");
                    Assert.True(Expected(operation, x[i], scalar) == withScalar[i], $"{typeof(T).Name} {operation} scalar length {length} at {i}");
                }
            }

            foreach (int size in new[] { 0, 1, 3, Membership.SmallSet, Membership.SmallSet + 1, 2 * palette.Length })
            {
                var values = Enumerable.Range(0, size).Select(_ => Draw()).ToArray();
                var found = new bool[length];
                Membership.IsIn<T>(x, values, found);
                for (int i = 0; i < length; i++)
                {
                    Assert.True(values.Any(v => v == x[i]) == found[i], $"{typeof(T).Name} isin of {size} values, length {length} at {i}");
                }
            }
        }
    }

    private static T Expected<T>(ArithmeticOperator operation, T a, T b)
        where T : unmanaged, INumber<T> => operation switch
        {
            ArithmeticOperator.Add => unchecked(a + b),
            ArithmeticOperator.Subtract => unchecked(a - b),
            ArithmeticOperator.Multiply => unchecked(a * b),
            ArithmeticOperator.Divide => a / b,
            ArithmeticOperator.Minimum => T.IsNaN(a) || T.IsNaN(b) ? a + b : a < b ? a : b,
            _ => T.IsNaN(a) || T.IsNaN(b) ? a + b : a > b ? a : b,
        };

    private static bool Expected<T>(ComparisonOperator operation, T a, T b)
        where T : unmanaged, INumber<T> => operation switch
        {
            ComparisonOperator.Greater => a > b,
            ComparisonOperator.GreaterEqual => a >= b,
            ComparisonOperator.Less => a < b,
            _ => a <= b,
        };

    /// <summary>Equal values (−0 equals 0, as numpy's minimum may return either), or both NaN.</summary>
    private static void AssertSame<T>(T expected, T actual, string where)
        where T : unmanaged, INumber<T> =>
        Assert.True(expected == actual || (T.IsNaN(expected) && T.IsNaN(actual)), $"{where}: expected {expected}, got {actual}");
}
