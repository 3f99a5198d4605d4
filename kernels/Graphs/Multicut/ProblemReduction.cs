using System.Runtime.InteropServices;

namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// The two graph steps of the hierarchical block-wise multicut (Pape et al. 2017, "Solving large multicut problems for
/// connectomics via domain decomposition"; cluster_tools' <c>solve_subproblems</c> and <c>reduce_problem</c>):
/// <see cref="Extract"/> cuts out the sub-problem of a node set (its inner edges; the edges leaving the set are
/// reported as cut), and <see cref="Contract"/> merges the nodes joined by the edges that no sub-problem cut into one
/// node each, summing the costs of the parallel edges this creates (self-loops vanish). Both are O(n + k) for the
/// nodes and edges involved (the contraction sorts the reduced edges once: O(k log k)).
/// </summary>
public static class ProblemReduction
{
    /// <summary>
    /// The sub-problem of <paramref name="nodes"/>: the inner edges (both end nodes in the set, in the order they are
    /// met walking the nodes' adjacency) over local node ids 0 … |nodes| − 1 in the given order, with the id of each
    /// inner edge in <paramref name="problem"/>, and the ids of the outer edges (exactly one end node in the set).
    /// </summary>
    /// <param name="problem">The whole problem.</param>
    /// <param name="nodes">Distinct node ids of <paramref name="problem"/>.</param>
    /// <param name="localIds">Scratch of one entry per node of <paramref name="problem"/>, all −1; left all −1.</param>
    /// <exception cref="ArgumentException">A node id is out of range or repeated, or the scratch has the wrong size.</exception>
    public static SubProblem Extract(MulticutProblem problem, ReadOnlySpan<int> nodes, Span<int> localIds)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (localIds.Length != problem.NodeCount)
        {
            throw new ArgumentException($"The scratch needs one entry per node ({problem.NodeCount}); got {localIds.Length}.", nameof(localIds));
        }

        try
        {
            for (int i = 0; i < nodes.Length; i++)
            {
                if ((uint)nodes[i] >= (uint)problem.NodeCount || localIds[nodes[i]] >= 0)
                {
                    throw new ArgumentException($"Node {nodes[i]} is outside 0..{problem.NodeCount - 1} or repeated.", nameof(nodes));
                }

                localIds[nodes[i]] = i;
            }

            var (u, v, ids, outer) = (new List<int>(), new List<int>(), new List<int>(), new List<int>());
            var start = problem.AdjacencyStart;
            var neighbours = problem.AdjacencyNodes;
            var edges = problem.AdjacencyEdges;
            foreach (int node in nodes)
            {
                for (int k = start[node]; k < start[node + 1]; k++)
                {
                    int other = localIds[neighbours[k]];
                    if (other < 0)
                    {
                        outer.Add(edges[k]);
                    }
                    else if (node < neighbours[k])
                    {
                        u.Add(localIds[node]);
                        v.Add(other);
                        ids.Add(edges[k]);
                    }
                }
            }

            var costs = new double[ids.Count];
            for (int i = 0; i < costs.Length; i++)
            {
                costs[i] = problem.Costs[ids[i]];
            }

            return new SubProblem(new MulticutProblem(nodes.Length, CollectionsMarshal.AsSpan(u), CollectionsMarshal.AsSpan(v), costs), [.. ids], [.. outer]);
        }
        finally
        {
            foreach (int node in nodes)
            {
                if ((uint)node < (uint)localIds.Length)
                {
                    localIds[node] = -1;
                }
            }
        }
    }

    /// <summary>
    /// Contracts the edges with <paramref name="merge"/> set: the reduced problem's nodes are the connected components
    /// of those edges, numbered by first occurrence in node order; its edges join different components, sorted by
    /// (u, v), each with the summed cost of the edges it replaces (added in edge order).
    /// </summary>
    /// <param name="problem">The problem.</param>
    /// <param name="merge">One flag per edge: contract it.</param>
    /// <returns>The reduced problem and the reduced node of every node of <paramref name="problem"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="merge"/> has not one flag per edge.</exception>
    public static (MulticutProblem Reduced, int[] NodeMap) Contract(MulticutProblem problem, ReadOnlySpan<bool> merge)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (merge.Length != problem.EdgeCount)
        {
            throw new ArgumentException($"Contraction needs one flag per edge ({problem.EdgeCount}); got {merge.Length}.", nameof(merge));
        }

        var parent = new int[problem.NodeCount];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        for (int e = 0; e < merge.Length; e++)
        {
            if (merge[e])
            {
                int a = Root(parent, problem.U[e]), b = Root(parent, problem.V[e]);
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        // Roots are the smallest node of their component, so numbering roots in node order is first-occurrence order.
        var nodeMap = new int[problem.NodeCount];
        int count = 0;
        for (int i = 0; i < nodeMap.Length; i++)
        {
            nodeMap[i] = Root(parent, i) == i ? count++ : nodeMap[Root(parent, i)];
        }

        var index = new Dictionary<long, int>();
        var keys = new List<long>();
        var sums = new List<double>();
        for (int e = 0; e < problem.EdgeCount; e++)
        {
            int a = nodeMap[problem.U[e]], b = nodeMap[problem.V[e]];
            if (a == b)
            {
                continue;
            }

            long key = ((long)Math.Min(a, b) << 32) | (uint)Math.Max(a, b);
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(index, key, out bool seen);
            if (seen)
            {
                sums[slot] += problem.Costs[e];
            }
            else
            {
                slot = keys.Count;
                keys.Add(key);
                sums.Add(problem.Costs[e]);
            }
        }

        var sortedKeys = keys.ToArray();
        var costs = sums.ToArray();
        Array.Sort(sortedKeys, costs);
        var u = new int[sortedKeys.Length];
        var v = new int[sortedKeys.Length];
        for (int i = 0; i < sortedKeys.Length; i++)
        {
            (u[i], v[i]) = ((int)(sortedKeys[i] >> 32), (int)(uint)sortedKeys[i]);
        }

        return (new MulticutProblem(count, u, v, costs), nodeMap);
    }

    private static int Root(int[] parent, int node)
    {
        while (parent[node] != node)
        {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }

        return node;
    }
}

/// <summary>The sub-problem of a node set (see <see cref="ProblemReduction.Extract"/>).</summary>
/// <param name="Problem">The inner edges over local node ids.</param>
/// <param name="EdgeIds">The id in the whole problem of each local edge.</param>
/// <param name="OuterEdges">The ids of the edges with exactly one end node in the set.</param>
public sealed record SubProblem(MulticutProblem Problem, int[] EdgeIds, int[] OuterEdges);
