namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// Decomposition of a multicut problem into independent sub-problems (Alush and Goldberger 2012; bioimage-py's
/// <c>MulticutDecomposer</c>): the connected components of the graph restricted to the edges of cost &gt; 0. Some optimum
/// never joins two such components (every edge between them has cost ≤ 0, so cutting it never costs), so each component
/// is solved on its own — on its induced subgraph with all its inner edges, negative ones included — and a single-node
/// component keeps its own cluster. With one component (or none), the fall-through solver solves the whole problem.
/// </summary>
/// <remarks>
/// Components are numbered by first occurrence and solved in parallel on up to <see cref="Threads"/> threads (bioimage-py
/// loops sequentially; the labels do not depend on the thread count). Each component's labels are offset to stay
/// distinct; the result is relabelled by first occurrence. A warm start is restricted to each component. O(V + E) besides
/// the sub-solvers; memory O(V + E).
/// </remarks>
public sealed class MulticutDecomposer : MulticutSolver
{
    /// <summary>A decomposer solving each component with <paramref name="subSolver"/>.</summary>
    /// <param name="subSolver">Solves each component of ≥ 2 nodes.</param>
    /// <param name="fallthrough">Solves the whole problem when it has ≤ 1 component; default <paramref name="subSolver"/>.</param>
    /// <param name="threads">Components solved at once (≥ 1).</param>
    public MulticutDecomposer(MulticutSolver subSolver, MulticutSolver? fallthrough = null, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(subSolver);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        SubSolver = subSolver;
        Fallthrough = fallthrough ?? subSolver;
        Threads = threads;
    }

    /// <inheritdoc/>
    public override string Name => "decomposition";

    /// <summary>The solver of each component.</summary>
    public MulticutSolver SubSolver { get; }

    /// <summary>The solver of a problem that does not decompose.</summary>
    public MulticutSolver Fallthrough { get; }

    /// <summary>Components solved at once.</summary>
    public int Threads { get; }

    /// <inheritdoc/>
    protected override int[] SolveCore(MulticutProblem problem, ReadOnlySpan<int> initialLabels)
    {
        var (component, componentCount) = AttractiveComponents(problem);
        if (componentCount <= 1)
        {
            return Fallthrough.Solve(problem, initialLabels);
        }

        // Local node ids and each component's nodes, in node order.
        var nodeStart = new int[componentCount + 1];
        foreach (int c in component)
        {
            nodeStart[c + 1]++;
        }

        for (int c = 0; c < componentCount; c++)
        {
            nodeStart[c + 1] += nodeStart[c];
        }

        var nodes = new int[problem.NodeCount];
        var local = new int[problem.NodeCount];
        var nodeFill = nodeStart[..componentCount];
        for (int node = 0; node < nodes.Length; node++)
        {
            int slot = nodeFill[component[node]]++;
            local[node] = slot - nodeStart[component[node]];
            nodes[slot] = node;
        }

        // The edges inside each component, in edge order.
        var u = problem.U;
        var v = problem.V;
        var edgeStart = new int[componentCount + 1];
        for (int edge = 0; edge < u.Length; edge++)
        {
            if (component[u[edge]] == component[v[edge]])
            {
                edgeStart[component[u[edge]] + 1]++;
            }
        }

        for (int c = 0; c < componentCount; c++)
        {
            edgeStart[c + 1] += edgeStart[c];
        }

        var edges = new int[edgeStart[componentCount]];
        var edgeFill = edgeStart[..componentCount];
        for (int edge = 0; edge < u.Length; edge++)
        {
            if (component[u[edge]] == component[v[edge]])
            {
                edges[edgeFill[component[u[edge]]]++] = edge;
            }
        }

        var labels = new int[problem.NodeCount];
        var start = initialLabels.IsEmpty ? null : initialLabels.ToArray();
        var solved = Enumerable.Range(0, componentCount)
            .Where(c => nodeStart[c + 1] - nodeStart[c] > 1)
            .OrderByDescending(c => edgeStart[c + 1] - edgeStart[c])
            .ToArray();
        Parallel.ForEach(solved, new ParallelOptions { MaxDegreeOfParallelism = Threads }, c =>
        {
            var componentNodes = nodes.AsSpan(nodeStart[c], nodeStart[c + 1] - nodeStart[c]);
            var componentEdges = edges.AsSpan(edgeStart[c], edgeStart[c + 1] - edgeStart[c]);
            var subU = new int[componentEdges.Length];
            var subV = new int[componentEdges.Length];
            var subCosts = new double[componentEdges.Length];
            for (int i = 0; i < componentEdges.Length; i++)
            {
                int edge = componentEdges[i];
                subU[i] = local[problem.U[edge]];
                subV[i] = local[problem.V[edge]];
                subCosts[i] = problem.Costs[edge];
            }

            var subProblem = new MulticutProblem(componentNodes.Length, subU, subV, subCosts);
            int[]? subStart = null;
            if (start is not null)
            {
                subStart = new int[componentNodes.Length];
                for (int i = 0; i < subStart.Length; i++)
                {
                    subStart[i] = start[componentNodes[i]];
                }
            }

            var subLabels = SubSolver.Solve(subProblem, subStart);
            for (int i = 0; i < componentNodes.Length; i++)
            {
                labels[componentNodes[i]] = nodeStart[c] + subLabels[i]; // sub-labels < component size: offsets stay distinct
            }
        });

        foreach (int c in Enumerable.Range(0, componentCount).Where(c => nodeStart[c + 1] - nodeStart[c] == 1))
        {
            labels[nodes[nodeStart[c]]] = nodeStart[c];
        }

        return MulticutLabels.ConnectedClusters(problem, labels);
    }

    /// <summary>Components over the edges of cost &gt; 0, numbered by first occurrence.</summary>
    private static (int[] Component, int Count) AttractiveComponents(MulticutProblem problem)
    {
        var costs = problem.Costs;
        var joins = new bool[costs.Length];
        for (int edge = 0; edge < joins.Length; edge++)
        {
            joins[edge] = costs[edge] > 0;
        }

        var component = MulticutLabels.Components(problem, joins);
        return (component, component.Length == 0 ? 0 : component.Max() + 1);
    }
}
