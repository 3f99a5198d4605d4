namespace BioImage.Kernels;

/// <summary>
/// Splits an output of <c>planes × rows</c> into at most <c>degreeOfParallelism</c> contiguous slabs — of planes, or
/// of rows when there are fewer planes than threads — and runs them with <see cref="ParallelChunks"/> (inline for one
/// slab).
/// </summary>
/// <remarks>
/// Kernels start no threads of their own beyond this: the caller's degree of parallelism is the exact number of
/// concurrent workers. Each slab's worker rents its scratch once. Results must not depend on the split.
/// </remarks>
internal static class ParallelSlabs
{
    /// <summary>Calls <paramref name="slab"/>(z0, z1, y0, y1) for each slab.</summary>
    public static void Run(int planes, int rows, int degreeOfParallelism, Action<int, int, int, int> slab)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degreeOfParallelism);
        if (planes <= 0 || rows <= 0)
        {
            return;
        }

        bool splitPlanes = planes >= degreeOfParallelism || planes > rows;
        ParallelChunks.For(splitPlanes ? planes : rows, degreeOfParallelism, (_, begin, end) =>
        {
            if (splitPlanes)
            {
                slab(begin, end, 0, rows);
            }
            else
            {
                slab(0, planes, begin, end);
            }
        });
    }
}
