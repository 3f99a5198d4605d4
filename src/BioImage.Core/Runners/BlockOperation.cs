using System.Text.Json.Serialization;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>
/// The per-block step of an operation, runnable on every backend. Its public read/write properties are its
/// parameters: they travel to worker processes as JSON, and the worker recreates the step from its type name
/// and assembly path (no closures cross a process boundary), so steps need a public parameterless constructor.
/// </summary>
public abstract class BlockStep
{
    /// <summary>Voxels of context each block needs on every side, one value per axis of the domain.</summary>
    public virtual long[] GetHalo(int rank) => new long[rank];

    /// <summary>The type of the per-block result, or null when the step only writes outputs.</summary>
    [JsonIgnore]
    internal abstract Type? ResultType { get; }

    /// <summary>Runs the step on one block and returns its result (null for output-writing steps).</summary>
    internal abstract object? Execute(BlockContext block);
}

/// <summary>A step that writes its outputs block by block (copy, filters, …).</summary>
public abstract class BlockOperation : BlockStep
{
    /// <inheritdoc />
    internal override Type? ResultType => null;

    /// <summary>Processes one block: read from the inputs, write the block's inner region of the outputs.</summary>
    public abstract void Run(BlockContext block);

    /// <inheritdoc />
    internal override object? Execute(BlockContext block)
    {
        Run(block);
        return null;
    }
}

/// <summary>A step that returns a value per block, merged afterwards by the caller (stats, unique, …).</summary>
/// <typeparam name="TResult">A JSON-serializable per-block result.</typeparam>
public abstract class ReduceOperation<TResult> : BlockStep
{
    /// <inheritdoc />
    internal override Type? ResultType => typeof(TResult);

    /// <summary>Computes the block's result.</summary>
    public abstract TResult Run(BlockContext block);

    /// <inheritdoc />
    internal override object? Execute(BlockContext block) => Run(block);
}

/// <summary>
/// A step over item ids instead of blocks (bioimage-py's <c>Runner.map</c>; regionprops uses it): items run on any
/// backend like blocks do, with no sources. Parameters travel as JSON like any step's.
/// </summary>
/// <typeparam name="TResult">A JSON-serializable per-item result.</typeparam>
public abstract class MapOperation<TResult> : ReduceOperation<TResult>
{
    /// <summary>Computes the result of one item.</summary>
    public abstract TResult Run(long itemId);

    /// <inheritdoc />
    public sealed override TResult Run(BlockContext block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Run(block.Block.BlockId);
    }
}

/// <summary>Everything the per-block step of an operation gets: the block and the opened sources.</summary>
/// <param name="Block">The block: <see cref="BlockWithHalo.Outer"/> to read, <see cref="BlockWithHalo.Inner"/> to write.</param>
/// <param name="Inputs">The input sources, in the order the operation was given them.</param>
/// <param name="Outputs">The output sources.</param>
/// <param name="Mask">Optional mask (non-zero = process); blocks without any mask voxel are skipped before the step runs.</param>
/// <param name="Threads">
/// Threads the block's kernels may use (≥ 1): a local run of fewer blocks than workers shares the idle workers among
/// its blocks (one block of a two-worker run gets two threads); a worker process or Slurm task runs one thread per block.
/// </param>
public sealed record BlockContext(BlockWithHalo Block, IReadOnlyList<ISource> Inputs, IReadOnlyList<ISource> Outputs, ISource? Mask, int Threads = 1);

/// <summary>The result of one block of a reduce operation.</summary>
/// <param name="BlockId">The block.</param>
/// <param name="Value">Its result.</param>
/// <typeparam name="TResult">Result type.</typeparam>
public sealed record BlockResult<TResult>(long BlockId, TResult Value);
