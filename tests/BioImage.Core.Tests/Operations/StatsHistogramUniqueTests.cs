using System.Globalization;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;
using BioImage.Storage;
using BioImage.Testing;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="Stats"/> (moments and histogram) and float <see cref="UniqueValues"/> against numpy run at
/// test time: np.min/max/mean/std, np.histogram (equal bins with and without a range, explicit edges) and
/// np.unique(return_counts=True) with −0.0, +0.0 and NaN, for every dtype family, odd shapes, blocks that divide no
/// axis, with and without a mask, on local threads, worker processes and Slurm.
/// </summary>
public sealed class StatsHistogramUniqueTests : IDisposable
{
    private const string Oracle = """
        import json, sys
        import numpy as np
        a = np.load(sys.argv[1]); m = np.load(sys.argv[2]).astype(bool) if sys.argv[2] != '-' else np.ones(a.shape, bool)
        v = a[m]
        def f(x): return repr(float(x))
        out = {'count': int(v.size), 'min': f(v.min()), 'max': f(v.max()), 'mean': f(v.astype(np.float64).mean()), 'std': f(v.astype(np.float64).std())}
        if v.dtype != np.bool_:
            for name, kw in [('auto', dict(bins=7)), ('range', dict(bins=5, range=(-0.7, 1.3))), ('edges', dict(bins=[-1e300, -1, 0, 0.1, 0.1, 3.5, 40]))]:
                try:
                    h, e = np.histogram(v, **kw)
                    out[name] = {'counts': h.tolist(), 'edges': [f(x) for x in e]}
                except ValueError as err:
                    out[name] = {'error': str(err)}
        u, c = np.unique(v, return_counts=True)
        out['unique'] = [f(x) for x in u]; out['counts'] = c.tolist(); out['signs'] = [bool(s) for s in np.signbit(u)] if u.dtype.kind == 'f' else []
        print(json.dumps(out))
        """;

    private readonly OperationFixture _fixture = new("stats-hist-");

    public void Dispose() => _fixture.Dispose();

    public static TheoryData<string, JobType, long[]> Cases() => new()
    {
        { "float32", JobType.Local, [4, 5, 6] },
        { "float32", JobType.Local, [13, 17, 19] },
        { "float64", JobType.Local, [5, 3, 7] },
        { "uint8", JobType.Local, [4, 5, 6] },
        { "int16", JobType.Local, [6, 17, 2] },
        { "uint64", JobType.Local, [4, 5, 6] },
        { "bool", JobType.Local, [4, 5, 6] },
        { "float32", JobType.Subprocess, [4, 5, 6] },
        { "int16", JobType.Subprocess, [5, 3, 7] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Moments_histograms_and_unique_equal_numpy(string dtype, JobType jobType, long[] blockShape) =>
        AssertAgainstNumpy(dtype, _fixture.Options(jobType, 2, blockShape));

    [Fact]
    public void Slurm_equals_numpy() => AssertAgainstNumpy("float32", _fixture.Options(JobType.Slurm, 3, [4, 5, 6]));

    [Fact]
    public void Constant_volume_bins_around_the_value_and_nan_data_need_a_range()
    {
        var constant = Write("constant", DType.Float32, _ => 0.1);
        var result = Stats.Histogram(Source.Open(constant), _fixture.Options(JobType.Local, 1, [4, 5, 6]), bins: 3);
        var expected = Json(Python.Run("import numpy as np, sys, json; h, e = np.histogram(np.load(sys.argv[1]), 3); print(json.dumps([h.tolist(), [repr(float(x)) for x in e]]))", constant));
        Assert.Equal(expected[0].EnumerateArray().Select(c => c.GetInt64()), result.Histogram!);
        Assert.Equal(expected[1].EnumerateArray().Select(e => Parse(e.GetString()!)), result.BinEdges!);

        var nan = Write("nan", DType.Float64, i => i == 7 ? double.NaN : i);
        var error = Assert.Throws<DataConditionException>(() => Stats.Histogram(Source.Open(nan), _fixture.Options(JobType.Local, 1, [4, 5, 6]), bins: 3));
        Assert.Contains("not finite", error.Message, StringComparison.Ordinal);
        var ranged = Stats.Histogram(Source.Open(nan), _fixture.Options(JobType.Local, 1, [4, 5, 6]), bins: 2, range: [0, 10_000]);
        var numpy = Json(Python.Run("import numpy as np, sys, json; print(json.dumps(np.histogram(np.load(sys.argv[1]), 2, range=(0, 10000))[0].tolist()))", nan));
        Assert.Equal(numpy.EnumerateArray().Select(c => c.GetInt64()), ranged.Histogram!);
    }

    [Fact]
    public void Bad_histogram_arguments_name_the_option()
    {
        var input = Source.Open(Write("bad", DType.Float32, i => i));
        var options = _fixture.Options(JobType.Local, 1, [4, 5, 6]);
        Assert.Contains("--histogram", Assert.ThrowsAny<ArgumentException>(() => Stats.Histogram(input, options, bins: 0)).Message, StringComparison.Ordinal);
        Assert.Contains("--range", Assert.ThrowsAny<ArgumentException>(() => Stats.Histogram(input, options, bins: 2, range: [2, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("--bin-edges", Assert.ThrowsAny<ArgumentException>(() => Stats.Histogram(input, options, edges: [1, 0])).Message, StringComparison.Ordinal);
        Assert.Contains("--bin-edges", Assert.ThrowsAny<ArgumentException>(() => Stats.Histogram(input, options, edges: [1])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_ids_and_resume_give_the_subset_and_the_whole()
    {
        string path = Write("subset", DType.Int16, i => (i * 7919 % 201) - 100);
        var options = _fixture.Options(JobType.Local, 2, [4, 5, 6]);
        var first = Stats.Histogram(Source.Open(path), options with { BlockIds = [0] }, bins: 4);
        var expected = Json(Python.Run("import numpy as np, sys, json; a = np.load(sys.argv[1])[:4, :5, :6]; h, e = np.histogram(a, 4); print(json.dumps([h.tolist(), [repr(float(x)) for x in e]]))", path));
        Assert.Equal(expected[0].EnumerateArray().Select(c => c.GetInt64()), first.Histogram!);
        Assert.Equal(expected[1].EnumerateArray().Select(e => Parse(e.GetString()!)), first.BinEdges!);
    }

    private void AssertAgainstNumpy(string dtype, RunOptions options)
    {
        var type = Enum.Parse<DType>(dtype, ignoreCase: true);
        string path = Write(dtype, type, Value(type));
        string maskPath = Write(dtype + "_mask", DType.UInt8, i => i % 5 == 1 ? 0 : 1);
        foreach (bool masked in new[] { false, true })
        {
            var expected = JsonDocument.Parse(Python.Run(Oracle, path, masked ? maskPath : "-")).RootElement;
            var run = masked ? options with { Mask = Source.Open(maskPath) } : options;
            string what = $"{dtype} masked={masked} on {options.JobType}";
            var moments = Stats.Compute(Source.Open(path), run);
            Assert.Equal(expected.GetProperty("count").GetInt64(), moments.Count);
            Assert.Equal(Parse(expected.GetProperty("min").GetString()!), moments.Min);
            Assert.Equal(Parse(expected.GetProperty("max").GetString()!), moments.Max);
            double scale = Math.Max(Math.Abs(moments.Min), Math.Abs(moments.Max));
            AssertClose(Parse(expected.GetProperty("mean").GetString()!), moments.Mean, scale, what);
            AssertClose(Parse(expected.GetProperty("std").GetString()!), moments.StandardDeviation, scale, what);
            if (type != DType.Bool)
            {
                AssertHistogram(expected.GetProperty("auto"), () => Stats.Histogram(Source.Open(path), run, bins: 7), what + " auto");
                AssertHistogram(expected.GetProperty("range"), () => Stats.Histogram(Source.Open(path), run, bins: 5, range: [-0.7, 1.3]), what + " range");
                AssertHistogram(expected.GetProperty("edges"), () => Stats.Histogram(Source.Open(path), run, edges: [-1e300, -1, 0, 0.1, 0.1, 3.5, 40]), what + " edges");
            }

            var unique = UniqueValues.Compute(Source.Open(path), run, counts: true);
            var values = unique.Values.Cast<IConvertible>().Select(v => v.ToDouble(CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(expected.GetProperty("unique").EnumerateArray().Select(v => Parse(v.GetString()!)), values);
            Assert.Equal(expected.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()), unique.Counts!);
            if (type is DType.Float32 or DType.Float64)
            {
                // The zero's sign is numpy's (the first zero in C order); a NaN's sign bit means nothing.
                var signs = expected.GetProperty("signs").EnumerateArray().Select(s => s.GetBoolean()).ToArray();
                Assert.Equal(signs.Where((_, i) => !double.IsNaN(values[i])), values.Where(v => !double.IsNaN(v)).Select(double.IsNegative));
            }
        }
    }

    private static void AssertHistogram(JsonElement expected, Func<StatsResult> compute, string what)
    {
        if (expected.TryGetProperty("error", out var error))
        {
            Assert.Contains("not finite", error.GetString()!, StringComparison.Ordinal);
            Assert.Contains("not finite", Assert.Throws<DataConditionException>(compute).Message, StringComparison.Ordinal);
            return;
        }

        var result = compute();
        Assert.Equal(expected.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()), result.Histogram!);
        Assert.True(expected.GetProperty("edges").EnumerateArray().Select(e => Parse(e.GetString()!)).SequenceEqual(result.BinEdges!), what);
    }

    /// <summary>Within 1e-12 relative, of the value or (for a mean of 0) of the data's magnitude; NaN equals NaN.</summary>
    private static void AssertClose(double expected, double actual, double scale, string what) =>
        Assert.True(expected.Equals(actual) || Math.Abs(expected - actual) <= 1e-12 * Math.Max(Math.Abs(expected), scale), $"{what}: expected {expected:R}, got {actual:R}");

    /// <summary>Values with ties at the bin edges (0.1, −1, 0), both zeros, NaNs and big integers, by dtype.</summary>
    private static Func<int, double> Value(DType type) => type switch
    {
        DType.Float32 or DType.Float64 => i => (i % 97) switch
        {
            0 => -0.0,
            1 => 0.0,
            2 => double.NaN,
            3 => 0.1,
            4 => -1,
            5 => 1.3,
            6 => -0.7,
            _ => Math.Sin(i * 0.37) * (1 + (i % 5)),
        },
        DType.UInt64 => i => i % 11 == 0 ? 9_007_199_254_740_993.0 + (i % 3) : i % 40,
        DType.Bool => i => i % 3 == 0 ? 1 : 0,
        _ => i => (i * 7919 % 61) - (type == DType.UInt8 ? 0 : 30),
    };

    private string Write(string name, DType type, Func<int, double> value)
    {
        string path = Path.Combine(_fixture.Directory, name + ".npy");
        int n = OperationFixture.Shape.Aggregate(1, (a, b) => a * b);
        switch (type)
        {
            case DType.Float32: Save(path, n, i => (float)value(i)); break;
            case DType.Float64: Save(path, n, value); break;
            case DType.UInt8: Save(path, n, i => (byte)value(i)); break;
            case DType.Int16: Save(path, n, i => (short)value(i)); break;
            case DType.UInt64: Save(path, n, i => i % 11 == 0 ? 9_007_199_254_740_993UL + (ulong)(i % 3) : (ulong)value(i)); break;
            case DType.Bool:
                Save(path, n, i => (byte)value(i));
                Python.Run("import numpy as np, sys; np.save(sys.argv[1], np.load(sys.argv[1]).astype(bool))", path);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "No test data for this dtype.");
        }

        return path;
    }

    private static void Save<T>(string path, int n, Func<int, T> value)
        where T : unmanaged
    {
        using var data = NdArray<T>.Allocate(OperationFixture.Shape);
        for (int i = 0; i < n; i++)
        {
            data.Span[i] = value(i);
        }

        NpyFile.Write(path, data);
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static double Parse(string repr) => double.Parse(repr.Replace("inf", "Infinity", StringComparison.Ordinal).Replace("nan", "NaN", StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
