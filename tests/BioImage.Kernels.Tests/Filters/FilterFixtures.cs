using System.Text.Json;
using BioImage.Storage;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>One oracle case of tests/data/filters/cases.json (written by make_fixtures.py with scipy/scikit-image).</summary>
public sealed record FilterCase(string Name, string Filter, string Input, int[] Shape, double[] Sigma, int[] Order, double[] Outer, int Rank, string Mode, double Cval, double Truncate)
{
    public FilterOptions Options => new(new AxisScales(Sigma[0], Sigma[1], Sigma[2]), Rank, BorderIndex.Parse(Mode), Cval, Truncate);

    public AxisScales OuterSigma => new(Outer[0], Outer[1], Outer[2]);

    public override string ToString() => Name;
}

/// <summary>Loads the filter fixtures: inputs as (depth, height, width) float arrays, expected outputs channel-first.</summary>
internal static class FilterFixtures
{
    private static readonly Lazy<Dictionary<string, FilterCase>> Cases = new(Load);

    public static FilterCase Case(string name) => Cases.Value[name];

    public static TheoryData<string> Named(string filter) => new(Cases.Value.Values.Where(c => c.Filter == filter).Select(c => c.Name));

    public static TheoryData<string> All() => new(Cases.Value.Keys);

    /// <summary>The input volume and its (depth, height, width); 2D images have depth 1.</summary>
    public static (float[] Data, Index3 Shape) Input(string name) => Read($"input_{name}.npy", channels: false);

    /// <summary>The expected output: (channels × depth × height × width) values and the spatial shape.</summary>
    public static (float[] Data, Index3 Shape) Expected(FilterCase c) => Read($"{c.Name}.npy", channels: c.Filter is "hessian" or "structure_tensor");

    private static (float[] Data, Index3 Shape) Read(string file, bool channels)
    {
        using var array = NpyFile.Read<float>(RepoPaths.TestData("filters", file));
        var shape = array.Shape[(channels ? 1 : 0)..].ToArray();
        var spatial = shape.Length == 2 ? new Index3(1, shape[0], shape[1]) : new Index3(shape[0], shape[1], shape[2]);
        return (array.ToArray(), spatial);
    }

    private static Dictionary<string, FilterCase> Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("filters", "cases.json")));
        var cases = new Dictionary<string, FilterCase>();
        foreach (var item in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            double[] Doubles(string key) => item.TryGetProperty(key, out var v) ? [.. v.EnumerateArray().Select(e => e.GetDouble())] : [0, 0, 0];
            int[] Ints(string key) => item.TryGetProperty(key, out var v) ? [.. v.EnumerateArray().Select(e => e.GetInt32())] : [0, 0, 0];
            var c = new FilterCase(
                item.GetProperty("name").GetString()!,
                item.GetProperty("filter").GetString()!,
                item.GetProperty("input").GetString()!,
                Ints("shape"),
                Doubles("sigma"),
                Ints("order"),
                Doubles("outer"),
                item.GetProperty("rank").GetInt32(),
                item.GetProperty("mode").GetString()!,
                item.GetProperty("cval").GetDouble(),
                item.TryGetProperty("truncate", out var t) ? t.GetDouble() : GaussianKernel.DefaultTruncate);
            cases.Add(c.Name, c);
        }

        return cases;
    }
}

/// <summary>Tolerance checks against the oracles.</summary>
internal static class Tolerance
{
    /// <summary>
    /// Asserts max |actual − expected| ≤ <paramref name="relative"/> · max |expected| (the scale of the output: a
    /// per-element relative error is meaningless where a derivative crosses zero).
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0, worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (!(error <= worst))
            {
                worst = error;
                worstAt = i;
            }
        }

        Assert.True(worst <= relative * Math.Max(scale, 1e-30), $"{what}: max error {worst:g3} at element {worstAt} (expected {(worstAt >= 0 ? expected[worstAt] : 0)}, got {(worstAt >= 0 ? actual[worstAt] : 0)}) exceeds {relative:g2} × scale {scale:g4}.");
    }
}
