using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Binarization <c>destination[i] = source[i] &gt; threshold</c> — bioimage-py's threshold wrapper and the
/// foreground test of connected components. O(n), no allocation.
/// </summary>
public static class Threshold
{
    /// <summary>Writes true where <c>source &gt; threshold</c> and returns how many voxels were true.</summary>
    public static long GreaterThan<T>(ReadOnlySpan3D<T> source, T threshold, Span3D<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (source.Depth != destination.Depth || source.Height != destination.Height || source.Width != destination.Width)
        {
            throw new ArgumentException($"Shape mismatch: source is ({source.Depth}, {source.Height}, {source.Width}), destination is ({destination.Depth}, {destination.Height}, {destination.Width}).", nameof(destination));
        }

        long count = 0;
        for (int z = 0; z < source.Depth; z++)
        {
            for (int y = 0; y < source.Height; y++)
            {
                count += GreaterThan(source.GetRowSpan(z, y), threshold, destination.GetRowSpan(z, y));
            }
        }

        return count;
    }

    /// <summary>Writes true where <c>source &gt; threshold</c> and returns how many were true.</summary>
    public static int GreaterThan<T>(ReadOnlySpan<T> source, T threshold, Span<bool> destination)
        where T : unmanaged, INumber<T>
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements; source has {source.Length}.", nameof(destination));
        }

        int count = 0;
        for (int i = 0; i < source.Length; i++)
        {
            bool above = source[i] > threshold;
            destination[i] = above;
            count += above ? 1 : 0;
        }

        return count;
    }
}
