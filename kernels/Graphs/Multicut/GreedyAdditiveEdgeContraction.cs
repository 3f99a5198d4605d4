namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// Greedy additive edge contraction (GAEC; Keuper et al. 2015, "Efficient decomposition of image and mesh graphs by
/// lifted multicuts"; Beier et al. 2015, "Fusion moves"): repeatedly contract the edge of largest summed cost while that
/// cost is &gt; 0 (an edge of cost 0 is never contracted), summing parallel edges. Each contraction lowers the energy by
/// the contracted cost, so the result is never worse than the start.
/// </summary>
/// <remarks>
/// bioimage-cpp's <c>greedy_additive.hxx</c> rule: a binary max-heap keyed by edge id, built by Floyd's heapify in edge
/// order; equal costs are taken in heap-position order (no secondary key), so only tie-free costs fix the contraction
/// sequence. With a warm start, the edges inside each start cluster are contracted first. O(E log E) on sparse graphs;
/// memory O(V + E) (<see cref="EdgeContraction"/>).
/// </remarks>
public sealed class GreedyAdditiveEdgeContraction : MulticutSolver
{
    /// <inheritdoc/>
    public override string Name => "gaec";

    /// <inheritdoc/>
    protected override int[] SolveCore(MulticutProblem problem, ReadOnlySpan<int> initialLabels)
    {
        var contraction = new EdgeContraction(problem, absolutePriority: false);
        if (!initialLabels.IsEmpty)
        {
            contraction.ContractWithin(initialLabels);
        }

        var heap = contraction.Heap;
        while (heap.Count > 0 && contraction.SuperNodeCount > 1 && heap.TopPriority > 0)
        {
            contraction.Contract(heap.Top);
        }

        return contraction.Labels();
    }
}
