using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

public static partial class Resampling
{
    /// <summary>
    /// Integer-factor pooling: output voxel (z, y, x) reduces the input block [z·fz, (z+1)·fz) × [y·fy, …) × [x·fx, …)
    /// with <paramref name="method"/>. The output shape is ceil(input / factor) per axis; blocks at the far edges
    /// that stick out of the input reduce only the voxels that exist (a mean divides by their count).
    /// </summary>
    /// <remarks>
    /// <para>Block-wise: an output box starting at a multiple of the factors reads exactly the input box
    /// [begin·f, min(end·f, n)) — no halo — and the result is exact. Integer results are exact (mean = floor(sum /
    /// count) with a 128-bit sum); floating-point means sum in input order.</para>
    /// <para>Algorithm: per output row, the fz·fy input rows are folded element-wise into one row (SIMD), then each
    /// run of fx elements is folded to one output. Factors (2, 2, 2) on uint8/uint16 means and every max/min take a
    /// SIMD path that also folds the pairs along x inside the registers (the bytes of two neighbours read as one
    /// 16-bit lane). Mode gathers each block and counts runs after sorting (see <see cref="PoolingMethod.Mode"/>).
    /// O(input voxels); scratch of one row per thread.</para>
    /// </remarks>
    public static void Pool<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, Index3 factors, PoolingMethod method, int degreeOfParallelism = 1)
        where T : unmanaged, INumber<T>
    {
        var shape = new Index3(input.Depth, input.Height, input.Width);
        for (int axis = 0; axis < 3; axis++)
        {
            if (factors[axis] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(factors), factors, "Pooling factors must be at least 1 on every axis.");
            }
        }

        var expected = PooledShape(shape, factors);
        if (expected != new Index3(output.Depth, output.Height, output.Width))
        {
            throw new ArgumentException($"Pooling input of shape {shape} by {factors} gives shape {expected}; the output has shape ({output.Depth}, {output.Height}, {output.Width}).", nameof(output));
        }

        if (!Enum.IsDefined(method))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown pooling method.");
        }

        ParallelSlabs.Run(output.Depth, output.Height, degreeOfParallelism, (z0, z1, y0, y1) =>
        {
            if (method == PoolingMethod.Mode)
            {
                ModeSlab(input, output, factors, z0, z1, y0, y1);
            }
            else
            {
                ReduceSlab(input, output, factors, method, z0, z1, y0, y1);
            }
        });
    }

    /// <summary>ceil(shape / factors) per axis: the output shape of <see cref="Pool{T}"/> (bioimage-py's downscale_shape).</summary>
    public static Index3 PooledShape(Index3 shape, Index3 factors) =>
        new(CeilDiv(shape.Z, factors.Z), CeilDiv(shape.Y, factors.Y), CeilDiv(shape.X, factors.X));

    private static int CeilDiv(int value, int divisor) => (value / divisor) + (value % divisor != 0 ? 1 : 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReduceSlab<T>(ReadOnlyMemory3D<T> inputMemory, Memory3D<T> outputMemory, Index3 factors, PoolingMethod method, int z0, int z1, int y0, int y1)
        where T : unmanaged, INumber<T>
    {
        var input = inputMemory.Span;
        var output = outputMemory.Span;
        bool integerMean = method == PoolingMethod.Mean && !IsFloatingPoint<T>();
        var folded = ArrayPool<T>.Shared.Rent(input.Width);
        var sums = integerMean ? ArrayPool<Int128>.Shared.Rent(input.Width) : [];
        try
        {
            for (int oz = z0; oz < z1; oz++)
            {
                int zBegin = oz * factors.Z, zEnd = Math.Min(zBegin + factors.Z, input.Depth);
                int wholeRowsEnd = Math.Min(y1, input.Height / factors.Y); // rows whose input blocks are whole in y
                int fast = PairPool.TryRows(input, zBegin, zEnd, output, oz, y0, wholeRowsEnd, factors, method);
                for (int oy = y0; oy < y1; oy++)
                {
                    int yBegin = oy * factors.Y, yEnd = Math.Min(yBegin + factors.Y, input.Height);
                    var destination = output.GetRowSpan(oz, oy);
                    int done = oy < wholeRowsEnd ? fast : 0;
                    if (done == destination.Length)
                    {
                        continue;
                    }

                    // Fold the block's rows element-wise, from the first column the fast path left.
                    int columnBegin = done * factors.X;
                    int columns = input.Width - columnBegin;
                    var row = folded.AsSpan(0, columns);
                    var wide = integerMean ? sums.AsSpan(0, columns) : default;
                    bool first = true;
                    for (int z = zBegin; z < zEnd; z++)
                    {
                        for (int y = yBegin; y < yEnd; y++)
                        {
                            var source = input.GetRowSpan(z, y)[columnBegin..];
                            if (integerMean)
                            {
                                AddWide(source, wide, first);
                            }
                            else
                            {
                                Fold(source, row, method, first);
                            }

                            first = false;
                        }
                    }

                    int rows = (zEnd - zBegin) * (yEnd - yBegin);
                    for (int ox = done; ox < destination.Length; ox++)
                    {
                        int xBegin = (ox * factors.X) - columnBegin, count = Math.Min(factors.X, columns - xBegin);
                        destination[ox] = integerMean
                            ? FloorMean<T>(wide.Slice(xBegin, count), rows * count)
                            : FoldRun(row.Slice(xBegin, count), method, rows * count);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(folded);
            if (integerMean)
            {
                ArrayPool<Int128>.Shared.Return(sums);
            }
        }
    }

    private static bool IsFloatingPoint<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half);

    /// <summary>accumulator = first ? source : accumulator ⊕ source, element-wise (⊕ = +, max or min).</summary>
    private static void Fold<T>(ReadOnlySpan<T> source, Span<T> accumulator, PoolingMethod method, bool first)
        where T : unmanaged, INumber<T>
    {
        if (first)
        {
            source[..accumulator.Length].CopyTo(accumulator);
            return;
        }

        int i = 0;
        if (Simd<T>.IsAccelerated)
        {
            for (; i <= accumulator.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var a = new Vector<T>(accumulator[i..]);
                var b = new Vector<T>(source[i..]);
                var r = method switch
                {
                    PoolingMethod.Max => Vector.Max(a, b),
                    PoolingMethod.Min => Vector.Min(a, b),
                    _ => a + b,
                };
                r.CopyTo(accumulator[i..]);
            }
        }

        for (; i < accumulator.Length; i++)
        {
            accumulator[i] = Combine(accumulator[i], source[i], method);
        }
    }

    private static T Combine<T>(T a, T b, PoolingMethod method)
        where T : unmanaged, INumber<T> => method switch
        {
            PoolingMethod.Max => T.Max(a, b),
            PoolingMethod.Min => T.Min(a, b),
            _ => a + b,
        };

    /// <summary>Folds a run of already-folded columns; a floating-point mean divides by <paramref name="count"/>.</summary>
    private static T FoldRun<T>(ReadOnlySpan<T> run, PoolingMethod method, int count)
        where T : unmanaged, INumber<T>
    {
        T value = run[0];
        for (int i = 1; i < run.Length; i++)
        {
            value = Combine(value, run[i], method);
        }

        return method == PoolingMethod.Mean ? value / T.CreateTruncating(count) : value;
    }

    private static void AddWide<T>(ReadOnlySpan<T> source, Span<Int128> sums, bool first)
        where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < sums.Length; i++)
        {
            var value = Int128.CreateTruncating(source[i]);
            sums[i] = first ? value : sums[i] + value;
        }
    }

    /// <summary>floor(Σ run / count), rounding toward −∞ for negative sums.</summary>
    private static T FloorMean<T>(ReadOnlySpan<Int128> run, int count)
        where T : unmanaged, INumber<T>
    {
        Int128 sum = 0;
        foreach (var value in run)
        {
            sum += value;
        }

        var (quotient, remainder) = Int128.DivRem(sum, count);
        return T.CreateTruncating(remainder < 0 ? quotient - 1 : quotient);
    }
}
