using System.Numerics;

namespace BioImage.Kernels;

public static partial class Relabel
{
    /// <summary>
    /// Renumbers the labels consecutively — bioimage-py's <c>relabel_consecutive(start_label, keep_zeros)</c>: the
    /// sorted distinct values (0 included) map to <paramref name="startLabel"/>, <paramref name="startLabel"/>+1, …;
    /// with <paramref name="keepZeros"/> a present 0 then maps to 0 (so with <c>startLabel = 1</c> the other labels
    /// start at 2, and with <c>startLabel = 0</c> and no 0 present the smallest label becomes 0, as upstream).
    /// </summary>
    /// <param name="input">Integer labels.</param>
    /// <param name="output">Same shape; may be the input's memory when the types match.</param>
    /// <param name="startLabel">The first new label.</param>
    /// <param name="keepZeros">Keep background 0 as 0.</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1).</param>
    /// <returns>The largest new label (0 for an empty image) and the mapping as sorted old labels with their new labels.</returns>
    /// <exception cref="OverflowException">The new labels do not fit in <typeparamref name="TOut"/>.</exception>
    public static (TOut MaxLabel, TIn[] OldLabels, TOut[] NewLabels) Consecutive<TIn, TOut>(ReadOnlySpan3D<TIn> input, Span3D<TOut> output, TOut startLabel = default, bool keepZeros = true, int degreeOfParallelism = 1)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        input.Layout.CheckSameShape(output.Layout, nameof(output));
        var oldLabels = Unique.Values(input, degreeOfParallelism);
        var (newLabels, maxLabel) = ConsecutiveLabels(oldLabels, startLabel, keepZeros);
        WithSortedMap(input, oldLabels, newLabels, output, default, degreeOfParallelism);
        return (maxLabel, oldLabels, newLabels);
    }

    /// <summary>
    /// The new labels <see cref="Consecutive{TIn, TOut}"/> gives the sorted distinct labels <paramref name="oldLabels"/>
    /// (e.g. the merged <see cref="Unique"/> of a volume's blocks), and the largest of them (0 when there are none).
    /// </summary>
    /// <exception cref="OverflowException">The new labels do not fit in <typeparamref name="TOut"/>.</exception>
    public static (TOut[] NewLabels, TOut MaxLabel) ConsecutiveLabels<TIn, TOut>(ReadOnlySpan<TIn> oldLabels, TOut startLabel = default, bool keepZeros = true)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        var newLabels = new TOut[oldLabels.Length];
        TOut maxLabel = TOut.Zero;
        for (int i = 0; i < oldLabels.Length; i++)
        {
            newLabels[i] = keepZeros && oldLabels[i] == TIn.Zero ? TOut.Zero : checked(startLabel + TOut.CreateChecked(i));
            maxLabel = i == 0 ? newLabels[i] : TOut.Max(maxLabel, newLabels[i]);
        }

        return (newLabels, maxLabel);
    }
}
