using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Kernels.Tests.Graphs.Multicut;

/// <summary>
/// Independent oracles and generators for the multicut tests: random problems with tie-free costs, a naive GAEC that
/// rescans every cluster pair each step, brute force over all set partitions, and a breadth-first check that labels are
/// dense, numbered by first occurrence and connected.
/// </summary>
internal static class MulticutOracles
{
    /// <summary>
    /// A random graph on <paramref name="nodes"/> nodes (each pair an edge with probability <paramref name="density"/>) with
    /// costs N(<paramref name="mean"/>, 1) — continuous, so sums of distinct edge sets tie with probability 0.
    /// </summary>
    public static MulticutProblem RandomProblem(Random random, int nodes, double density, double mean)
    {
        var u = new List<int>();
        var v = new List<int>();
        var costs = new List<double>();
        for (int a = 0; a < nodes; a++)
        {
            for (int b = a + 1; b < nodes; b++)
            {
                if (random.NextDouble() < density)
                {
                    u.Add(a);
                    v.Add(b);
                    costs.Add(mean + Normal(random));
                }
            }
        }

        return new MulticutProblem(nodes, [.. u], [.. v], [.. costs]);
    }

    /// <summary>
    /// The Z×Y×X grid graph with 6-neighbour edges in lexicographic order and costs N(<paramref name="mean"/>, 1).
    /// </summary>
    public static MulticutProblem GridProblem(int z, int y, int x, double mean, int seed)
    {
        var random = new Random(seed);
        var u = new List<int>();
        var v = new List<int>();
        var costs = new List<double>();
        for (int node = 0; node < z * y * x; node++)
        {
            int i = node / (y * x), j = node / x % y, k = node % x;
            foreach (var (next, inside) in new[] { (node + 1, k + 1 < x), (node + x, j + 1 < y), (node + (y * x), i + 1 < z) })
            {
                if (inside)
                {
                    u.Add(node);
                    v.Add(next);
                    costs.Add(mean + Normal(random));
                }
            }
        }

        return new MulticutProblem(z * y * x, [.. u], [.. v], [.. costs]);
    }

    /// <summary>A standard normal deviate (Box–Muller).</summary>
    public static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>
    /// GAEC by definition: while some pair of clusters has a positive summed cost, merge the pair of largest sum (every
    /// step rescans all edges: O(V·E)).
    /// </summary>
    public static int[] NaiveGaec(MulticutProblem problem)
    {
        var cluster = Enumerable.Range(0, problem.NodeCount).ToArray();
        while (true)
        {
            var sums = new Dictionary<(int, int), double>();
            for (int edge = 0; edge < problem.EdgeCount; edge++)
            {
                int a = cluster[problem.U[edge]], b = cluster[problem.V[edge]];
                if (a != b)
                {
                    var key = (Math.Min(a, b), Math.Max(a, b));
                    sums[key] = sums.GetValueOrDefault(key) + problem.Costs[edge];
                }
            }

            if (sums.Count == 0)
            {
                return cluster;
            }

            var best = sums.MaxBy(entry => entry.Value);
            if (best.Value <= 0)
            {
                return cluster;
            }

            for (int node = 0; node < cluster.Length; node++)
            {
                if (cluster[node] == best.Key.Item2)
                {
                    cluster[node] = best.Key.Item1;
                }
            }
        }
    }

    /// <summary>
    /// The optimal energy over all partitions, enumerated as restricted-growth strings (a[0] = 0, a[i] ≤ max a[&lt;i] + 1);
    /// the energy is accumulated node by node from the edges to earlier nodes.
    /// </summary>
    public static double BruteForceOptimum(MulticutProblem problem)
    {
        int n = problem.NodeCount;
        var earlier = new List<(int Node, double Cost)>[n];
        for (int node = 0; node < n; node++)
        {
            earlier[node] = [];
        }

        for (int edge = 0; edge < problem.EdgeCount; edge++)
        {
            earlier[problem.V[edge]].Add((problem.U[edge], problem.Costs[edge]));
        }

        var labels = new int[n];
        double best = 0;
        void Assign(int node, int used, double energy)
        {
            if (node == n)
            {
                best = Math.Min(best, energy);
                return;
            }

            for (int label = 0; label <= used; label++)
            {
                labels[node] = label;
                double added = 0;
                foreach (var (other, cost) in earlier[node])
                {
                    if (labels[other] != label)
                    {
                        added += cost;
                    }
                }

                Assign(node + 1, Math.Max(used, label + 1), energy + added);
            }
        }

        if (n > 0)
        {
            Assign(1, 1, 0);
        }

        return best;
    }

    /// <summary>
    /// Fails unless <paramref name="labels"/> has one label per node, numbered 0, 1, … by first occurrence, and every label's
    /// nodes are one connected set (breadth-first search inside the label).
    /// </summary>
    public static void AssertDenseConnected(MulticutProblem problem, int[] labels)
    {
        Assert.Equal(problem.NodeCount, labels.Length);
        int next = 0;
        foreach (int label in labels)
        {
            Assert.True(label <= next, $"label {label} appears before label {next}");
            next = Math.Max(next, label + 1);
        }

        var neighbours = Enumerable.Range(0, problem.NodeCount).Select(_ => new List<int>()).ToArray();
        for (int edge = 0; edge < problem.EdgeCount; edge++)
        {
            neighbours[problem.U[edge]].Add(problem.V[edge]);
            neighbours[problem.V[edge]].Add(problem.U[edge]);
        }

        var seenLabel = new bool[next];
        var visited = new bool[problem.NodeCount];
        for (int start = 0; start < labels.Length; start++)
        {
            if (visited[start])
            {
                continue;
            }

            Assert.False(seenLabel[labels[start]], $"label {labels[start]} covers node sets with no edge between them");
            seenLabel[labels[start]] = true;
            var queue = new Queue<int>([start]);
            visited[start] = true;
            while (queue.TryDequeue(out int node))
            {
                foreach (int neighbour in neighbours[node])
                {
                    if (!visited[neighbour] && labels[neighbour] == labels[start])
                    {
                        visited[neighbour] = true;
                        queue.Enqueue(neighbour);
                    }
                }
            }
        }
    }

    /// <summary>The labels renumbered by first occurrence, to compare partitions.</summary>
    public static int[] Canonical(IReadOnlyList<int> labels)
    {
        var map = new Dictionary<int, int>();
        return [.. labels.Select(label => map.TryGetValue(label, out int dense) ? dense : map[label] = map.Count)];
    }
}
