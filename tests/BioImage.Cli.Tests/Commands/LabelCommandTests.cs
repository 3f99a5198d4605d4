using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage label</c> as a user runs it: block-wise with thin, non-dividing blocks on worker processes, checked
/// against scipy.ndimage.label of the whole volume (labels and numbering) for every connectivity.
/// </summary>
public sealed class LabelCommandTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(11)
        np.save(sys.argv[1], (ndi.gaussian_filter(rng.random((15, 22, 27)), 1.2) * 1000).astype(np.uint16))
        """;

    private const string Check = """
        import sys, numpy as np, zarr
        from scipy import ndimage as ndi
        x = np.load(sys.argv[1])
        for connectivity in (1, 2, 3):
            expected, count = ndi.label(x > 500, ndi.generate_binary_structure(3, connectivity))
            labels = zarr.open(sys.argv[2] + f'/c{connectivity}.zarr', mode='r')[...]
            assert labels.dtype == np.uint32 and (labels == expected).all(), connectivity
            print(count)
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-label-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Labels_equal_scipy_for_every_connectivity_on_worker_processes()
    {
        string input = Path.Combine(_folder, "input.npy");
        Python.Run(MakeInput, input);
        var counts = new List<long>();
        foreach (string connectivity in new[] { "1", "2", "3" })
        {
            var (code, output, error) = CliTests.Run(
                "label", input, Path.Combine(_folder, $"c{connectivity}.zarr"), "--threshold", "500", "--connectivity", connectivity, "--dtype", "uint32",
                "--chunks", "2,5,9", "--block-shape", "4,5,9", "--zarr-format", "2", "--job-type", "subprocess", "--workers", "2", "--tmp-root", _folder, "--json");
            Assert.True(code == 0, error);
            var summary = JsonDocument.Parse(output).RootElement;
            Assert.Equal("uint32", summary.GetProperty("outputs")[0].GetProperty("dtype").GetString());
            Assert.Equal(["blocks", "seams", "relabel"], summary.GetProperty("passes").EnumerateArray().Select(p => p.GetString()));
            counts.Add(summary.GetProperty("components").GetInt64());
        }

        var expected = Python.Run(Check, input, _folder).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse);
        Assert.Equal(expected, counts);
        Assert.Empty(Directory.EnumerateDirectories(_folder, "bioimage-label-*"));
    }

    [Theory]
    [InlineData("--connectivity must be 1 to 3", "--connectivity", "4")]
    [InlineData("--dtype must be uint32 or uint64", "--dtype", "int32")]
    public void Bad_arguments_exit_2_with_the_reason(string message, params string[] arguments)
    {
        string input = Path.Combine(_folder, "small.npy");
        Python.Run("import sys, numpy as np; np.save(sys.argv[1], np.ones((3, 4, 5), np.uint8))", input);
        var (code, _, error) = CliTests.Run(["label", input, Path.Combine(_folder, "out.zarr"), .. arguments]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
