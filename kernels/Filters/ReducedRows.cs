using System.Numerics;

namespace BioImage.Kernels;

/// <summary>A per-voxel fold over the terms of a filter bank: Finish(Add(…Add(First(t0), t1)…, tn)).</summary>
/// <remarks>The vector and scalar members must perform the same operations so that lanes and tails agree bit for bit.</remarks>
internal interface ITermReduction<T>
    where T : unmanaged
{
    static abstract Vector<T> First(Vector<T> term);

    static abstract Vector<T> Add(Vector<T> sum, Vector<T> term);

    static abstract Vector<T> Finish(Vector<T> sum);

    static abstract T First(T term);

    static abstract T Add(T sum, T term);

    static abstract T Finish(T sum);
}

/// <summary>Writes the <typeparamref name="TReduction"/> of each voxel's terms into one output.</summary>
internal readonly struct ReducedRows<T, TReduction>(Memory3D<T> output) : IRowCombiner<T>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TReduction : struct, ITermReduction<T>
{
    public void Combine(ReadOnlySpan<T> terms, int width, int z, int y)
    {
        var destination = output.Span.GetRowSpan(z, y);
        int count = terms.Length / width, i = 0;
        if (Simd<T>.IsAccelerated)
        {
            for (; i <= width - Vector<T>.Count; i += Vector<T>.Count)
            {
                var sum = TReduction.First(new Vector<T>(terms[i..]));
                for (int k = 1; k < count; k++)
                {
                    sum = TReduction.Add(sum, new Vector<T>(terms[((k * width) + i)..]));
                }

                TReduction.Finish(sum).CopyTo(destination[i..]);
            }
        }

        for (; i < width; i++)
        {
            T sum = TReduction.First(terms[i]);
            for (int k = 1; k < count; k++)
            {
                sum = TReduction.Add(sum, terms[(k * width) + i]);
            }

            destination[i] = TReduction.Finish(sum);
        }
    }
}
