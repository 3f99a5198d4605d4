using System.Globalization;
using System.Numerics;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Storage;

namespace BioImage.Core.Tests.Storage;

/// <summary>.npy files written by numpy (tests/data/npy/make_fixtures.py) read back exactly, and numpy reads ours.</summary>
public class NpyFileTests
{
    private static readonly Dictionary<string, JsonElement> Expected =
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(RepoPaths.TestData("npy", "expected.json")))!;

    public static TheoryData<string> Cases => new(Expected.Keys.Order());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Numpy_fixtures_read_exactly(string name)
    {
        var expected = Expected[name];
        string path = RepoPaths.TestData("npy", name + ".npy");
        var header = NpyFile.ReadHeader(path);
        Assert.Equal(expected.GetProperty("dtype").GetString(), header.DType.NumpyName());
        Assert.Equal(expected.GetProperty("big_endian").GetBoolean(), header.IsBigEndian);
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), header.Shape);
        var (first, last, sum) = header.DType.Dispatch(new FirstLastSum(path));
        Assert.Equal(expected.GetProperty("first").GetDouble(), first);
        Assert.Equal(expected.GetProperty("last").GetDouble(), last);
        Assert.Equal(expected.GetProperty("sum").GetDouble(), sum, Math.Abs(sum) * 1e-12);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_wise_stats_equal_numpy_for_any_blocking(string name)
    {
        var expected = Expected[name];
        string path = RepoPaths.TestData("npy", name + ".npy");
        var header = NpyFile.ReadHeader(path);
        long[][] blockShapes = header.Shape.Count == 3 ? [[], [1, 1, 1], [2, 3, 4], [5, 7, 64]] : [[], [4], [1]];
        foreach (var blockShape in blockShapes)
        {
            foreach (int workers in new[] { 1, 2 })
            {
                var moments = header.DType.Dispatch(new StatsOf(path, blockShape, workers));
                Assert.Equal(expected.GetProperty("min").GetDouble(), moments.Min);
                Assert.Equal(expected.GetProperty("max").GetDouble(), moments.Max);
                double mean = expected.GetProperty("mean").GetDouble(), std = expected.GetProperty("std").GetDouble();
                Assert.Equal(mean, moments.Mean, Math.Max(Math.Abs(mean), std) * 1e-12);
                Assert.Equal(std, moments.StandardDeviation, std * 1e-9);
            }
        }
    }

    [Fact]
    public void Unsupported_files_are_refused_with_the_reason()
    {
        Assert.Contains("Fortran order", Assert.Throws<InvalidDataException>(() => NpyFile.ReadHeader(RepoPaths.TestData("npy", "fortran_order.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("'<c8' is not supported", Assert.Throws<InvalidDataException>(() => NpyFile.ReadHeader(RepoPaths.TestData("npy", "complex64.npy"))).Message, StringComparison.Ordinal);
        Assert.Contains("holds uint8 values", Assert.Throws<InvalidDataException>(() => NpyFile.Read<float>(RepoPaths.TestData("npy", "uint8.npy"))).Message, StringComparison.Ordinal);
        string notNpy = Path.GetTempFileName();
        File.WriteAllText(notNpy, "hello");
        Assert.Contains("not a .npy file", Assert.Throws<InvalidDataException>(() => NpyFile.ReadHeader(notNpy)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(notNpy, File.ReadAllBytes(RepoPaths.TestData("npy", "int32.npy"))[..200]);
        Assert.Throws<EndOfStreamException>(() => NpyFile.Read<int>(notNpy));
        File.Delete(notNpy);
    }

    [Fact]
    public void Numpy_reads_what_we_write_for_every_dtype()
    {
        string directory = Directory.CreateTempSubdirectory("npy-write-").FullName;
        try
        {
            foreach (var dtype in DTypes.All)
            {
                dtype.Dispatch(new WriteRamp(Path.Combine(directory, dtype.NumpyName() + ".npy"), dtype == DType.Bool));
            }

            string report = Python.Run(
                "import sys, glob, os, numpy as np\n" +
                "for f in sorted(glob.glob(os.path.join(sys.argv[1], '*.npy'))):\n" +
                "    a = np.load(f)\n" +
                "    print(os.path.basename(f)[:-4], a.dtype.name, a.shape, repr(float(a.astype(np.float64).sum())), a.flags['C_CONTIGUOUS'])\n",
                directory);
            var lines = report.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0]);
            foreach (var dtype in DTypes.All)
            {
                // The ramp is value (i mod 100) over a (3, 5, 7) array: 105 values; bool is (i mod 100) != 0, false at i = 0 and 100.
                double sum = dtype == DType.Bool ? 103 : Enumerable.Range(0, 105).Sum(i => i % 100);
                Assert.Equal($"{dtype.NumpyName()} {dtype.NumpyName()} (3, 5, 7) {sum.ToString("0.0", CultureInfo.InvariantCulture)} True", lines[dtype.NumpyName()]);
            }

            Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class FirstLastSum(string path) : IDTypeFunc<(double, double, double)>
    {
        public (double, double, double) Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var array = NpyFile.Read<T>(path);
            double sum = 0;
            foreach (var v in array.Span)
            {
                sum += double.CreateTruncating(v);
            }

            return (double.CreateTruncating(array.Span[0]), double.CreateTruncating(array.Span[^1]), sum);
        }
    }

    private sealed class StatsOf(string path, long[] blockShape, int workers) : IDTypeFunc<global::BioImage.Kernels.Moments>
    {
        public global::BioImage.Kernels.Moments Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var array = NpyFile.Read<T>(path);
            return Stats.Compute(array, blockShape, workers);
        }
    }

    private sealed class WriteRamp(string path, bool asBool) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            if (asBool)
            {
                using var mask = NdArray<bool>.Allocate([3, 5, 7]);
                for (int i = 0; i < mask.Length; i++)
                {
                    mask.Span[i] = i % 100 != 0;
                }

                NpyFile.Write(path, mask);
                return true;
            }

            using var array = NdArray<T>.Allocate([3, 5, 7]);
            for (int i = 0; i < array.Length; i++)
            {
                array.Span[i] = T.CreateTruncating(i % 100);
            }

            NpyFile.Write(path, array);
            return true;
        }
    }
}
