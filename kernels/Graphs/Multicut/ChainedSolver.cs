namespace BioImage.Kernels.Graphs.Multicut;

/// <summary>
/// Solvers run in sequence on one problem, each starting from the labels of the one before (bioimage-cpp's
/// <c>chained.hxx</c>; bioimage-py's warm-started Kernighan–Lin is [GAEC, KL]). Since every solver is never worse than
/// its start, neither is the chain.
/// </summary>
public sealed class ChainedSolver : MulticutSolver
{
    private readonly MulticutSolver[] _solvers;

    /// <summary>A chain of <paramref name="solvers"/> (at least one), run first to last.</summary>
    /// <exception cref="ArgumentException">No solver, or a null entry.</exception>
    public ChainedSolver(params MulticutSolver[] solvers)
    {
        ArgumentNullException.ThrowIfNull(solvers);
        if (solvers.Length == 0 || solvers.Any(solver => solver is null))
        {
            throw new ArgumentException("A chained solver needs at least one solver and no null entries.", nameof(solvers));
        }

        _solvers = [.. solvers];
    }

    /// <summary>The solvers in the order they run.</summary>
    public IReadOnlyList<MulticutSolver> Solvers => _solvers;

    /// <inheritdoc/>
    public override string Name => string.Join(',', _solvers.Select(solver => solver.Name));

    /// <inheritdoc/>
    protected override int[] SolveCore(MulticutProblem problem, ReadOnlySpan<int> initialLabels)
    {
        int[] labels = _solvers[0].Solve(problem, initialLabels);
        foreach (var solver in _solvers.AsSpan(1))
        {
            labels = solver.Solve(problem, labels);
        }

        return labels;
    }
}
