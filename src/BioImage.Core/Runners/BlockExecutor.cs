using System.Numerics;
using BioImage.Kernels;
using BioImage.Sources;

namespace BioImage.Runners;

/// <summary>The single per-block path every backend shares (bioimage-py's <c>run_block</c>).</summary>
internal static class BlockExecutor
{
    /// <summary>Runs <paramref name="step"/> on block <paramref name="blockId"/> with <paramref name="threads"/> kernel threads; returns false when the mask skipped it.</summary>
    public static bool TryRun(BlockStep step, Blocking blocking, long blockId, long[] halo, IReadOnlyList<ISource> inputs, IReadOnlyList<ISource> outputs, ISource? mask, int threads, out object? result)
    {
        var block = blocking.GetBlockWithHalo(blockId, halo);
        if (mask is not null && !mask.DType.Dispatch(new AnyNonZero(mask, block.Inner)))
        {
            result = null;
            return false;
        }

        result = step.Execute(new BlockContext(block, inputs, outputs, mask, threads));
        return true;
    }

    private sealed class AnyNonZero(ISource mask, Region region) : IDTypeFunc<bool>
    {
        public bool Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var buffer = NdArray<T>.Allocate(region.GetShapeAsInt32(), clear: false);
            mask.Read(region, RegionView.Of(buffer, Region.FromShape(region.Shape)));
            return buffer.Span.ContainsAnyExcept(T.Zero);
        }
    }
}
