namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// A multicut problem (Chopra and Rao 1993; Andres et al. 2012): an undirected graph over the nodes
/// 0..<see cref="NodeCount"/>-1 with one real cost per edge. A partition of the nodes (node labels) costs
/// <see cref="Energy"/> = the sum of the costs of the edges whose end nodes carry different labels; solvers minimise it.
/// <b>A positive cost is attractive</b> (cutting the edge raises the energy), a negative one repulsive, so putting every
/// node in one cluster costs 0 and the optimum is ≤ 0 (bioimage-cpp's <c>multicut/objective.hxx</c>).
/// </summary>
/// <remarks>
/// Edges are stored as given, each with u &lt; v (a pair given as (v, u) is stored as (u, v)); self-loops, repeated
/// pairs, ids outside 0..NodeCount-1 and non-finite costs are refused. Construction also builds the adjacency in
/// compressed-row form (O(V + E) time and memory), which the solvers share.
/// </remarks>
public sealed class MulticutProblem
{
    private readonly int[] _u;
    private readonly int[] _v;
    private readonly double[] _costs;
    private readonly int[] _adjacencyStart;
    private readonly int[] _adjacencyNode;
    private readonly int[] _adjacencyEdge;

    /// <summary>A problem over <paramref name="nodeCount"/> nodes with the edges (u[i], v[i]) and their costs.</summary>
    /// <param name="nodeCount">Number of nodes; nodes without an edge are allowed (they stay singletons).</param>
    /// <param name="u">First end node of every edge.</param>
    /// <param name="v">Second end node of every edge (≠ u).</param>
    /// <param name="costs">Cost of every edge: positive attracts, negative repels; finite.</param>
    /// <exception cref="ArgumentException">Lengths differ, an id is out of range, an edge is a self-loop or repeated, or a cost is not finite.</exception>
    public MulticutProblem(int nodeCount, ReadOnlySpan<int> u, ReadOnlySpan<int> v, ReadOnlySpan<double> costs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        if (u.Length != v.Length || u.Length != costs.Length)
        {
            throw new ArgumentException($"The edge arrays must have one length: u has {u.Length}, v has {v.Length} and costs has {costs.Length} entries.", nameof(costs));
        }

        NodeCount = nodeCount;
        _u = new int[u.Length];
        _v = new int[u.Length];
        _costs = costs.ToArray();
        for (int edge = 0; edge < u.Length; edge++)
        {
            int a = u[edge], b = v[edge];
            if ((uint)a >= (uint)nodeCount || (uint)b >= (uint)nodeCount)
            {
                throw new ArgumentException($"Edge {edge} ({a}, {b}) has a node id outside 0..{nodeCount - 1} (the node count is {nodeCount}).", nameof(u));
            }

            if (a == b)
            {
                throw new ArgumentException($"Edge {edge} ({a}, {b}) is a self-loop; every edge must join two different nodes.", nameof(v));
            }

            if (!double.IsFinite(costs[edge]))
            {
                throw new ArgumentException($"Edge {edge} ({a}, {b}) has the cost {costs[edge]}; costs must be finite.", nameof(costs));
            }

            _u[edge] = Math.Min(a, b);
            _v[edge] = Math.Max(a, b);
        }

        (_adjacencyStart, _adjacencyNode, _adjacencyEdge) = BuildAdjacency(nodeCount, _u, _v);
    }

    /// <summary>
    /// A problem from 64-bit edge end nodes, e.g. a region adjacency graph's (u, v) columns or an (E, 2) edge array.
    /// </summary>
    /// <exception cref="ArgumentException">The node count or an id does not fit a 32-bit node id, or any check of the main constructor fails.</exception>
    public static MulticutProblem FromEdges(long nodeCount, ReadOnlySpan<ulong> u, ReadOnlySpan<ulong> v, ReadOnlySpan<double> costs)
    {
        if (nodeCount is < 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeCount), nodeCount, $"The node count must be in 0..{int.MaxValue}.");
        }

        if (u.Length != v.Length)
        {
            throw new ArgumentException($"The edge arrays must have one length: u has {u.Length} and v has {v.Length} entries.", nameof(v));
        }

        var first = new int[u.Length];
        var second = new int[u.Length];
        for (int edge = 0; edge < u.Length; edge++)
        {
            if (u[edge] >= (ulong)nodeCount || v[edge] >= (ulong)nodeCount)
            {
                throw new ArgumentException($"Edge {edge} ({u[edge]}, {v[edge]}) has a node id outside 0..{nodeCount - 1} (the node count is {nodeCount}).", nameof(u));
            }

            first[edge] = (int)u[edge];
            second[edge] = (int)v[edge];
        }

        return new MulticutProblem((int)nodeCount, first, second, costs);
    }

    /// <summary>Number of nodes.</summary>
    public int NodeCount { get; }

    /// <summary>Number of edges.</summary>
    public int EdgeCount => _u.Length;

    /// <summary>Smaller end node of every edge.</summary>
    public ReadOnlySpan<int> U => _u;

    /// <summary>Larger end node of every edge.</summary>
    public ReadOnlySpan<int> V => _v;

    /// <summary>Cost of every edge (positive = attractive).</summary>
    public ReadOnlySpan<double> Costs => _costs;

    /// <summary>Σ of the costs of the edges whose end nodes have different labels (summed in edge order).</summary>
    /// <param name="labels">One label per node; only equality matters.</param>
    public double Energy(ReadOnlySpan<int> labels)
    {
        CheckLabels(labels);
        double energy = 0;
        for (int edge = 0; edge < _u.Length; edge++)
        {
            if (labels[_u[edge]] != labels[_v[edge]])
            {
                energy += _costs[edge];
            }
        }

        return energy;
    }

    /// <summary>First adjacency entry of every node (NodeCount + 1 entries) in <see cref="AdjacencyNodes"/>/<see cref="AdjacencyEdges"/>.</summary>
    internal ReadOnlySpan<int> AdjacencyStart => _adjacencyStart;

    /// <summary>The neighbour of every adjacency entry.</summary>
    internal ReadOnlySpan<int> AdjacencyNodes => _adjacencyNode;

    /// <summary>The edge id of every adjacency entry.</summary>
    internal ReadOnlySpan<int> AdjacencyEdges => _adjacencyEdge;

    /// <summary>Throws unless <paramref name="labels"/> has one entry per node.</summary>
    internal void CheckLabels(ReadOnlySpan<int> labels, string name = "labels")
    {
        if (labels.Length != NodeCount)
        {
            throw new ArgumentException($"The labels must have one entry per node ({NodeCount}), not {labels.Length}.", name);
        }
    }

    private static (int[] Start, int[] Nodes, int[] Edges) BuildAdjacency(int nodeCount, int[] u, int[] v)
    {
        var start = new int[nodeCount + 1];
        foreach (int node in u)
        {
            start[node + 1]++;
        }

        foreach (int node in v)
        {
            start[node + 1]++;
        }

        for (int node = 0; node < nodeCount; node++)
        {
            start[node + 1] += start[node];
        }

        var nodes = new int[2 * u.Length];
        var edges = new int[2 * u.Length];
        var fill = start[..nodeCount];
        for (int edge = 0; edge < u.Length; edge++)
        {
            int a = u[edge], b = v[edge];
            nodes[fill[a]] = b;
            edges[fill[a]++] = edge;
            nodes[fill[b]] = a;
            edges[fill[b]++] = edge;
        }

        // A repeated pair shows up as a neighbour seen twice in one row.
        var lastEdgeTo = new int[nodeCount];
        Array.Fill(lastEdgeTo, -1);
        for (int node = 0; node < nodeCount; node++)
        {
            for (int entry = start[node]; entry < start[node + 1]; entry++)
            {
                int neighbour = nodes[entry];
                if (lastEdgeTo[neighbour] >= start[node])
                {
                    int previous = edges[lastEdgeTo[neighbour]];
                    throw new ArgumentException($"Edges {previous} and {edges[entry]} both join the nodes ({Math.Min(node, neighbour)}, {Math.Max(node, neighbour)}); every pair may appear once.", nameof(u));
                }

                lastEdgeTo[neighbour] = entry;
            }
        }

        return (start, nodes, edges);
    }
}
