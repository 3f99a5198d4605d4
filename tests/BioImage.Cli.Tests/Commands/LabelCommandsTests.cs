using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage unique</c>, <c>relabel-consecutive</c> and <c>size-filter</c> as a user runs them on an odd 9×11×13
/// uint32 label volume with blocks that divide no axis, with numpy (bioimage-py's formulas) and skimage as oracles.
/// </summary>
public sealed class LabelCommandsTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        rng = np.random.default_rng(11)
        z, y, x = np.indices((9, 11, 13))
        ids = rng.integers(1, 4_000_000_000, 200, dtype=np.uint32)
        ids[rng.random(200) < 0.3] = 0
        np.save(sys.argv[1], ids[(z // 2) * 40 + (y // 3) * 8 + x // 4 + (rng.random((9, 11, 13)) < 0.1)])
        np.save(sys.argv[2], rng.random((4, 5, 6)).astype(np.float32))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-labels-").FullName;

    public LabelCommandsTests()
    {
        Python.Run(MakeInput, Labels, Path.Combine(_folder, "floats.npy"));
    }

    private string Labels => Path.Combine(_folder, "labels.npy");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Unique_prints_numpy_unique_with_counts()
    {
        var (code, output, error) = CliTests.Run("unique", Labels, "--counts", "--json", "--block-shape", "4,5,6", "--workers", "2");
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        string expected = Python.Run("import sys, json, numpy as np; v, c = np.unique(np.load(sys.argv[1]), return_counts=True); print(json.dumps([v.tolist(), c.tolist()], separators=(',', ':')))", Labels).Trim();
        Assert.Equal(expected, $"[{root.GetProperty("values").GetRawText()},{root.GetProperty("counts").GetRawText()}]");
        Assert.Equal("uint32", root.GetProperty("inputs")[0].GetProperty("dtype").GetString());
        Assert.Equal(root.GetProperty("values").GetArrayLength(), root.GetProperty("count").GetInt32());

        var (textCode, text, _) = CliTests.Run("unique", Labels, "--block-shape", "4,5,6");
        Assert.Equal(0, textCode);
        Assert.Contains($"{root.GetProperty("count").GetInt32()} distinct values", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Relabel_consecutive_and_size_filter_write_what_bioimage_py_computes()
    {
        string[] blocks = ["--block-shape", "4,5,6", "--chunks", "4,5,6", "--zarr-format", "2", "--workers", "2", "--json"];
        var (code, output, error) = CliTests.Run(["relabel-consecutive", Labels, Path.Combine(_folder, "consecutive.zarr"), .. blocks]);
        Assert.True(code == 0, error);
        var summary = JsonDocument.Parse(output).RootElement;
        Assert.True(CliTests.Run(["relabel-consecutive", Labels, Path.Combine(_folder, "start1.zarr"), "--start-label", "1", "--dtype", "uint16", .. blocks]).ExitCode == 0);
        var (filterCode, filterOutput, filterError) = CliTests.Run(["size-filter", Labels, Path.Combine(_folder, "filtered.zarr"), "--min-size", "20", "--max-size", "60", .. blocks]);
        Assert.True(filterCode == 0, filterError);
        var filterSummary = JsonDocument.Parse(filterOutput).RootElement;
        Assert.True(CliTests.Run(["size-filter", Labels, Path.Combine(_folder, "kept-ids.zarr"), "--min-size", "20", "--no-relabel", .. blocks]).ExitCode == 0);

        const string check = """
            import sys, numpy as np, zarr
            from skimage.segmentation import relabel_sequential
            f = sys.argv[1]
            a = np.load(f + '/labels.npy')
            u, c = np.unique(a, return_counts=True)
            read = lambda name: zarr.open(f + '/' + name + '.zarr', mode='r')[...]
            start1 = np.arange(1, len(u) + 1); start1[u == 0] = 0
            ok = bool((read('consecutive') == relabel_sequential(a)[0]).all())
            ok &= bool((read('start1') == start1[np.searchsorted(u, a)]).all()) and read('start1').dtype == np.uint16
            keep = (u != 0) & (c >= 20) & (c <= 60)
            new = np.zeros(len(u), np.int64); new[keep] = np.arange(1, keep.sum() + 1)
            ok &= bool((read('filtered') == new[np.searchsorted(u, a)]).all())
            ok &= bool((read('kept-ids') == np.where(((u != 0) & (c >= 20))[np.searchsorted(u, a)], a, 0)).all())
            print(ok, len(u), len(u) - 1 if 0 in u else len(u), int(keep.sum()), int(((u != 0) & ~keep).sum()))
            """;
        string[] verdict = Python.Run(check, _folder).Trim().Split(' ');
        Assert.Equal("True", verdict[0]);
        Assert.Equal(int.Parse(verdict[1], System.Globalization.CultureInfo.InvariantCulture), summary.GetProperty("labels").GetInt32());
        Assert.Equal(long.Parse(verdict[2], System.Globalization.CultureInfo.InvariantCulture), summary.GetProperty("maxLabel").GetInt64());
        Assert.Equal(long.Parse(verdict[3], System.Globalization.CultureInfo.InvariantCulture), filterSummary.GetProperty("kept").GetInt64());
        Assert.Equal(long.Parse(verdict[4], System.Globalization.CultureInfo.InvariantCulture), filterSummary.GetProperty("removed").GetInt64());
    }

    [Theory]
    [InlineData("size_filter needs a minimum size (--min-size), a maximum size (--max-size) or both", "size-filter", "labels.npy", "out.zarr")]
    [InlineData("--min-size must be at least 0", "size-filter", "labels.npy", "out.zarr", "--min-size", "-3")]
    [InlineData("needs labels of an integer dtype", "relabel-consecutive", "floats.npy", "out.zarr")]
    [InlineData("--dtype must be an integer type", "relabel-consecutive", "labels.npy", "out.zarr", "--dtype", "float32")]
    [InlineData("--block-shape has 2 values", "unique", "labels.npy", "--block-shape", "4,4")]
    public void Bad_arguments_exit_2_with_a_clear_message(string message, params string[] args)
    {
        var (code, _, error) = CliTests.Run([.. args.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) || a.EndsWith(".zarr", StringComparison.Ordinal) ? Path.Combine(_folder, a) : a)]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_that_do_not_fit_the_output_dtype_are_a_data_condition_with_exit_1()
    {
        var (code, _, error) = CliTests.Run(["relabel-consecutive", Path.Combine(_folder, "labels.npy"), Path.Combine(_folder, "narrow.zarr"), "--dtype", "uint8", "--start-label", "250"]);
        Assert.Equal(1, code);
        Assert.Contains("do not fit the output's dtype uint8", error, StringComparison.Ordinal);
    }
}
