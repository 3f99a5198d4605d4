using BioImage.Kernels;

namespace BioImage.Throughput.Ops;

/// <summary>
/// A prepared op whose work splits into slabs of whole z-planes: one slab per thread, run in parallel, partial
/// results merged in slab order. With one thread the whole depth is one slab and no thread is started.
/// </summary>
/// <typeparam name="TPartial">What one slab yields (moments, a count; <see cref="ValueTuple"/> for none).</typeparam>
/// <param name="depth">Planes to split.</param>
/// <param name="voxels">Voxels one run processes.</param>
internal abstract class SlabRun<TPartial>(int depth, long voxels) : IPreparedOp
{
    /// <inheritdoc/>
    public long Voxels => voxels;

    /// <summary>The merged result of the last run.</summary>
    protected TPartial Last { get; private set; } = default!;

    /// <inheritdoc/>
    public void Run(int threads)
    {
        int slabs = Math.Clamp(threads, 1, depth);
        if (slabs == 1)
        {
            Last = RunSlab(0, depth);
            return;
        }

        var partials = new TPartial[slabs];
        Parallel.For(0, slabs, new ParallelOptions { MaxDegreeOfParallelism = slabs }, i =>
            partials[i] = RunSlab(depth * i / slabs, depth * (i + 1) / slabs));
        Last = partials.Aggregate(Merge);
    }

    /// <inheritdoc/>
    public abstract IReadOnlyDictionary<string, object> Result();

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }

    /// <summary>Planes [<paramref name="begin"/>, <paramref name="end"/>) of <paramref name="view"/>.</summary>
    protected static Span3D<T> Planes<T>(Span3D<T> view, int begin, int end) =>
        view.Slice(begin, 0, 0, end - begin, view.Height, view.Width);

    /// <summary>Runs the op on planes [<paramref name="begin"/>, <paramref name="end"/>).</summary>
    protected abstract TPartial RunSlab(int begin, int end);

    /// <summary>Combines the results of two consecutive slabs.</summary>
    protected abstract TPartial Merge(TPartial first, TPartial second);
}
