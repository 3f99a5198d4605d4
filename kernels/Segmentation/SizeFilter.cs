using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Removes objects by size — bioimage-py's <c>size_filter(min_size, max_size, relabel)</c>: labels with fewer than
/// <c>minSize</c> or more than <c>maxSize</c> voxels become 0; with <c>relabel</c> the surviving nonzero labels are
/// then numbered 1..K in increasing order (0 stays 0).
/// </summary>
/// <remarks>Two passes: <see cref="Unique.ValuesAndCounts{T}"/> for the sizes, then one <see cref="Relabel"/> pass. O(n).</remarks>
public static class SizeFilter
{
    /// <summary>Applies the filter; returns how many nonzero labels survive.</summary>
    /// <param name="input">Integer labels.</param>
    /// <param name="output">Same shape; may be the input's memory.</param>
    /// <param name="minSize">Smallest size kept (null: no lower bound).</param>
    /// <param name="maxSize">Largest size kept (null: no upper bound).</param>
    /// <param name="relabel">Number the survivors 1..K.</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1).</param>
    public static long Apply<T>(ReadOnlySpan3D<T> input, Span3D<T> output, long? minSize = null, long? maxSize = null, bool relabel = true, int degreeOfParallelism = 1)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (minSize is null && maxSize is null)
        {
            throw new ArgumentException("Give minSize, maxSize or both.", nameof(minSize));
        }

        input.Layout.CheckSameShape(output.Layout, nameof(output));
        var (labels, sizes) = Unique.ValuesAndCounts(input, degreeOfParallelism);
        var (newLabels, kept) = NewLabels(labels, sizes, minSize, maxSize, relabel);
        Relabel.WithSortedMap(input, labels, newLabels, output, default, degreeOfParallelism);
        return kept;
    }

    /// <summary>
    /// The new label of each of the sorted distinct <paramref name="labels"/> with <paramref name="sizes"/> voxels
    /// (e.g. the merged <see cref="Unique"/> of a volume's blocks) and how many nonzero labels survive.
    /// </summary>
    /// <exception cref="ArgumentException">Neither bound is given, or the arrays differ in length.</exception>
    public static (T[] NewLabels, long Kept) NewLabels<T>(ReadOnlySpan<T> labels, ReadOnlySpan<long> sizes, long? minSize, long? maxSize, bool relabel = true)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (minSize is null && maxSize is null)
        {
            throw new ArgumentException("Give minSize, maxSize or both.", nameof(minSize));
        }

        if (labels.Length != sizes.Length)
        {
            throw new ArgumentException($"{labels.Length} labels but {sizes.Length} sizes.", nameof(sizes));
        }

        var newLabels = new T[labels.Length];
        long kept = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            bool keep = labels[i] != T.Zero && sizes[i] >= (minSize ?? long.MinValue) && sizes[i] <= (maxSize ?? long.MaxValue);
            newLabels[i] = !keep ? T.Zero : relabel ? T.CreateChecked(++kept) : labels[i];
            kept += !relabel && keep ? 1 : 0;
        }

        return (newLabels, kept);
    }
}
