using System.Numerics;

namespace BioImage.Kernels.Tests.Segmentation;

public class UniqueTests
{
    [Fact]
    public void Equals_numpy_unique_with_counts_for_every_integer_type_dense_and_sparse()
    {
        using var exchange = new NumpyExchange();
        var random = new Random(17);
        int[] shape = [5, 13, 37];
        int n = shape[0] * shape[1] * shape[2];
        var cases = new Dictionary<string, Func<Array>>
        {
            ["u8"] = () => Labels(random, n, v => (byte)v, 200),
            ["i16"] = () => Labels(random, n, v => (short)(v - 300), 700),
            ["u32"] = () => Labels(random, n, v => (uint)v, 50),
            ["i64_sparse"] = () => Labels(random, n, v => (v * 7_000_000_000L) - 9_000_000_000L, 90),
            ["u64_sparse"] = () => Labels(random, n, v => ((ulong)v * 123_456_789_123UL) + (ulong)(v % 3), 400),
        };
        var inputs = cases.ToDictionary(c => c.Key, c => c.Value());
        foreach (var (name, data) in inputs)
        {
            Put(exchange, name, data, shape);
        }

        exchange.Run($$"""
            for name in {{Python(inputs.Keys)}}:
                values, counts = np.unique(load(name), return_counts=True)
                save(name + "_values", values)
                save(name + "_counts", counts.astype(np.int64))
            """);

        Check<byte>(exchange, "u8", inputs, shape);
        Check<short>(exchange, "i16", inputs, shape);
        Check<uint>(exchange, "u32", inputs, shape);
        Check<long>(exchange, "i64_sparse", inputs, shape);
        Check<ulong>(exchange, "u64_sparse", inputs, shape);
    }

    [Fact]
    public void Per_block_results_merge_into_the_whole_result()
    {
        var random = new Random(2);
        var data = Labels(random, 8 * 9 * 10, v => (ulong)v * 1_000_003UL, 60);
        var whole = Unique.ValuesAndCounts(new ReadOnlySpan3D<ulong>(data, 8, 9, 10));
        var view = new ReadOnlySpan3D<ulong>(data, 8, 9, 10);
        var parts = new List<(ulong[], long[])>
        {
            Unique.ValuesAndCounts(view.Slice(0, 0, 0, 3, 9, 10)),
            Unique.ValuesAndCounts(view.Slice(3, 0, 0, 5, 4, 10)),
            Unique.ValuesAndCounts(view.Slice(3, 4, 0, 5, 5, 10), degreeOfParallelism: 2),
        };
        var merged = Unique.Merge(parts);
        Assert.Equal(whole.Values, merged.Values);
        Assert.Equal(whole.Counts, merged.Counts);
        Assert.Empty(Unique.Values(new ReadOnlySpan3D<int>([], 0, 4, 4)));
    }

    internal static T[] Labels<T>(Random random, int n, Func<long, T> make, int distinct)
    {
        // Runs of random length, as in label images, with a few isolated voxels.
        var data = new T[n];
        int i = 0;
        while (i < n)
        {
            int run = random.Next(1, 12);
            var value = make(random.Next(distinct));
            for (int k = 0; k < run && i < n; k++)
            {
                data[i++] = value;
            }
        }

        return data;
    }

    internal static string Python(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"\"{n}\"")) + "]";

    internal static void Put(NumpyExchange exchange, string name, Array data, int[] shape)
    {
        // Exact element types: the runtime lets a ulong[] pass as a long[] in a type pattern.
        var element = data.GetType().GetElementType();
        if (element == typeof(byte))
        {
            exchange.Put(name, (byte[])data, shape);
        }
        else if (element == typeof(short))
        {
            exchange.Put(name, (short[])data, shape);
        }
        else if (element == typeof(uint))
        {
            exchange.Put(name, (uint[])data, shape);
        }
        else if (element == typeof(long))
        {
            exchange.Put(name, (long[])data, shape);
        }
        else
        {
            exchange.Put(name, (ulong[])data, shape);
        }
    }

    private static void Check<T>(NumpyExchange exchange, string name, Dictionary<string, Array> inputs, int[] shape)
        where T : unmanaged, IBinaryInteger<T>
    {
        var data = (T[])inputs[name];
        foreach (int threads in new[] { 1, 3 })
        {
            var (values, counts) = Unique.ValuesAndCounts(new ReadOnlySpan3D<T>(data, shape[0], shape[1], shape[2]), threads);
            Assert.Equal(exchange.Get<T>(name + "_values"), values);
            Assert.Equal(exchange.Get<long>(name + "_counts"), counts);
        }
    }
}
