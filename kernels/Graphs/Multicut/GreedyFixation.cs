namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// Greedy fixation (Levinkov et al. 2017, "A comparative study of local search algorithms for correlation clustering"):
/// take the edge of largest |summed cost|; if its cost is &gt; 0 contract it, else fix it as cannot-link (the two
/// clusters never merge). Stop when the largest |cost| is 0. A cannot-link survives merges: an edge folded with a
/// cannot-link edge is cannot-link and leaves the heap.
/// </summary>
/// <remarks>
/// bioimage-cpp's <c>greedy_fixation.hxx</c> over the same contraction state as GAEC (<see cref="EdgeContraction"/>),
/// the heap keyed by |cost|. Only positive edges are contracted, so the energy never rises above the start. With a warm
/// start, the edges inside each start cluster are contracted first. O(E log E) on sparse graphs.
/// </remarks>
public sealed class GreedyFixation : MulticutSolver
{
    /// <inheritdoc/>
    public override string Name => "greedy-fixation";

    /// <inheritdoc/>
    protected override int[] SolveCore(MulticutProblem problem, ReadOnlySpan<int> initialLabels)
    {
        var contraction = new EdgeContraction(problem, absolutePriority: true);
        if (!initialLabels.IsEmpty)
        {
            contraction.ContractWithin(initialLabels);
        }

        var heap = contraction.Heap;
        while (heap.Count > 0 && contraction.SuperNodeCount > 1 && heap.TopPriority > 0)
        {
            int edge = heap.Top;
            if (contraction.Weight(edge) > 0)
            {
                contraction.Contract(edge);
            }
            else
            {
                contraction.Forbid(edge);
            }
        }

        return contraction.Labels();
    }
}
