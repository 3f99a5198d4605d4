using System.Numerics;

namespace BioImage.Kernels;

public static partial class Resampling
{
    /// <summary>Most voxels a mode-pooling block may hold (the block is gathered on the stack).</summary>
    private const int MaxModeBlock = 4096;

    /// <summary>
    /// Mode pooling of one slab: each block's values are gathered, sorted (insertion sort: blocks are small) and
    /// scanned for the longest run; the first longest run wins, which is the smallest of the tied values. O(b²) per
    /// block of b voxels at worst, O(b) when the block is one label (the common case in segmentations).
    /// </summary>
    private static void ModeSlab<T>(ReadOnlyMemory3D<T> inputMemory, Memory3D<T> outputMemory, Index3 factors, int z0, int z1, int y0, int y1)
        where T : unmanaged, INumber<T>
    {
        if ((long)factors.Z * factors.Y * factors.X > MaxModeBlock)
        {
            throw new ArgumentOutOfRangeException(nameof(factors), factors, $"Mode pooling blocks hold at most {MaxModeBlock} voxels.");
        }

        var input = inputMemory.Span;
        var output = outputMemory.Span;
        Span<T> block = stackalloc T[factors.Z * factors.Y * factors.X];
        for (int oz = z0; oz < z1; oz++)
        {
            int zBegin = oz * factors.Z, zEnd = Math.Min(zBegin + factors.Z, input.Depth);
            for (int oy = y0; oy < y1; oy++)
            {
                int yBegin = oy * factors.Y, yEnd = Math.Min(yBegin + factors.Y, input.Height);
                var destination = output.GetRowSpan(oz, oy);
                for (int ox = 0; ox < destination.Length; ox++)
                {
                    int xBegin = ox * factors.X, xCount = Math.Min(factors.X, input.Width - xBegin), count = 0;
                    for (int z = zBegin; z < zEnd; z++)
                    {
                        for (int y = yBegin; y < yEnd; y++)
                        {
                            input.GetRowSpan(z, y).Slice(xBegin, xCount).CopyTo(block[count..]);
                            count += xCount;
                        }
                    }

                    destination[ox] = Mode(block[..count]);
                }
            }
        }
    }

    /// <summary>The most frequent value of <paramref name="values"/> (sorted in place); ties go to the smallest.</summary>
    private static T Mode<T>(Span<T> values)
        where T : unmanaged, INumber<T>
    {
        T first = values[0];
        bool uniform = true;
        for (int i = 1; i < values.Length && uniform; i++)
        {
            uniform = values[i] == first;
        }

        if (uniform)
        {
            return first;
        }

        for (int i = 1; i < values.Length; i++)
        {
            T value = values[i];
            int j = i - 1;
            for (; j >= 0 && values[j] > value; j--)
            {
                values[j + 1] = values[j];
            }

            values[j + 1] = value;
        }

        T best = values[0];
        int bestCount = 0;
        for (int start = 0; start < values.Length;)
        {
            int end = start + 1;
            while (end < values.Length && values[end] == values[start])
            {
                end++;
            }

            if (end - start > bestCount)
            {
                bestCount = end - start;
                best = values[start];
            }

            start = end;
        }

        return best;
    }
}
