using System.Globalization;
using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage stats --histogram/--range/--bin-edges</c> and <c>bioimage unique</c> of floats as a user runs them, on
/// an odd 9×11×13 float32 volume with ±0, NaN and values on the bin edges, blocks that divide no axis, a mask, and
/// worker processes: numpy.histogram and numpy.unique(return_counts=True) are the oracles.
/// </summary>
public sealed class StatsCommandsTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        rng = np.random.default_rng(7)
        a = (rng.normal(size=(9, 11, 13)) * 2).astype(np.float32)
        a.flat[rng.choice(a.size, 40, replace=False)] = np.float32(0.1)
        a.flat[5] = -0.0; a.flat[17] = 0.0; a.flat[9] = np.nan
        np.save(sys.argv[1] + '/values.npy', a)
        np.save(sys.argv[1] + '/mask.npy', (rng.random(a.shape) < 0.7).astype(np.uint8))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-stats-").FullName;

    public StatsCommandsTests()
    {
        Python.Run(MakeInput, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("local", "--histogram", "6", "--range=-2,0.1")]
    [InlineData("subprocess", "--bin-edges=-5,-1,0,0.1,0.1,3", "--mask", "mask.npy")]
    public void Histogram_json_equals_numpy(string jobType, params string[] histogram)
    {
        var arguments = histogram.Select(a => a == "mask.npy" ? P(a) : a).ToArray();
        var (code, output, error) = CliTests.Run(["stats", P("values.npy"), "--block-shape", "4,5,6", "--workers", "2", "--job-type", jobType, "--json", .. arguments]);
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        string call = histogram[0] == "--histogram" ? "np.histogram(v, 6, range=(-2, 0.1))" : "np.histogram(v[np.load(f + '/mask.npy').astype(bool)], [-5, -1, 0, 0.1, 0.1, 3])";
        var expected = JsonDocument.Parse(Python.Run(
            $"import sys, json, numpy as np; f = sys.argv[1]; v = np.load(f + '/values.npy'); h, e = {call}; print(json.dumps([h.tolist(), [float(x) for x in e]]))",
            _folder)).RootElement;
        Assert.Equal(expected[0].EnumerateArray().Select(c => c.GetInt64()), result.GetProperty("histogram").EnumerateArray().Select(c => c.GetInt64()));
        Assert.Equal(expected[1].EnumerateArray().Select(e => e.GetDouble()), result.GetProperty("binEdges").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("NaN", result.GetProperty("max").GetString());
    }

    [Fact]
    public void Histogram_of_the_data_range_runs_two_passes_and_prints_the_bins()
    {
        var (code, output, error) = CliTests.Run("stats", P("values.npy"), "--block-shape", "4,5,6", "--mask", P("mask.npy"), "--histogram", "3", "--bin-edges", "0,1");
        Assert.Equal(2, code);
        Assert.Contains("--bin-edges", error, StringComparison.Ordinal);

        // NaN makes the data's range not finite, as numpy says; within a mask that excludes it the range is the data's.
        (code, _, error) = CliTests.Run("stats", P("values.npy"), "--block-shape", "4,5,6", "--histogram", "3");
        Assert.Equal(1, code);
        Assert.Contains("not finite", error, StringComparison.Ordinal);
        string finite = P("finite.npy");
        Python.Run("import sys, numpy as np; a = np.load(sys.argv[1]); a[np.isnan(a)] = 7; np.save(sys.argv[2], a)", P("values.npy"), finite);
        (code, output, error) = CliTests.Run("stats", finite, "--block-shape", "4,5,6", "--histogram", "3");
        Assert.True(code == 0, error);
        var expected = Python.Run("import sys, numpy as np; h, e = np.histogram(np.load(sys.argv[1]), 3); print(' '.join(str(c) for c in h))", finite).Trim().Split(' ');
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("histogram [", lines[1], StringComparison.Ordinal);
        Assert.Contains("]\t" + expected[2], lines[3], StringComparison.Ordinal);
        Assert.Equal(expected, lines.Skip(1).Select(l => l.Split('\t')[1].Split(' ')[0]));
    }

    [Theory]
    [InlineData("--histogram", "--histogram", "0")]
    [InlineData("--range", "--histogram", "3", "--range=2,1")]
    [InlineData("--histogram", "--range=0,1")]
    [InlineData("--bin-edges", "--bin-edges", "1,0")]
    [InlineData("--bin-edges", "--bin-edges", "a,b")]
    public void Bad_histogram_arguments_are_usage_errors(string named, params string[] arguments)
    {
        var (code, _, error) = CliTests.Run(["stats", P("values.npy"), "--block-shape", "4,5,6", .. arguments]);
        Assert.Equal(2, code);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unique_of_floats_equals_numpy_with_both_zeros_and_nan()
    {
        var (code, output, error) = CliTests.Run("unique", P("values.npy"), "--block-shape", "4,5,6", "--workers", "2", "--job-type", "subprocess", "--counts", "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        var expected = JsonDocument.Parse(Python.Run(
            "import sys, json, numpy as np; u, c = np.unique(np.load(sys.argv[1]), return_counts=True); print(json.dumps([[repr(float(x)) for x in u], c.tolist()]))",
            P("values.npy"))).RootElement;
        var values = result.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? float.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetSingle()).ToArray();
        Assert.Equal(expected[0].EnumerateArray().Select(v => (float)double.Parse(v.GetString()!.Replace("nan", "NaN", StringComparison.Ordinal), CultureInfo.InvariantCulture)), values);
        Assert.Equal(expected[1].EnumerateArray().Select(c => c.GetInt64()), result.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()));
        Assert.True(float.IsNegative(values.Single(v => v == 0)), "The first zero in C order is −0.0, as numpy reports it.");
    }
}
