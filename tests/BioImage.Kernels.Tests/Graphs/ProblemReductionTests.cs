using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Kernels.Tests.Graphs;

/// <summary>
/// The sub-problem extraction and the contraction of the block-wise multicut on 300 random graphs against brute
/// force: inner and outer edges by checking both end nodes of every edge; the contraction against components found by
/// repeated relaxation and parallel edges summed in a dictionary; every labelling of the reduced problem has the
/// energy of its pull-back to the original problem.
/// </summary>
public sealed class ProblemReductionTests
{
    [Fact]
    public void Extract_splits_the_edges_of_a_node_set_into_inner_and_outer()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 300; trial++)
        {
            var problem = RandomProblem(random);
            var nodes = Enumerable.Range(0, problem.NodeCount).Where(_ => random.NextDouble() < 0.5).OrderBy(_ => random.Next()).ToArray();
            var scratch = Enumerable.Repeat(-1, problem.NodeCount).ToArray();
            var sub = ProblemReduction.Extract(problem, nodes, scratch);
            Assert.All(scratch, entry => Assert.Equal(-1, entry));
            var inSet = new HashSet<int>(nodes);
            var inner = Enumerable.Range(0, problem.EdgeCount).Where(e => inSet.Contains(problem.U[e]) && inSet.Contains(problem.V[e])).ToArray();
            var outer = Enumerable.Range(0, problem.EdgeCount).Where(e => inSet.Contains(problem.U[e]) != inSet.Contains(problem.V[e])).ToArray();
            Assert.Equal(inner, sub.EdgeIds.Order().ToArray());
            Assert.Equal(outer, sub.OuterEdges.Order().ToArray());
            Assert.Equal(nodes.Length, sub.Problem.NodeCount);
            for (int local = 0; local < sub.EdgeIds.Length; local++)
            {
                int edge = sub.EdgeIds[local];
                Assert.Equal(problem.Costs[edge], sub.Problem.Costs[local]);
                var ends = new[] { nodes[sub.Problem.U[local]], nodes[sub.Problem.V[local]] }.Order().ToArray();
                Assert.Equal([problem.U[edge], problem.V[edge]], ends);
            }
        }
    }

    [Fact]
    public void Contract_equals_brute_force_components_and_summed_parallel_edges()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 300; trial++)
        {
            var problem = RandomProblem(random);
            var merge = Enumerable.Range(0, problem.EdgeCount).Select(_ => random.NextDouble() < 0.4).ToArray();
            var (reduced, map) = ProblemReduction.Contract(problem, merge);

            // Components by relaxation: every node takes the smallest id reachable over merged edges.
            var component = Enumerable.Range(0, problem.NodeCount).ToArray();
            for (bool changed = true; changed;)
            {
                changed = false;
                for (int e = 0; e < problem.EdgeCount; e++)
                {
                    int low = Math.Min(component[problem.U[e]], component[problem.V[e]]);
                    if (merge[e] && (component[problem.U[e]] != low || component[problem.V[e]] != low))
                    {
                        (component[problem.U[e]], component[problem.V[e]], changed) = (low, low, true);
                    }
                }
            }

            var order = component.Distinct().ToList();
            Assert.Equal(component.Select(c => order.IndexOf(c)).ToArray(), map);
            var sums = new SortedDictionary<(int, int), double>();
            for (int e = 0; e < problem.EdgeCount; e++)
            {
                int a = map[problem.U[e]], b = map[problem.V[e]];
                if (a != b)
                {
                    var key = (Math.Min(a, b), Math.Max(a, b));
                    sums[key] = sums.GetValueOrDefault(key) + problem.Costs[e];
                }
            }

            Assert.Equal(order.Count, reduced.NodeCount);
            Assert.Equal(sums.Keys.ToArray(), Enumerable.Range(0, reduced.EdgeCount).Select(e => (reduced.U[e], reduced.V[e])).ToArray());
            Assert.Equal(sums.Values.ToArray(), reduced.Costs.ToArray());
            for (int labelling = 0; labelling < 5; labelling++)
            {
                var labels = Enumerable.Range(0, reduced.NodeCount).Select(_ => random.Next(3)).ToArray();
                double pulledBack = problem.Energy(map.Select(node => labels[node]).ToArray());
                Assert.Equal(pulledBack, reduced.Energy(labels), 1e-9);
            }
        }
    }

    private static MulticutProblem RandomProblem(Random random)
    {
        int nodes = random.Next(1, 25);
        var edges = new HashSet<(int, int)>();
        int wanted = random.Next(0, 3 * nodes);
        for (int i = 0; i < wanted && nodes > 1; i++)
        {
            int a = random.Next(nodes), b = random.Next(nodes);
            if (a != b)
            {
                edges.Add((Math.Min(a, b), Math.Max(a, b)));
            }
        }

        var list = edges.ToArray();
        return new MulticutProblem(nodes, list.Select(e => e.Item1).ToArray(), list.Select(e => e.Item2).ToArray(), list.Select(_ => random.NextDouble() - 0.4).ToArray());
    }
}
