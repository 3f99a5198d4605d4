using System.Collections.Concurrent;
using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Operations;

/// <summary>
/// Block-wise statistics of a volume — min, max, mean and (population) standard deviation — with bioimage-py's
/// semantics: every block reduces to <see cref="Moments"/>, and blocks merge with the parallel-variance update.
/// </summary>
/// <remarks>
/// Runs on local threads over a <see cref="Blocking"/>; the distributed runners reuse the same per-block step.
/// The merge is done in block-id order, so the result does not depend on the number of workers.
/// </remarks>
public static class Stats
{
    /// <summary>The moments of every voxel of <paramref name="input"/> (rank 1–3).</summary>
    /// <param name="input">The volume.</param>
    /// <param name="blockShape">Block extents, one per axis; null processes the volume as one block.</param>
    /// <param name="workers">Threads to use (≥ 1).</param>
    public static Moments Compute<T>(NdArray<T> input, ReadOnlySpan<long> blockShape, int workers)
        where T : unmanaged, INumber<T>
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (input.Rank is < 1 or > 3)
        {
            throw new ArgumentException($"stats supports arrays of 1 to 3 axes; the input has {input.Rank}.", nameof(input));
        }

        if (input.Length == 0)
        {
            throw new ArgumentException("stats needs at least one value; the input is empty.", nameof(input));
        }

        long[] shape = Array.ConvertAll(input.Shape.ToArray(), e => (long)e);
        var blocking = new Blocking(shape, blockShape.IsEmpty ? shape.Select(e => Math.Max(e, 1)).ToArray() : blockShape);
        var perBlock = new Moments[blocking.BlockCount];
        var options = new ParallelOptions { MaxDegreeOfParallelism = workers };
        Parallel.ForEach(Partitioner.Create(0, blocking.BlockCount), options, range =>
        {
            for (long id = range.Item1; id < range.Item2; id++)
            {
                perBlock[id] = Moments.Of(View3D(input, blocking.GetBlock(id)));
            }
        });

        return perBlock.Aggregate(Moments.Empty, (total, block) => total.Merge(block));
    }

    /// <summary>The part of a rank-1..3 array inside <paramref name="region"/> as a 3D view.</summary>
    internal static ReadOnlySpan3D<T> View3D<T>(NdArray<T> array, Region region)
        where T : unmanaged
    {
        int pad = 3 - array.Rank;
        Span<int> begin = stackalloc int[3];
        Span<int> extent = stackalloc int[3];
        for (int axis = 0; axis < 3; axis++)
        {
            begin[axis] = axis < pad ? 0 : (int)region.Begin[axis - pad];
            extent[axis] = axis < pad ? 1 : (int)region.Shape[axis - pad];
        }

        return array.AsSpan3D().Slice(begin[0], begin[1], begin[2], extent[0], extent[1], extent[2]);
    }
}
