using BenchmarkDotNet.Attributes;
using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Benchmarks.Graphs;

/// <summary>
/// The multicut solvers on the Size³ grid graph (6-neighbour edges in lexicographic order; 64³: 262,144 nodes,
/// 774,144 edges) with costs N(0.5, 1), seed 42 — the graph bioimage-cpp's solvers were timed on (0.8 M edges/s for
/// its GAEC at 40³). KL runs with 2 outer iterations (it is pathological on noise); the decomposer uses costs N(−0.5, 1),
/// which split into many components, with GAEC per component on two threads. Edges per second = edges / mean time.
/// </summary>
[BenchmarkCategory("Graphs")]
public class MulticutBenchmarks
{
    private MulticutProblem _attractive = null!;
    private MulticutProblem _repulsive = null!;

    /// <summary>Grid extent per axis: 40 is the fact sheet's bioimage-cpp reference grid (187,200 edges), 64 a larger one.</summary>
    [Params(40, 64)]
    public int Size { get; set; }

    /// <summary>Builds both grid problems.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _attractive = Grid(Size, 0.5);
        _repulsive = Grid(Size, -0.5);
    }

    /// <summary>GAEC; returns the energy.</summary>
    [Benchmark]
    public double Gaec() => Energy(new GreedyAdditiveEdgeContraction(), _attractive);

    /// <summary>Greedy fixation.</summary>
    [Benchmark]
    public double GreedyFixation() => Energy(new GreedyFixation(), _attractive);

    /// <summary>Kernighan–Lin from GAEC, 2 outer iterations.</summary>
    [Benchmark]
    public double KernighanLinTwoIterations() => Energy(new KernighanLin(maxOuterIterations: 2), _attractive);

    /// <summary>The decomposer with GAEC per component, two threads, on the repulsive grid.</summary>
    [Benchmark]
    public double DecomposerGaecTwoThreads() => Energy(new MulticutDecomposer(new GreedyAdditiveEdgeContraction(), threads: 2), _repulsive);

    private static double Energy(MulticutSolver solver, MulticutProblem problem) => problem.Energy(solver.Solve(problem));

    /// <summary>The n³ grid graph with costs mean + N(0, 1) (Box–Muller, seed 42).</summary>
    internal static MulticutProblem Grid(int n, double mean)
    {
        var random = new Random(42);
        var u = new List<int>();
        var v = new List<int>();
        var costs = new List<double>();
        for (int node = 0; node < n * n * n; node++)
        {
            int z = node / (n * n), y = node / n % n, x = node % n;
            foreach (var (next, inside) in new[] { (node + 1, x + 1 < n), (node + n, y + 1 < n), (node + (n * n), z + 1 < n) })
            {
                if (inside)
                {
                    u.Add(node);
                    v.Add(next);
                    costs.Add(mean + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
                }
            }
        }

        return new MulticutProblem(n * n * n, [.. u], [.. v], [.. costs]);
    }
}
