using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Elementwise;

/// <summary>
/// <see cref="Arithmetic"/>, <see cref="Comparison"/> and <see cref="Membership"/> against numpy (the oracle, run once
/// per element type on the longest input) on every length around every vector width — 2 … 64 elements, the 32 elements
/// of one narrowing step and the two halves the comparison loop streams together — with NaN, infinities and signed zeros
/// dense enough to fall in every head, middle and tail. Arithmetic is bit-identical (NaNs compared as NaN: numpy keeps
/// no payload rule either); minimum/maximum propagate NaN as numpy's do.
/// </summary>
public class ElementwiseNumpyTests
{
    private static readonly int[] SetSizes = [1, 3, 4, 5, 8, 9, 20];

    /// <summary>Lengths k·w − 1, k·w, k·w + 1 for every power-of-two width w up to 64 and k = 1 … 3, plus a few long odd ones.</summary>
    private static readonly int[] Lengths =
        [0, .. Enumerable.Range(1, 6).Select(e => 1 << e).SelectMany(w => Enumerable.Range(1, 3).SelectMany(k => new[] { (k * w) - 1, k * w, (k * w) + 1 })).Distinct().Order(), 255, 257, 1023, 1025];

    [Fact]
    public void Float32_matches_numpy_with_nan_and_signed_zeros() =>
        Check<float>("float32", [float.NaN, float.NegativeInfinity, -2.5f, -0f, 0f, 1f, 50f, float.PositiveInfinity]);

    [Fact]
    public void Float64_matches_numpy_with_nan_and_signed_zeros() =>
        Check<double>("float64", [double.NaN, double.NegativeInfinity, -1e300, -0d, 0d, 1d, 50d, double.PositiveInfinity]);

    [Fact]
    public void Integers_of_every_width_match_numpy()
    {
        Check<byte>("uint8", [0, 1, 2, 50, 127, 128, 255]);
        Check<short>("int16", [short.MinValue, -1, 0, 1, 50, 300, short.MaxValue]);
        Check<int>("int32", [int.MinValue, -1, 0, 1, 50, 70000, int.MaxValue]);
        Check<long>("int64", [long.MinValue, -1, 0, 1, 50, 5_000_000_000, long.MaxValue]);
        Check<ulong>("uint64", [0, 1, 50, 5_000_000_000, long.MaxValue, ulong.MaxValue]);
    }

    private static void Check<T>(string dtype, T[] palette)
        where T : unmanaged, INumber<T>
    {
        bool floating = typeof(T) == typeof(float) || typeof(T) == typeof(double);
        var random = new Random(17);
        int longest = Lengths.Max();
        T[] Draw(int count) => [.. Enumerable.Range(0, count).Select(_ => palette[random.Next(palette.Length)])];
        var x = Draw(longest);
        var y = Draw(longest);
        var scalars = Draw(4);
        var sets = SetSizes.Select(Draw).ToArray();

        using var numpy = new NumpyExchange();
        numpy.Put("x", x, longest);
        numpy.Put("y", y, longest);
        numpy.Put("scalars", scalars, scalars.Length);
        for (int s = 0; s < sets.Length; s++)
        {
            numpy.Put($"set{s}", sets[s], sets[s].Length);
        }

        var arithmetic = Enum.GetValues<ArithmeticOperator>().Where(op => floating || op != ArithmeticOperator.Divide).ToArray();
        var comparisons = Enum.GetValues<ComparisonOperator>();
        numpy.Run($$"""
            import warnings
            warnings.simplefilter("ignore")
            x, y, scalars = load("x"), load("y"), load("scalars")
            for name in {{PythonList(arithmetic.Select(NumpyName).Concat(comparisons.Select(NumpyName)))}}:
                ufunc = getattr(np, name)
                save(name, ufunc(x, y))
                for s, scalar in enumerate(scalars):
                    save(f"{name}_{s}", ufunc(x, scalar))
            for s in range({{sets.Length}}):
                save(f"isin_{s}", np.isin(x, load(f"set{s}")))
            """);

        foreach (var operation in arithmetic)
        {
            string name = NumpyName(operation);
            var expected = numpy.Get<T>(name);
            var expectedWithScalar = Enumerable.Range(0, scalars.Length).Select(s => numpy.Get<T>($"{name}_{s}")).ToArray();
            foreach (int length in Lengths)
            {
                var actual = new T[length];
                Arithmetic.Apply(operation, x.AsSpan(0, length), y.AsSpan(0, length), actual);
                AssertSame(operation, expected.AsSpan(0, length), actual, $"{dtype} {name} length {length}");
                for (int s = 0; s < scalars.Length; s++)
                {
                    Arithmetic.Apply(operation, x.AsSpan(0, length), scalars[s], actual);
                    AssertSame(operation, expectedWithScalar[s].AsSpan(0, length), actual, $"{dtype} {name} with {scalars[s]} length {length}");
                }
            }
        }

        foreach (var operation in comparisons)
        {
            string name = NumpyName(operation);
            var expected = numpy.Get<bool>(name);
            foreach (int length in Lengths)
            {
                var actual = new bool[length];
                Comparison.Apply(operation, x.AsSpan(0, length), y.AsSpan(0, length), actual);
                Assert.True(expected.AsSpan(0, length).SequenceEqual(actual), $"{dtype} {name} length {length}");
                for (int s = 0; s < scalars.Length; s++)
                {
                    Comparison.Apply(operation, x.AsSpan(0, length), scalars[s], actual);
                    Assert.True(numpy.Get<bool>($"{name}_{s}").AsSpan(0, length).SequenceEqual(actual), $"{dtype} {name} with {scalars[s]} length {length}");
                }
            }
        }

        for (int s = 0; s < sets.Length; s++)
        {
            var expected = numpy.Get<bool>($"isin_{s}");
            foreach (int length in Lengths)
            {
                var actual = new bool[length];
                Membership.IsIn<T>(x.AsSpan(0, length), sets[s], actual);
                Assert.True(expected.AsSpan(0, length).SequenceEqual(actual), $"{dtype} isin of {sets[s].Length} values, length {length}");
            }
        }
    }

    /// <summary>
    /// Bit-identical, except that any NaN matches any NaN and, for minimum/maximum, −0 matches 0 (numpy's own SIMD and
    /// scalar loops differ there).
    /// </summary>
    private static void AssertSame<T>(ArithmeticOperator operation, ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string where)
        where T : unmanaged, INumber<T>
    {
        var expectedBytes = MemoryMarshal.AsBytes(expected);
        var actualBytes = MemoryMarshal.AsBytes(actual);
        int size = expectedBytes.Length / Math.Max(expected.Length, 1);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = expectedBytes.Slice(i * size, size).SequenceEqual(actualBytes.Slice(i * size, size))
                || (T.IsNaN(expected[i]) && T.IsNaN(actual[i]))
                || (operation is ArithmeticOperator.Minimum or ArithmeticOperator.Maximum && T.IsZero(expected[i]) && T.IsZero(actual[i]));
            Assert.True(same, $"{where} at {i}: numpy {expected[i]}, ours {actual[i]}");
        }
    }

    private static string NumpyName(ArithmeticOperator operation) => operation.ToString().ToLowerInvariant();

    private static string NumpyName(ComparisonOperator operation) => operation switch
    {
        ComparisonOperator.GreaterEqual => "greater_equal",
        ComparisonOperator.LessEqual => "less_equal",
        _ => operation.ToString().ToLowerInvariant(),
    };

    private static string PythonList(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => string.Create(CultureInfo.InvariantCulture, $"\"{n}\""))) + "]";
}
