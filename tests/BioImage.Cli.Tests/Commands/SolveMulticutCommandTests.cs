using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage solve-multicut</c> as a user runs it: the same random problem (60 nodes, tie-free costs) as CREMI-style
/// text (with a header, and as numpy.savetxt floats), as an .npy edge/cost pair and as an .npz with edges, costs and
/// node_count; every solver and a chain; the printed energy and cluster count equal numpy's on the written labels, every
/// label is one connected set (scipy.sparse.csgraph), and the formats give the same labels. Bad files and values exit 2
/// naming PROBLEM or the option.
/// </summary>
public sealed class SolveMulticutCommandTests : IClassFixture<SolveMulticutCommandTests.ProblemFiles>
{
    private const string MakeProblems = """
        import sys, numpy as np
        f = sys.argv[1]
        rng = np.random.default_rng(18)
        n = 60
        pairs = np.array([(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < 0.08], dtype=np.uint64)
        costs = rng.normal(0.3, 1.0, len(pairs))
        with open(f + "/problem.txt", "w") as out:
            out.write("u v cost\n")
            for (u, v), c in zip(pairs, costs):
                out.write(f"{u} {v} {c!r}\n")
        np.savetxt(f + "/savetxt.txt", np.column_stack([pairs.astype(np.float64), costs]))
        np.save(f + "/edges.npy", pairs.astype(np.int64))
        np.save(f + "/costs.npy", costs)
        np.savez(f + "/rag.npz", node_count=np.int64(n + 2), edges=pairs, sizes=np.ones(len(pairs), np.int64), costs=costs)
        np.save(f + "/bad_edges.npy", np.zeros((len(pairs), 3), np.int64))
        np.save(f + "/short_costs.npy", costs[:-1])
        with open(f + "/bad.txt", "w") as out:
            out.write("0 1 0.5\n1 x 0.2\n")
        """;

    /// <summary>Energy and clusters of each written labels file, and whether every label is connected.</summary>
    private const string Check = """
        import sys, json, numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        edges, costs = np.load(sys.argv[1]).astype(np.int64), np.load(sys.argv[2])
        results = []
        for path in sys.argv[3:]:
            labels = np.load(path)
            cut = labels[edges[:, 0]] != labels[edges[:, 1]]
            same = ~cut
            n, k = len(labels), len(np.unique(labels))
            g = coo_matrix((np.ones(same.sum()), (edges[same, 0], edges[same, 1])), shape=(n, n))
            results.append({"energy": float(costs[cut].sum()), "clusters": k, "connected": bool(connected_components(g, directed=False)[0] == k)})
        print(json.dumps(results))
        """;

    private readonly string _folder;

    public SolveMulticutCommandTests(ProblemFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _folder = files.Folder;
    }

    [Fact]
    public void Energy_and_clusters_equal_numpy_on_the_written_labels_for_every_solver_and_format()
    {
        string[][] formats = [[P("problem.txt")], [P("savetxt.txt")], [P("edges.npy"), "--costs", P("costs.npy")], [P("rag.npz")], [P("rag.npz"), "--costs", P("costs.npy")]];
        string[] solvers = ["gaec", "kl", "greedy-fixation", "decomposition", "gaec,kl"];
        var runs = new List<(string Solver, string[] Problem, string Labels, JsonElement Report)>();
        foreach (string solver in solvers)
        {
            foreach (var problem in formats)
            {
                string labels = P($"labels-{runs.Count}.npy");
                var (code, output, error) = CliTests.Run(["solve-multicut", .. problem, "--solver", solver, "--sub-solver", "kl", "--threads", "2", "--out", labels, "--json"]);
                Assert.True(code == 0, error);
                using var report = JsonDocument.Parse(output);
                runs.Add((solver, problem, labels, report.RootElement.Clone()));
            }
        }

        using var oracle = JsonDocument.Parse(Python.Run(Check, [P("edges.npy"), P("costs.npy"), .. runs.Select(run => run.Labels)]));
        var expected = oracle.RootElement.EnumerateArray().ToArray();
        int[]? reference = null;
        for (int i = 0; i < runs.Count; i++)
        {
            var (solver, problem, labels, root) = runs[i];
            Assert.True(expected[i].GetProperty("connected").GetBoolean(), $"{solver}: a label covers two unconnected node sets");
            Assert.Equal(expected[i].GetProperty("energy").GetDouble(), root.GetProperty("energy").GetDouble(), 1e-9);
            Assert.True(root.GetProperty("energy").GetDouble() <= 0);
            Assert.Equal(expected[i].GetProperty("clusters").GetInt32(), root.GetProperty("clusters").GetInt32());
            Assert.Equal(solver, root.GetProperty("solver").GetString());

            // The .npz's node_count (62) keeps the two isolated nodes: they are clusters of their own.
            Assert.Equal(problem[0].EndsWith(".npz", StringComparison.Ordinal) ? 62 : 60, root.GetProperty("nodes").GetInt32());

            // Every format gives the same labels for one solver.
            var written = NpyLabels(labels);
            if (i % formats.Length == 0)
            {
                reference = written;
            }

            Assert.Equal(reference, written[..reference!.Length]);
        }
    }

    [Fact]
    public void Text_report_and_text_labels()
    {
        string labels = P("labels.txt");
        var (code, output, error) = CliTests.Run("solve-multicut", P("problem.txt"), "--solver", "gaec", "--out", labels);
        Assert.True(code == 0, error);
        Assert.StartsWith("solve-multicut gaec: 60 nodes, ", output, StringComparison.Ordinal);
        Assert.Contains(" clusters, energy -", output, StringComparison.Ordinal);
        Assert.Equal(60, File.ReadAllLines(labels).Length);
        Assert.Equal("0", File.ReadAllLines(labels)[0]);
    }

    [Theory]
    [InlineData("--solver: 'fast' is not one of", "--solver", "fast")]
    [InlineData("--solver: 'lp' is not one of", "--solver", "gaec,lp")]
    [InlineData("--sub-solver: 'decomposition' is not one of", "--sub-solver", "decomposition")]
    [InlineData("--threads must be at least 1", "--threads", "0")]
    [InlineData("--max-iterations must be at least 0", "--max-iterations", "-1")]
    [InlineData("--out: ", "--out", "labels.zarr")]
    public void Bad_values_exit_2_naming_the_option(string expected, string option, string value)
    {
        var (code, _, error) = CliTests.Run("solve-multicut", P("problem.txt"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PROBLEM: ", "missing.txt")]
    [InlineData("PROBLEM: ", "bad.txt")]
    [InlineData("PROBLEM: ", "bad_edges.npy", "--costs", "costs.npy")]
    [InlineData("PROBLEM: ", "edges.npy")]
    [InlineData("--costs: ", "edges.npy", "--costs", "short_costs.npy")]
    [InlineData("--costs: ", "rag.npz", "--costs", "short_costs.npy")]
    public void Bad_files_exit_2_naming_the_argument(string expected, params string[] args)
    {
        var (code, _, error) = CliTests.Run(["solve-multicut", .. args.Select(a => a.Contains('.', StringComparison.Ordinal) ? P(a) : a)]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: " + expected, error, StringComparison.Ordinal);
    }

    private string P(string name) => Path.Combine(_folder, name);

    /// <summary>The problem files, written once for the class by numpy.</summary>
    public sealed class ProblemFiles : IDisposable
    {
        public ProblemFiles() => Python.Run(MakeProblems, Folder);

        public string Folder { get; } = Directory.CreateTempSubdirectory("bioimage-cli-multicut-").FullName;

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    private static int[] NpyLabels(string path)
    {
        using var array = Storage.NpyFile.Read<ulong>(path);
        return [.. array.ToArray().Select(label => (int)label)];
    }
}
