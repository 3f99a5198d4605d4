namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// Label normal forms shared by the solvers: the connected components of each cluster numbered by first occurrence,
/// which both densifies labels and splits a label that covers node sets with no edge between them (energy-neutral:
/// no edge joins the parts). O(V + E) with a union-find over the edges inside clusters.
/// </summary>
public static class MulticutLabels
{
    /// <summary>
    /// The partition into connected clusters that <paramref name="labels"/> induces on <paramref name="problem"/>'s graph:
    /// two nodes share a result label exactly when a path of equally labelled nodes joins them. Labels are numbered by
    /// first occurrence (node 0 → 0); the energy is unchanged.
    /// </summary>
    public static int[] ConnectedClusters(MulticutProblem problem, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(problem);
        problem.CheckLabels(labels);
        var parent = new int[problem.NodeCount];
        for (int node = 0; node < parent.Length; node++)
        {
            parent[node] = node;
        }

        var u = problem.U;
        var v = problem.V;
        for (int edge = 0; edge < u.Length; edge++)
        {
            if (labels[u[edge]] == labels[v[edge]])
            {
                int a = Find(parent, u[edge]), b = Find(parent, v[edge]);
                if (a != b)
                {
                    parent[Math.Max(a, b)] = Math.Min(a, b);
                }
            }
        }

        // Every root is its set's smallest node, so one forward pass numbers the sets by first occurrence.
        var result = new int[parent.Length];
        int next = 0;
        for (int node = 0; node < parent.Length; node++)
        {
            int root = Find(parent, node);
            result[node] = root == node ? next++ : result[root];
        }

        return result;
    }

    /// <summary>True when every node has its own label.</summary>
    internal static bool AllDistinct(ReadOnlySpan<int> labels)
    {
        var seen = new HashSet<int>(labels.Length);
        foreach (int label in labels)
        {
            if (!seen.Add(label))
            {
                return false;
            }
        }

        return true;
    }

    private static int Find(int[] parent, int node)
    {
        while (parent[node] != node)
        {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }

        return node;
    }
}
