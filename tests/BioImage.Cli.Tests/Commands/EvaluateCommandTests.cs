using System.Globalization;
using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage evaluate</c> as a user runs it on an odd 9×11×13 segmentation (int64) and ground truth (uint16) in one
/// Zarr group (<c>--seg-key</c>, <c>--gt-key</c>), with blocks that divide no axis, against skimage.metrics, sklearn
/// and networkx; the same numbers on worker processes; usage errors exit 2.
/// </summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np, zarr
        rng = np.random.default_rng(4)
        z, y, x = np.indices((9, 11, 13))
        gt = ((z // 3) * 16 + (y // 4) * 4 + x // 5).astype(np.uint16)
        gt[rng.random(gt.shape) < 0.2] = 0
        seg = ((z // 3) * 16 + ((y + 1) // 4) * 4 + x // 7).astype(np.int64)
        seg[rng.random(seg.shape) < 0.05] = 99
        group = zarr.open_group(sys.argv[1], mode="w")
        group.create_dataset("seg", data=seg, chunks=(4, 5, 6))
        group.create_dataset("gt", data=gt, chunks=(4, 5, 6))
        np.save(sys.argv[2], rng.random((9, 11, 13)).astype(np.float32))
        """;

    private const string Oracle = """
        import sys, json, numpy as np, zarr, networkx as nx
        from skimage.metrics import variation_of_information
        from sklearn.metrics.cluster import pair_confusion_matrix
        group = zarr.open_group(sys.argv[1], mode="r")
        seg, gt = group["seg"][:].ravel(), group["gt"][:].ravel()
        split, merge = variation_of_information(gt, seg, ignore_labels=[0])
        keep = gt != 0
        n = int(keep.sum())
        C = pair_confusion_matrix(gt[keep], seg[keep]).astype(object)
        c2, g2, s2 = C[1, 1] + n, C[1, 1] + C[1, 0] + n, C[1, 1] + C[0, 1] + n
        are = 1 - 2 * c2 / (g2 + s2)
        # Matching with bioimage-py's "iop" (overlap / ground-truth object size), background left out, networkx matching.
        sl, si = np.unique(seg, return_inverse=True)
        gl, gi = np.unique(gt, return_inverse=True)
        overlap = np.zeros((len(sl), len(gl)), np.int64)
        np.add.at(overlap, (si, gi), 1)
        iop = (overlap / overlap.sum(0, keepdims=True))[sl != 0][:, gl != 0]
        graph = nx.Graph()
        top = [("s", i) for i in range(iop.shape[0])]
        graph.add_nodes_from(top)
        graph.add_nodes_from(("g", j) for j in range(iop.shape[1]))
        graph.add_edges_from((("s", i), ("g", j)) for i, j in np.argwhere(iop >= 0.3))
        tp = len(nx.bipartite.maximum_matching(graph, top_nodes=top)) // 2
        print(json.dumps({"voxels": int(seg.size), "viSplit": float(split), "viMerge": float(merge), "adaptedRandError": float(are),
                          "randIndex": float(1 - (s2 + g2 - 2 * c2) / n ** 2), "precision": tp / iop.shape[0], "recall": tp / iop.shape[1]}))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-evaluate-").FullName;

    public EvaluateCommandTests()
    {
        Python.Run(MakeInput, Volumes, Path.Combine(_folder, "floats.npy"));
    }

    private string Volumes => Path.Combine(_folder, "volumes.zarr");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Evaluate_prints_what_skimage_sklearn_and_networkx_compute()
    {
        string[] common = ["evaluate", Volumes, Volumes, "--seg-key", "seg", "--gt-key", "gt", "--metrics", "vi,rand,matching", "--ignore-gt", "0", "--criterion", "iop", "--threshold", "0.3", "--block-shape", "4,5,6", "--json"];
        var (code, output, error) = CliTests.Run([.. common, "--workers", "2"]);
        Assert.True(code == 0, error);
        var ours = JsonDocument.Parse(output).RootElement;
        var expected = JsonDocument.Parse(Python.Run(Oracle, Volumes)).RootElement;
        Assert.Equal(expected.GetProperty("voxels").GetInt64(), ours.GetProperty("voxels").GetInt64());
        foreach (string name in new[] { "viSplit", "viMerge", "adaptedRandError", "randIndex", "precision", "recall" })
        {
            double want = expected.GetProperty(name).GetDouble(), got = ours.GetProperty(name).GetDouble();
            Assert.True(Math.Abs(want - got) <= 1e-12 * Math.Max(1, Math.Abs(want)), $"{name}: expected {want:R}, got {got:R}");
        }

        Assert.False(ours.TryGetProperty("cremiScore", out _));

        // Worker processes give the same numbers.
        var (workerCode, workerOutput, workerError) = CliTests.Run([.. common, "--job-type", "subprocess", "--workers", "2"]);
        Assert.True(workerCode == 0, workerError);
        var workers = JsonDocument.Parse(workerOutput).RootElement;
        foreach (string name in new[] { "viSplit", "viMerge", "adaptedRandError", "randIndex", "precision", "recall", "f1", "segmentationAccuracy" })
        {
            Assert.Equal(ours.GetProperty(name).GetDouble(), workers.GetProperty(name).GetDouble());
        }

        var (textCode, text, _) = CliTests.Run("evaluate", Volumes, Volumes, "--seg-key", "seg", "--gt-key", "gt", "--block-shape", "4,5,6", "--quiet");
        Assert.Equal(0, textCode);
        Assert.Empty(text);
        var (lineCode, line, _) = CliTests.Run("evaluate", Volumes, Volumes, "--seg-key", "seg", "--gt-key", "gt", "--block-shape", "4,5,6", "--natural-log", "--metrics", "vi,cremi,msa,dice,sbd");
        Assert.Equal(0, lineCode);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{9 * 11 * 13} voxels"), line, StringComparison.Ordinal);
        foreach (string name in new[] { "viSplit", "viMerge", "cremiScore", "meanSegmentationAccuracy", "dice", "symmetricBestDice" })
        {
            Assert.Contains(name, line, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--metrics: 'vi,foo'", "--metrics", "vi,foo")]
    [InlineData("--criterion", "--criterion", "iox")]
    [InlineData("--ignore-label: 'x'", "--ignore-label", "x")]
    [InlineData("--ignore-gt: '1.5'", "--ignore-gt", "1.5")]
    [InlineData("needs labels of an integer dtype", "--gt-key", "")]
    public void Bad_arguments_exit_2_naming_them(string message, string option, string value)
    {
        string[] args = option == "--gt-key"
            ? ["evaluate", Volumes, Path.Combine(_folder, "floats.npy"), "--seg-key", "seg"]
            : ["evaluate", Volumes, Volumes, "--seg-key", "seg", "--gt-key", "gt", option, value];
        var (code, _, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
