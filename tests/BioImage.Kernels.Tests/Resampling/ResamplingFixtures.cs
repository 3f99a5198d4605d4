using System.Text.Json;
using BioImage.Kernels;
using BioImage.Storage;

namespace BioImage.Kernels.Tests.Resampling;

/// <summary>One case of tests/data/resampling/cases.json (written by make_fixtures.py with scipy/numpy).</summary>
public sealed record ResamplingCase(string Name, string Kind, string Input, int[] Shape, int Order, string Mode, double Cval, bool AntiAliasing, string DType, string Method, int[] Factors)
{
    public Index3 OutputShape => Shape.Length == 2 ? new Index3(1, Shape[0], Shape[1]) : new Index3(Shape[0], Shape[1], Shape[2]);

    public override string ToString() => Name;
}

/// <summary>Loads the resampling fixtures.</summary>
internal static class ResamplingFixtures
{
    private static readonly Lazy<Dictionary<string, ResamplingCase>> Cases = new(Load);

    public static ResamplingCase Case(string name) => Cases.Value[name];

    public static TheoryData<string> OfKind(string kind) => new(Cases.Value.Values.Where(c => c.Kind == kind).Select(c => c.Name));

    /// <summary>An array of a fixture file as (values, (depth, height, width)); 2D arrays have depth 1.</summary>
    public static (T[] Data, Index3 Shape) Read<T>(string file)
        where T : unmanaged
    {
        using var array = NpyFile.Read<T>(RepoPaths.TestData("resampling", $"{file}.npy"));
        var shape = array.Shape.ToArray();
        return (array.ToArray(), shape.Length == 2 ? new Index3(1, shape[0], shape[1]) : new Index3(shape[0], shape[1], shape[2]));
    }

    private static Dictionary<string, ResamplingCase> Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("resampling", "cases.json")));
        var cases = new Dictionary<string, ResamplingCase>();
        foreach (var item in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            string Text(string key, string fallback) => item.TryGetProperty(key, out var v) ? v.GetString()! : fallback;
            int[] Ints(string key) => item.TryGetProperty(key, out var v) ? [.. v.EnumerateArray().Select(e => e.GetInt32())] : [];
            var c = new ResamplingCase(
                Text("name", string.Empty),
                Text("kind", string.Empty),
                Text("input", string.Empty),
                Ints("shape"),
                item.TryGetProperty("order", out var order) ? order.GetInt32() : 0,
                Text("mode", "mirror"),
                item.TryGetProperty("cval", out var cval) ? cval.GetDouble() : 0,
                item.TryGetProperty("anti_aliasing", out var aa) && aa.GetBoolean(),
                Text("dtype", string.Empty),
                Text("method", string.Empty),
                Ints("factors"));
            cases.Add(c.Name, c);
        }

        return cases;
    }
}
