using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage rag</c> as a user runs it: the .npz it writes is read by <c>np.load</c> and equals the numpy oracle
/// (tests/BioImage.Kernels.Tests/Graphs/rag_oracle.py: face pairs per axis + np.unique, numpy statistics per edge; elf's
/// cost formula with xyz weighting in numpy), block-wise; --json gives the fact sheet's fixture (§3.1); bad arguments
/// exit 2 naming them, negative labels exit 1.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class RagCommandTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        rng = np.random.default_rng(17)
        f, shape = sys.argv[1], (11, 13, 15)
        coarse = rng.integers(0, 300, size=(4, 5, 4))
        labels = coarse[np.ix_(np.arange(11) // 3, np.arange(13) // 3, np.arange(15) // 4)].astype(np.uint32)
        noise = rng.random(shape) < 0.05
        labels[noise] = rng.integers(0, 300, noise.sum())
        np.save(f + "/vol_labels.npy", labels)
        np.save(f + "/vol_map.npy", rng.random(shape).astype(np.float32))
        np.save(f + "/fixture_labels.npy", np.array([[1, 1, 2], [1, 3, 2]], dtype=np.int64))
        np.save(f + "/fixture_map.npy", np.array([[1, 2, 10], [3, 4, 20]], dtype=np.float32))
        np.save(f + "/negative.npy", np.array([[0, -1], [2, 2]], dtype=np.int8))
        np.save(f + "/floats.npy", np.zeros((3, 4), np.float32))
        # Real data: SLIC superpixels of skimage's coins photograph, its Sobel edge map as boundaries.
        from skimage import data, filters, segmentation
        coins = data.coins()
        np.save(f + "/real_labels.npy", segmentation.slic(coins, n_segments=600, compactness=0.1, channel_axis=None, start_label=1).astype(np.uint16))
        edges = filters.sobel(coins.astype(np.float64))
        np.save(f + "/real_map.npy", (edges / edges.max()).astype(np.float32))
        """;

    private const string Check = """
        import sys, numpy as np
        folder, out = sys.argv[1], np.load(sys.argv[2])
        edges, sizes, features = (np.load(f"{folder}/vol_{k}.npy") for k in ("edges", "sizes", "features"))
        assert out["edges"].dtype == np.uint64 and out["edges"].shape == edges.shape, out["edges"].shape
        assert (out["edges"] == edges).all() and (out["sizes"] == sizes).all()
        assert int(out["node_count"]) == int(np.load(f"{folder}/vol_labels.npy").max()) + 1
        assert list(out["feature_names"]) == ["mean", "median", "std", "min", "max", "p5", "p10", "p25", "p75", "p90", "p95", "size"], out["feature_names"]
        assert np.allclose(out["features"], features, rtol=1e-12, atol=1e-12)
        # elf's compute_edge_costs(mean, sizes, z_edge_mask, beta=0.6, weighting_scheme="xyz"); z edges: a face pair along axis 0.
        z = np.load(f"{folder}/vol_depth.npy") > 0
        p = (0.999 - 0.001) * features[:, 0] + 0.001
        costs = np.log((1. - p) / p) + np.log((1. - 0.6) / 0.6)
        for pop in (z, ~z):
            costs[pop] *= sizes[pop] / float(sizes[pop].max())
        assert np.allclose(out["costs"], costs, rtol=1e-12, atol=1e-12)
        print("ok", len(edges))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-rag-").FullName;

    public RagCommandTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Npz_equals_numpy_block_wise()
    {
        Python.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Kernels.Tests", "Graphs", "rag_oracle.py")), _folder);
        string npz = Path.Combine(_folder, "graph.npz");
        var (code, text, error) = CliTests.Run("rag", In("vol_labels"), npz, "--boundaries", In("vol_map"), "--features", "all", "--costs", "--beta", "0.6", "--weighting", "xyz", "--block-shape", "4,5,6", "--workers", "2", "--quiet");
        Assert.True(code == 0, error);
        Assert.Empty(text);
        Assert.StartsWith("ok ", Python.Run(Check, _folder, npz), StringComparison.Ordinal);
    }

    [Fact]
    public void Npz_equals_numpy_on_superpixels_of_a_real_photograph_in_worker_processes()
    {
        Python.Run(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "BioImage.Kernels.Tests", "Graphs", "rag_oracle.py")), _folder);
        string npz = Path.Combine(_folder, "real.npz");
        var (code, _, error) = CliTests.Run("rag", In("real_labels"), npz, "--boundaries", In("real_map"), "--features", "all", "--block-shape", "100,128", "--workers", "2", "--job-type", "subprocess", "--quiet");
        Assert.True(code == 0, error);
        const string check = """
            import sys, numpy as np
            folder, out = sys.argv[1], np.load(sys.argv[2])
            edges, sizes, features = (np.load(f"{folder}/real_{k}.npy") for k in ("edges", "sizes", "features"))
            assert len(edges) > 500 and (out["edges"] == edges).all() and (out["sizes"] == sizes).all(), len(edges)
            assert np.allclose(out["features"], features, rtol=1e-12, atol=1e-12)
            print("ok", len(edges))
            """;
        Assert.StartsWith("ok ", Python.Run(check, _folder, npz), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_gives_the_fact_sheet_fixture()
    {
        var (code, output, error) = CliTests.Run("rag", In("fixture_labels"), "--boundaries", In("fixture_map"), "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        Assert.Equal(4, result.GetProperty("nodeCount").GetInt64());
        Assert.Equal([1UL, 1, 2], result.GetProperty("u").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.Equal([2UL, 3, 3], result.GetProperty("v").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.Equal([1L, 2, 1], result.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([6.0, 3.25, 12], result.GetProperty("features").GetProperty("mean").EnumerateArray().Select(e => e.GetDouble()));
        var (_, summary, _) = CliTests.Run("rag", In("fixture_labels"));
        Assert.Contains("4 nodes, 3 edges", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "--features", "fixture_labels", "--features", "median")]
    [InlineData(2, "--costs needs --boundaries", "fixture_labels", "--costs")]
    [InlineData(2, "integer dtype", "floats")]
    [InlineData(2, "--beta must lie strictly between 0 and 1", "fixture_labels", "--boundaries", "fixture_map", "--beta", "1.5")]
    [InlineData(1, "non-negative labels; found -1", "negative")]
    public void Bad_arguments_exit_2_and_negative_labels_exit_1(int expected, string message, string input, params string[] options)
    {
        string[] resolved = [.. options.Select(o => File.Exists(In(o)) ? In(o) : o)];
        var (code, _, error) = CliTests.Run(["rag", In(input), .. resolved]);
        Assert.Equal(expected, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private string In(string name) => Path.Combine(_folder, name + ".npy");
}
