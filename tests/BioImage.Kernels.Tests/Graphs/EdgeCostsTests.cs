using System.Globalization;
using BioImage.Kernels.Graphs;

namespace BioImage.Kernels.Tests.Graphs;

/// <summary>
/// Edge costs against the fact sheet's float32 values (§3.2) and against elf's formulas evaluated by numpy 1.24 at test
/// time (float32 arrays keep float32 arithmetic there), for every weighting scheme.
/// </summary>
public class EdgeCostsTests
{
    [Fact]
    public void Float32_costs_are_the_fact_sheet_values()
    {
        var costs = EdgeCosts.TransformProbabilitiesToCosts([0f, 0.5f, 0.9f, 0.99f, 1f]);
        Assert.Equal([6.906755f, 0f, -2.1883667f, -4.5006437f, -6.9067678f], costs);
    }

    [Fact]
    public void Float32_log_equals_numpy_bit_for_bit()
    {
        var random = new Random(3);
        float[] special = [0f, -1f, float.NaN, float.PositiveInfinity, 1e-40f, 1f, 0.001f, 998.99994f];
        var values = Enumerable.Range(0, 100_000).Select(i => i < special.Length ? special[i] : BitConverter.Int32BitsToSingle(random.Next(0, 0x7F800000))).ToArray();
        using var exchange = new NumpyExchange();
        exchange.Put("x", values, values.Length);
        exchange.Run("""
            with np.errstate(all='ignore'):
                save('log', np.log(load('x')))
            """);
        var expected = exchange.Get<float>("log");
        for (int i = 0; i < values.Length; i++)
        {
            float actual = NumpyFloat32Log.Log(values[i]);
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected[i]) && float.IsNaN(actual)), $"log({values[i]:R}): numpy {expected[i]:R}, ours {actual:R}");
        }
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeCosts.TransformProbabilitiesToCosts([0.5], beta: 1));
        var error = Assert.Throws<ArgumentException>(() => EdgeCosts.ComputeEdgeCosts<double>([0.5, 0.2], [1.0, 2.0], [], scheme: EdgeWeighting.Z));
        Assert.Equal("zEdges", error.ParamName);
        Assert.Throws<ArgumentException>(() => EdgeCosts.ComputeEdgeCosts<double>([0.5], [], [], scheme: EdgeWeighting.All));
    }

    [Fact]
    public void Every_scheme_equals_elf_in_numpy()
    {
        var random = new Random(7);
        int n = 257;
        var probabilities = Enumerable.Range(0, n).Select(i => i < 3 ? i / 2.0 : random.NextDouble()).ToArray();
        var sizes = Enumerable.Range(0, n).Select(_ => (double)random.Next(1, 500)).ToArray();
        var zEdges = Enumerable.Range(0, n).Select(_ => random.Next(3) == 0).ToArray();
        using var exchange = new NumpyExchange();
        exchange.Put("p", probabilities, n);
        exchange.Put("sizes", sizes, n);
        exchange.Put("z", zEdges, n);
        exchange.Run("""
            p64, sizes, z = load('p'), load('sizes'), load('z')
            def costs(p, beta, edge_sizes, populations, exponent):
                c = (0.999 - 0.001) * p + 0.001
                c = np.log((1. - c) / c) + np.log((1. - beta) / beta)
                if edge_sizes is None:
                    return c
                for pop in populations:
                    w = edge_sizes[pop] / float(edge_sizes[pop].max())
                    if exponent != 1.:
                        w = w ** exponent
                    c[pop] *= w
                return c
            everything = np.ones(len(p64), dtype=bool)
            z_sizes = sizes.copy()
            z_sizes[~z] = 1.
            for dtype in ('float32', 'float64'):
                p = p64.astype(dtype)
                for beta, exponent in ((0.5, 1.), (0.3, 2.), (0.7, 0.5)):
                    tag = f"{dtype}_{beta}_{exponent}"
                    save(f"none_{tag}", costs(p, beta, None, None, exponent))
                    save(f"all_{tag}", costs(p, beta, sizes, [everything], exponent))
                    save(f"xyz_{tag}", costs(p, beta, sizes, [z, ~z], exponent))
                    save(f"z_{tag}", costs(p, beta, z_sizes, [z, ~z], exponent))
            """);
        foreach (var (beta, exponent) in new[] { (0.5, 1.0), (0.3, 2.0), (0.7, 0.5) })
        {
            foreach (var scheme in Enum.GetValues<EdgeWeighting>())
            {
                string tag = string.Create(CultureInfo.InvariantCulture, $"{scheme.ToString().ToLowerInvariant()}_{{0}}_{beta}_{exponent:0.0#}");
                var single = EdgeCosts.ComputeEdgeCosts<float>(probabilities.Select(p => (float)p).ToArray(), sizes, zEdges, beta, scheme, exponent);
                Assert.Equal(exchange.Get<float>(string.Format(CultureInfo.InvariantCulture, tag, "float32")), single);
                var expected = exchange.Get<double>(string.Format(CultureInfo.InvariantCulture, tag, "float64"));
                var actual = EdgeCosts.ComputeEdgeCosts<double>(probabilities, sizes, zEdges, beta, scheme, exponent);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"{tag} float64 [{i}]: {expected[i]:R} vs {actual[i]:R}");
                }
            }
        }
    }
}
