using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Runs of equal values in an image row — label images are mostly long runs of one id (background, object
/// interiors), so counting and relabelling per run instead of per voxel turns a dependent read-modify-write per
/// voxel into one vectorized scan (<see cref="MemoryExtensions.IndexOfAnyExcept{T}(ReadOnlySpan{T}, T)"/>) per run.
/// A run of one costs a single extra comparison.
/// </summary>
internal static class EqualRuns
{
    /// <summary>How many elements from <paramref name="start"/> on equal <c>row[start]</c> (at least 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<T>(ReadOnlySpan<T> row, int start)
        where T : IEquatable<T>
    {
        T value = row[start];
        if (start + 1 >= row.Length || !row[start + 1].Equals(value))
        {
            return 1;
        }

        int other = row[(start + 2)..].IndexOfAnyExcept(value);
        return other < 0 ? row.Length - start : other + 2;
    }
}
