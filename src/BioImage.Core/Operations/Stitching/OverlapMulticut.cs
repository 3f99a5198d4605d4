using BioImage.Kernels;
using BioImage.Kernels.Graphs;
using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Operations;

/// <summary>
/// Step 5 of bioimage-py's stitching (<c>_stitch_via_multicut</c>), in the calling process on the graph of the
/// pre-stitch volume: every edge gets the disaffinity 0.9; an edge that is an overlap pair (either order) gets
/// 1 − the largest fraction of its pairs (rounded to float32; pairs that are no edge — objects that overlap but do not
/// touch — are dropped); with a background every edge of node 0 gets 0.99, last. The costs are
/// <see cref="EdgeCosts.TransformProbabilitiesToCosts(ReadOnlySpan{float}, double, ReadOnlySpan{double}, ReadOnlySpan{int}, double)"/>
/// in float32 with β, and the multicut of the graph with them (<see cref="Solver"/>) gives one label per node (node 0 → 0).
/// </summary>
/// <remarks>O(r log k + k) for r overlap rows and k edges, plus the solver.</remarks>
internal static class OverlapMulticut
{
    /// <summary>The disaffinity of an edge without an overlap: merging is unlikely but possible.</summary>
    public const float DefaultDisaffinity = 0.9f;

    /// <summary>The disaffinity of the edges of node 0 when it is background.</summary>
    public const float BackgroundDisaffinity = 0.99f;

    /// <summary>The label of every node, or null when the graph has no edge or at most one node (the volume stays as it is).</summary>
    public static int[]? Solve(RegionAdjacencyGraph graph, OverlapRows rows, bool withBackground, double beta)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(rows);
        if (graph.EdgeCount == 0 || graph.NodeCount <= 1)
        {
            return null;
        }

        var largest = new double[graph.EdgeCount];
        Array.Fill(largest, -1);
        for (int row = 0; row < rows.Length; row++)
        {
            int edge = graph.FindEdge(rows.A[row], rows.B[row]);
            if (edge >= 0)
            {
                largest[edge] = Math.Max(largest[edge], rows.Fractions[row]);
            }
        }

        var disaffinities = new float[graph.EdgeCount];
        var u = graph.U;
        for (int edge = 0; edge < disaffinities.Length; edge++)
        {
            disaffinities[edge] = withBackground && u[edge] == 0 ? BackgroundDisaffinity
                : largest[edge] >= 0 ? (float)(1.0 - largest[edge])
                : DefaultDisaffinity;
        }

        var costs = EdgeCosts.TransformProbabilitiesToCosts(disaffinities, beta);
        var problem = MulticutProblem.FromEdges(graph.NodeCount, graph.U, graph.V, [.. costs.Select(c => (double)c)]);
        return Solver().Solve(problem);
    }

    /// <summary>
    /// bioimage-py's solver: the decomposition into components of attractive edges, each solved by Kernighan-Lin
    /// (which starts from GAEC), one thread.
    /// </summary>
    private static MulticutDecomposer Solver() => new(new KernighanLin());
}
