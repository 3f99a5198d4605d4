using System.Text.Json;
using BioImage.Cli;

namespace BioImage.Cli.Tests;

/// <summary>The command line as a user meets it: help, version, exit codes, one-line errors, --json.</summary>
public class CliTests
{
    internal static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = BioImageCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Help_lists_the_verbs()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("demo", output, StringComparison.Ordinal);
        Assert.Contains("stats <INPUT>", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var (code, output, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Theory]
    [InlineData("unknown verb", "frobnicate")]
    [InlineData("--block-shape", "stats", "x.npy", "--block-shape", "0,4,4")]
    [InlineData("--block-shape", "stats", "x.npy", "--block-shape", "a,b")]
    [InlineData("--workers must be at least 1", "stats", "x.npy", "--workers", "-3")]
    [InlineData("--job-type: 'cloud' is not available", "stats", "x.npy", "--job-type", "cloud")]
    [InlineData("Required argument 'INPUT' missing", "stats")]
    [InlineData("Unrecognized command or argument '--frob'", "demo", "--frob")]
    [InlineData("--size must be between", "demo", "--size", "3")]
    [InlineData("--dtype: 'uint9' is not a dtype; expected one of: bool, uint8", "demo", "--dtype", "uint9")]
    [InlineData("--dtype bool", "demo", "--dtype", "bool")]
    public void Bad_arguments_exit_2_with_one_line_naming_the_argument(string expected, params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        if (expected != "unknown verb")
        {
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Block_shape_of_the_wrong_rank_is_a_bad_argument()
    {
        var (code, _, error) = Run("stats", RepoPaths.TestData("npy", "uint16.npy"), "--block-shape", "4,4");
        Assert.Equal(2, code);
        Assert.Contains("--block-shape has 2 values but the data has 3 axes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_input_is_a_bad_argument_and_bad_data_is_a_failure()
    {
        Assert.Equal(2, Run("stats", "/nonexistent/in.npy").ExitCode);
        string unknown = Path.GetTempFileName();
        var (unknownCode, _, unknownError) = Run("stats", unknown);
        File.Delete(unknown);
        Assert.Equal(2, unknownCode);
        Assert.Contains("Cannot tell the format", unknownError, StringComparison.Ordinal);

        string garbage = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.npy");
        File.WriteAllText(garbage, "not an array");
        var (code, _, error) = Run("stats", garbage);
        File.Delete(garbage);
        Assert.Equal(1, code);
        Assert.Contains("not a .npy file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_json_equals_numpy()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(RepoPaths.TestData("npy", "expected.json"))).RootElement.GetProperty("float32");
        var (code, output, error) = Run("stats", RepoPaths.TestData("npy", "float32.npy"), "--block-shape", "2,3,4", "--workers", "2", "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal("float32", result.GetProperty("inputs")[0].GetProperty("dtype").GetString());
        Assert.Equal(expected.GetProperty("min").GetDouble(), result.GetProperty("min").GetDouble());
        Assert.Equal(expected.GetProperty("max").GetDouble(), result.GetProperty("max").GetDouble());
        Assert.Equal(expected.GetProperty("mean").GetDouble(), result.GetProperty("mean").GetDouble(), 1e-9);
        Assert.Equal(expected.GetProperty("std").GetDouble(), result.GetProperty("std").GetDouble(), 1e-9);
    }

    [Fact]
    public void Demo_writes_results_numpy_can_read_and_is_deterministic()
    {
        string directory = Directory.CreateTempSubdirectory("demo-").FullName;
        try
        {
            var (code, output, error) = Run("demo", "--output-dir", directory, "--size", "40", "--json");
            Assert.True(code == 0, error);
            var summary = JsonDocument.Parse(output).RootElement;
            Assert.Equal(new[] { 40, 40, 40 }, summary.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            var steps = summary.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToArray();
            Assert.Equal(new[] { "generate", "stats", "copy", "threshold", "filter", "downsample", "pyramid", "label", "unique", "apply", "isin", "size-filter", "relabel-consecutive", "distance-transform", "find maxima", "watershed", "dt-watershed", "morphology", "regionprops", "evaluate", "dice", "rag" }, steps);
            Assert.Contains("identical", summary.GetProperty("steps")[2].GetProperty("result").GetString(), StringComparison.Ordinal);

            string check = Python.Run(
                "import sys, numpy as np\n" +
                "raw = np.load(sys.argv[1] + '/raw.npy'); fg = np.load(sys.argv[1] + '/foreground.npy')\n" +
                "assert raw.dtype == np.float32 and raw.shape == (40, 40, 40)\n" +
                "assert fg.dtype == bool and (fg == (raw > 70)).all()\n" +
                "from scipy import ndimage as ndi\n" +
                "smooth = np.load(sys.argv[1] + '/smoothed.npy'); down = np.load(sys.argv[1] + '/downsampled.npy')\n" +
                "assert smooth.dtype == np.float32 and np.abs(smooth - ndi.gaussian_filter(raw.astype(np.float64), 2)).max() <= 1e-4 * np.abs(raw).max()\n" +
                "assert down.shape == (20, 20, 20) and np.abs(down - raw.reshape(20, 2, 20, 2, 20, 2).mean(axis=(1, 3, 5))).max() <= 1e-4 * np.abs(raw).max()\n" +
                "labels = np.load(sys.argv[1] + '/labels.npy'); expected, count = ndi.label(fg)\n" +
                "assert labels.dtype == np.uint32 and (labels == expected).all() and count > 1\n" +
                "u, c = np.unique(labels, return_counts=True); keep = (u != 0) & (c >= 20); new = np.zeros(len(u), np.int64); new[keep] = np.arange(1, keep.sum() + 1)\n" +
                "assert (np.load(sys.argv[1] + '/labels-filtered.npy') == new[np.searchsorted(u, labels)]).all()\n" +
                "from skimage.segmentation import watershed\n" +
                "d = np.load(sys.argv[1] + '/distances.npy'); seeds = np.load(sys.argv[1] + '/seeds.npy'); ws = np.load(sys.argv[1] + '/watershed.npy')\n" +
                "assert d.dtype == np.float32 and (d == ndi.distance_transform_edt(fg).astype(np.float32)).all()\n" +
                "assert seeds.max() > 0 and (d[seeds > 0] > 2).all() and (d[seeds > 0] == ndi.maximum_filter(d, 9, mode='constant')[seeds > 0]).all()\n" +
                "assert (ws == watershed(-d, seeds, mask=fg)).all()\n" +
                "print(int(fg.sum()), float(raw.astype(np.float64).mean()))\n",
                directory);
            var numpy = check.Split(' ');
            string thresholdResult = summary.GetProperty("steps")[3].GetProperty("result").GetString()!;
            Assert.Contains($": {numpy[0]} foreground voxels", thresholdResult, StringComparison.Ordinal);

            string again = Directory.CreateTempSubdirectory("demo-").FullName;
            Assert.Equal(0, Run("demo", "--output-dir", again, "--size", "40").ExitCode);
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory, "raw.npy")), File.ReadAllBytes(Path.Combine(again, "raw.npy")));
            Directory.Delete(again, recursive: true);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("uint8")]
    [InlineData("uint16")]
    [InlineData("int16")]
    [InlineData("float64")]
    public void Demo_volume_in_other_dtypes_matches_numpy_stats(string dtype)
    {
        string directory = Directory.CreateTempSubdirectory("demo-").FullName;
        try
        {
            var (code, output, error) = Run("demo", "--output-dir", directory, "--size", "24", "--dtype", dtype, "--json");
            Assert.True(code == 0, error);
            Assert.Equal(dtype, JsonDocument.Parse(output).RootElement.GetProperty("dtype").GetString());
            var (statsCode, statsOutput, statsError) = Run("stats", Path.Combine(directory, "raw.npy"), "--json", "--block-shape", "5,7,24");
            Assert.True(statsCode == 0, statsError);
            var ours = JsonDocument.Parse(statsOutput).RootElement;
            var numpy = Python.Run(
                "import sys, numpy as np\n" +
                "a = np.load(sys.argv[1]); v = a.astype(np.float64)\n" +
                "print(a.dtype.name, repr(float(v.min())), repr(float(v.max())), repr(float(v.mean())), repr(float(v.std())))\n",
                Path.Combine(directory, "raw.npy")).Split(' ');
            Assert.Equal(dtype, numpy[0]);
            Assert.Equal(double.Parse(numpy[1], System.Globalization.CultureInfo.InvariantCulture), ours.GetProperty("min").GetDouble());
            Assert.Equal(double.Parse(numpy[2], System.Globalization.CultureInfo.InvariantCulture), ours.GetProperty("max").GetDouble());
            Assert.Equal(double.Parse(numpy[3], System.Globalization.CultureInfo.InvariantCulture), ours.GetProperty("mean").GetDouble(), 1e-9);
            Assert.Equal(double.Parse(numpy[4], System.Globalization.CultureInfo.InvariantCulture), ours.GetProperty("std").GetDouble(), 1e-9);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
