namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// A multicut solver: finds node labels of low <see cref="MulticutProblem.Energy"/>. Every solver returns dense labels
/// numbered by first occurrence (node 0 → 0, the next node of another cluster → 1, …), and every cluster is connected
/// in the graph. Solvers keep no state between calls, so one instance may solve several problems at once.
/// </summary>
public abstract class MulticutSolver
{
    /// <summary>The solver's name as the command line spells it (e.g. <c>gaec</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Solves <paramref name="problem"/> from its own start (every node its own cluster, or the solver's warm start).</summary>
    public int[] Solve(MulticutProblem problem) => Solve(problem, default);

    /// <summary>
    /// Solves <paramref name="problem"/> starting from <paramref name="initialLabels"/> (one label per node; empty = every
    /// node its own cluster). The result's energy is never above that of the start.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="initialLabels"/> is neither empty nor one label per node.</exception>
    public int[] Solve(MulticutProblem problem, ReadOnlySpan<int> initialLabels)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!initialLabels.IsEmpty)
        {
            problem.CheckLabels(initialLabels, nameof(initialLabels));
        }

        return SolveCore(problem, initialLabels);
    }

    /// <summary>The solver proper; <paramref name="initialLabels"/> is empty or has one label per node.</summary>
    protected abstract int[] SolveCore(MulticutProblem problem, ReadOnlySpan<int> initialLabels);
}
