using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage evaluate --metrics centroid</c> (bioimage-py's <c>centroid_matching</c>) as a user runs it: on an odd
/// 17×19×23 labelling (int64 ground truth from scipy.ndimage.label, a shifted and partly split uint32 segmentation)
/// against scipy.ndimage.center_of_mass + scipy.spatial.distance.cdist + networkx's maximum matching at test time, with
/// a resolution, an ignore label and a mask, block-wise and whole, on local threads, worker processes and Slurm;
/// distances exactly at the threshold match (inclusive); a missing or stray --distance-threshold and a bad
/// --resolution exit 2 naming the option.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class EvaluateCentroidTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(5)
        f = sys.argv[1]
        smooth = ndi.gaussian_filter(rng.random((17, 19, 23)), 1.5)
        gt, _ = ndi.label(smooth > np.quantile(smooth, 0.7))
        seg = np.roll(gt, 1, axis=2).astype(np.uint32) * 3
        seg[:, :9][seg[:, :9] > 0] += 1  # objects crossing y = 9 split in two
        np.save(f + "/gt.npy", gt.astype(np.int64))
        np.save(f + "/seg.npy", seg)
        np.save(f + "/mask.npy", rng.random(gt.shape) > 0.2)
        # Centres exactly 2 apart along y (cubes) and 2 apart along x.
        a = np.zeros((9, 11, 13), np.uint16); a[1:3, 1:3, 1:3] = 1; a[5:8, 6:9, 2:5] = 2; a[0, 10, 12] = 3
        b = np.zeros((9, 11, 13), np.int32); b[1:3, 3:5, 1:3] = 5; b[5:8, 6:9, 4:7] = 7
        np.save(f + "/a.npy", a)
        np.save(f + "/b.npy", b)
        """;

    private const string Oracle = """
        import sys, json, numpy as np, networkx as nx
        from scipy import ndimage as ndi
        from scipy.spatial.distance import cdist
        seg, gt = np.load(sys.argv[1]), np.load(sys.argv[2])
        threshold = float(sys.argv[3])
        resolution = None if sys.argv[4] == "-" else np.array([float(v) for v in sys.argv[4].split(",")])
        ignore = None if sys.argv[5] == "none" else int(sys.argv[5])
        mask = None if sys.argv[6] == "-" else np.load(sys.argv[6]).astype(bool)
        def centres(labels):
            if mask is not None:
                labels = np.where(mask, labels, 0)
            ids = np.unique(labels)
            ids = ids[(ids != 0) & (ids != (0 if ignore is None else ignore))]
            points = np.array(ndi.center_of_mass(np.ones(labels.shape), labels, ids), dtype=np.float64).reshape(len(ids), labels.ndim)
            return points if resolution is None else points * resolution
        p, r = centres(seg), centres(gt)
        valid = cdist(p, r) <= threshold if len(p) and len(r) else np.zeros((len(p), len(r)), bool)
        graph = nx.Graph()
        top = [("p", i) for i in range(len(p))]
        graph.add_nodes_from(top)
        graph.add_nodes_from(("r", j) for j in range(len(r)))
        graph.add_edges_from((("p", i), ("r", j)) for i, j in np.argwhere(valid))
        tp = len(nx.bipartite.maximum_matching(graph, top_nodes=top)) // 2
        fp, fn = len(p) - tp, len(r) - tp
        scores = [0.0] * 4 if tp == 0 else [tp / (tp + fp), tp / (tp + fn), tp / (tp + fp + fn), 2 * tp / (2 * tp + fp + fn)]
        print(json.dumps(dict(zip(["centroidPrecision", "centroidRecall", "centroidSegmentationAccuracy", "centroidF1"], scores))))
        """;

    private static readonly string[] Fields = ["centroidPrecision", "centroidRecall", "centroidSegmentationAccuracy", "centroidF1"];

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-centroid-").FullName;

    public EvaluateCentroidTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string, string, string, bool> Cases() => new()
    {
        { "seg", "gt", "1.5", "-", "0", false },
        { "seg", "gt", "2.5", "2,1,1", "0", true },
        { "seg", "gt", "1", "-", "3", false },
        { "a", "b", "2", "-", "none", false },
        { "a", "b", "1.999", "-", "0", false },
        { "a", "b", "2", "1,1,0.5", "2", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Centroid_matching_equals_scipy_and_networkx_block_wise_and_whole(string seg, string gt, string threshold, string resolution, string ignore, bool masked)
    {
        var expected = JsonDocument.Parse(Python.Run(Oracle, In(seg), In(gt), threshold, resolution, ignore, masked ? In("mask") : "-")).RootElement;
        string[] common =
        [
            "evaluate", In(seg), In(gt), "--metrics", "centroid", "--distance-threshold", threshold, "--ignore-label", ignore, "--json",
            .. resolution == "-" ? Array.Empty<string>() : ["--resolution", resolution], .. masked ? ["--mask", In("mask")] : Array.Empty<string>(),
        ];
        var whole = Evaluate([.. common, "--block-shape", "17,19,23", "--workers", "1"]);
        var blocks = Evaluate([.. common, "--block-shape", "4,5,6", "--workers", "2"]);
        foreach (string field in Fields)
        {
            Assert.Equal(expected.GetProperty(field).GetDouble(), whole.GetProperty(field).GetDouble(), 1e-15);
            Assert.Equal(whole.GetProperty(field).GetDouble(), blocks.GetProperty(field).GetDouble());
        }
    }

    [Fact]
    public void Worker_processes_and_Slurm_report_what_local_threads_report()
    {
        string[] common = ["evaluate", In("seg"), In("gt"), "--metrics", "vi,centroid", "--distance-threshold", "2", "--resolution", "2,1,1", "--mask", In("mask"), "--block-shape", "6,7,8", "--json", "--tmp-root", Path.Combine(_folder, "tmp")];
        var local = Evaluate([.. common, "--workers", "2"]);
        Assert.Equal(["table", "seg centres", "gt centres"], local.GetProperty("passes").EnumerateArray().Select(p => p.GetString()));
        Assert.True(local.GetProperty("centroidRecall").GetDouble() > 0);
        foreach (string backend in new[] { "subprocess", "slurm" })
        {
            var distributed = Evaluate([.. common, "--job-type", backend, "--workers", "3"]);
            foreach (string field in Fields.Append("viSplit").Append("voxels"))
            {
                Assert.Equal(local.GetProperty(field).GetDouble(), distributed.GetProperty(field).GetDouble());
            }
        }
    }

    [Theory]
    [InlineData("--metrics centroid needs --distance-threshold D", "--metrics", "centroid")]
    [InlineData("--distance-threshold and --resolution apply to the centroid matching only", "--distance-threshold", "2")]
    [InlineData("--resolution needs 3 finite positive values", "--metrics", "centroid", "--distance-threshold", "2", "--resolution", "1,2")]
    [InlineData("--metrics centroid needs --distance-threshold D (a finite distance ≥ 0); got -1", "--metrics", "centroid", "--distance-threshold=-1")]
    [InlineData("--distance-threshold", "--metrics", "centroid", "--distance-threshold", "far")]
    public void Bad_centroid_arguments_exit_2_naming_them(string message, params string[] options)
    {
        var (code, output, error) = CliTests.Run(["evaluate", In("a"), In("b"), .. options]);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static JsonElement Evaluate(string[] args)
    {
        var (code, output, error) = CliTests.Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private string In(string name) => Path.Combine(_folder, name + ".npy");
}
