using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Runs of equal values in an image row — label images are mostly long runs of one id (background, object
/// interiors), so counting and relabelling per run instead of per voxel turns a dependent read-modify-write per
/// voxel into one vectorized scan (<see cref="MemoryExtensions.IndexOfAnyExcept{T}(ReadOnlySpan{T}, T)"/>) per run.
/// Runs of up to four elements are measured with scalar comparisons.
/// </summary>
internal static class EqualRuns
{
    /// <summary>Elements compared one by one before the vectorized scan takes over.</summary>
    private const int ScalarLength = 4;

    /// <summary>How many elements from <paramref name="start"/> on equal <c>row[start]</c> (at least 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<T>(ReadOnlySpan<T> row, int start)
        where T : IEquatable<T>
    {
        // Short runs (noise, thin objects) are measured element by element; a vectorized scan pays from the 5th on.
        T value = row[start];
        int end = Math.Min(row.Length, start + ScalarLength);
        int next = start + 1;
        while (next < end && row[next].Equals(value))
        {
            next++;
        }

        if (next < end || next == row.Length)
        {
            return next - start;
        }

        int other = row[next..].IndexOfAnyExcept(value);
        return other < 0 ? row.Length - start : next - start + other;
    }
}
