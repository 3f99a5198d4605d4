using System.Globalization;
using System.Text.Json;
using BioImage.Kernels.Graphs.Multicut;
using Xunit.Abstractions;
using static BioImage.Kernels.Tests.Graphs.Multicut.MulticutOracles;

namespace BioImage.Kernels.Tests.Graphs.Multicut;

/// <summary>
/// The solvers against the exact optimum of graphs of 20-40 nodes: scipy.optimize.milp (HiGHS) on the complete graph,
/// x_ij ∈ {0, 1} (cut), objective Σ c_ij x_ij, and the three triangle inequalities of every triple — all graphs in one
/// Python process.
/// </summary>
public class MulticutMilpTests(ITestOutputHelper output)
{
    private const string Milp = """
        import sys, json, itertools
        import numpy as np
        from scipy.optimize import milp, LinearConstraint, Bounds
        from scipy.sparse import coo_matrix
        results = []
        for graph in json.load(open(sys.argv[1])):
            n = graph["n"]
            pairs = {p: i for i, p in enumerate(itertools.combinations(range(n), 2))}
            c = np.zeros(len(pairs))
            for u, v, w in zip(graph["u"], graph["v"], graph["c"]):
                c[pairs[(u, v)]] += w
            rows, cols, vals, r = [], [], [], 0
            for i, j, k in itertools.combinations(range(n), 3):
                a, b, d = pairs[(i, j)], pairs[(j, k)], pairs[(i, k)]
                for lhs, x, y in ((a, b, d), (b, a, d), (d, a, b)):  # x_lhs - x_x - x_y <= 0
                    rows += [r, r, r]; cols += [lhs, x, y]; vals += [1.0, -1.0, -1.0]; r += 1
            A = coo_matrix((vals, (rows, cols)), shape=(r, len(pairs))).tocsr()
            res = milp(c, constraints=LinearConstraint(A, -np.inf, 0.0), integrality=np.ones(len(pairs)), bounds=Bounds(0, 1))
            assert res.success, res.message
            results.append(float(res.fun))
        print(json.dumps(results))
        """;

    [Fact]
    public void Solvers_never_beat_the_milp_optimum_and_report_how_often_they_reach_it()
    {
        var random = new Random(40);
        var problems = new List<MulticutProblem>();
        foreach (int nodes in new[] { 20, 22, 25, 28, 30, 32, 35, 38, 40, 40 })
        {
            problems.Add(RandomProblem(random, nodes, 4.0 / nodes, 0.3));
        }

        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, JsonSerializer.Serialize(problems.Select(p => new { n = p.NodeCount, u = p.U.ToArray(), v = p.V.ToArray(), c = p.Costs.ToArray() })));
            var optima = JsonSerializer.Deserialize<double[]>(Python.Run(Milp, file))!;
            MulticutSolver[] solvers =
            [
                new GreedyAdditiveEdgeContraction(), new GreedyFixation(), new KernighanLin(),
                new MulticutDecomposer(new KernighanLin(), threads: 2),
            ];
            var reached = new int[solvers.Length];
            for (int g = 0; g < problems.Count; g++)
            {
                for (int s = 0; s < solvers.Length; s++)
                {
                    var labels = solvers[s].Solve(problems[g]);
                    AssertDenseConnected(problems[g], labels);
                    double energy = problems[g].Energy(labels);
                    Assert.True(energy >= optima[g] - 1e-6, $"{solvers[s].Name}: {energy} below the milp optimum {optima[g]}");
                    reached[s] += energy <= optima[g] + 1e-6 ? 1 : 0;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"n={problems[g].NodeCount} E={problems[g].EdgeCount}: optimum {optima[g]:F6}"));
            }

            for (int s = 0; s < solvers.Length; s++)
            {
                output.WriteLine($"{solvers[s].Name}: optimum on {reached[s]} of {problems.Count}");
            }

            Assert.True(reached[2] >= problems.Count / 2, "KL reaches the milp optimum on at most half the graphs");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
