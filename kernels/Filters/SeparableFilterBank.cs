using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>Per-axis Gaussian derivative orders of one filtered output, (z, y, x).</summary>
internal readonly record struct DerivativeOrders(int Z, int Y, int X)
{
    public int this[int axis] => axis switch { 0 => Z, 1 => Y, _ => X };
}

/// <summary>
/// Receives, for every output row, the filtered rows of all terms of a <see cref="SeparableFilterBank{T}"/> and
/// writes the output row(s) — the per-voxel part of a filter (squares and sums, eigenvalues, …).
/// </summary>
internal interface IRowCombiner<T>
{
    /// <summary>Combines the term rows (term t at <c>terms[t·width .. (t+1)·width)</c>) into output row (z, y).</summary>
    void Combine(ReadOnlySpan<T> terms, int width, int z, int y);
}

/// <summary>
/// Several separable Gaussian-derivative filters of one input computed together, sharing every pass they have in
/// common, with all intermediates kept in cache-sized buffers.
/// </summary>
/// <remarks>
/// <para><b>Algorithm.</b> Separable convolution, z pass → y pass → x pass, fused per output plane. For each output
/// plane, each distinct z kernel is applied to the needed rows of the plane (vectorized across x; the z taps are
/// whole rows of 2r+1 input planes) into a plane buffer. Then, per output row, each distinct (z, y) kernel pair is
/// applied to those rows (again whole rows, vectorized across x) into one padded row buffer whose margins receive the
/// border extension, and each term's x kernel runs along that row (vectorized along x with unaligned loads). The
/// combiner turns the term rows into output rows. Terms that share a z kernel share its pass, and terms that share a
/// (z, y) pair share the y pass too: the 6 Hessian entries cost 3 z + 6 y + 6 x passes instead of 18. The z and y
/// passes accumulate a few taps per sweep over the row (<see cref="WeightedRowSum.ApplyByTap{T}"/>): rows of
/// power-of-two strides would otherwise collide in the same cache sets. Cost O(N · Σ taps) for N output voxels; the
/// input streams from memory once (the 2r+1 planes a z pass reads stay in the last-level cache while the plane index
/// advances), each output is written once, and every intermediate stays in a plane and a few row buffers.</para>
/// <para><b>Borders.</b> Every tap index is mapped with <see cref="BorderIndex.Map"/> against the input view, so the
/// intermediate rows are computed only where real input exists and the extension is applied per pass, as scipy does.
/// Along z and y a <see cref="BorderMode.Constant"/> tap outside the input contributes <c>cval · w</c> through the
/// bias; along x the padded row holds cval.</para>
/// <para><b>Threads.</b> The output is split into <c>degreeOfParallelism</c> slabs of planes (or of rows when there
/// are fewer planes); each worker rents its scratch once. Arithmetic per voxel does not depend on the split.</para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class SeparableFilterBank<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly AxisKernel<T>?[][] _kernels; // per axis: distinct kernels; null = the axis is not filtered
    private readonly (int Z, int Y, int X)[] _terms; // indices into _kernels per axis
    private readonly (int Z, int Y)[] _pairs;
    private readonly int[] _termPair;
    private readonly int[] _radius;
    private readonly int[] _planeBuffer; // per z kernel: index of its plane buffer, −1 when z is not filtered
    private readonly BorderMode _mode;
    private readonly T _cval;

    public SeparableFilterBank(in FilterOptions options, ReadOnlySpan<DerivativeOrders> terms)
    {
        options.Validate();
        _mode = options.Mode;
        _cval = T.CreateChecked(options.Cval);
        var kernels = new List<(int Order, AxisKernel<T>? Kernel)>[3];
        _terms = new (int, int, int)[terms.Length];
        for (int axis = 0; axis < 3; axis++)
        {
            kernels[axis] = [];
        }

        Span<int> index = stackalloc int[3];
        for (int t = 0; t < terms.Length; t++)
        {
            for (int axis = 0; axis < 3; axis++)
            {
                int order = terms[t][axis];
                if (!options.Filters(axis) && order != 0)
                {
                    throw new ArgumentException($"A derivative of order {order} along axis {axis} needs σ > 0 there{(options.Rank == 2 && axis == 0 ? " and rank 3" : string.Empty)}.", nameof(options));
                }

                int found = kernels[axis].FindIndex(k => k.Order == order);
                if (found < 0)
                {
                    found = kernels[axis].Count;
                    kernels[axis].Add((order, options.Filters(axis) ? AxisKernel<T>.Gaussian(options.Sigma[axis], order, options.Truncate) : null));
                }

                index[axis] = found;
            }

            _terms[t] = (index[0], index[1], index[2]);
        }

        _kernels = [.. kernels.Select(list => list.Select(k => k.Kernel).ToArray())];
        _radius = [.. _kernels.Select(list => list.Max(k => k?.Radius ?? 0))];
        var pairs = new List<(int, int)>();
        _termPair = new int[terms.Length];
        for (int t = 0; t < _terms.Length; t++)
        {
            var pair = (_terms[t].Z, _terms[t].Y);
            int found = pairs.IndexOf(pair);
            if (found < 0)
            {
                found = pairs.Count;
                pairs.Add(pair);
            }

            _termPair[t] = found;
        }

        _pairs = [.. pairs];
        _planeBuffer = new int[_kernels[0].Length];
        int buffers = 0;
        for (int k = 0; k < _kernels[0].Length; k++)
        {
            _planeBuffer[k] = _kernels[0][k] is null ? -1 : buffers++;
        }
    }

    /// <summary>Number of filtered terms handed to the combiner per row.</summary>
    public int TermCount => _terms.Length;

    /// <summary>
    /// Filters the box of <paramref name="outputShape"/> starting at <paramref name="origin"/> of
    /// <paramref name="input"/>, handing each output row's terms to <paramref name="combiner"/>.
    /// </summary>
    public void Run<TCombiner>(ReadOnlyMemory3D<T> input, Index3 origin, Index3 outputShape, TCombiner combiner, int degreeOfParallelism)
        where TCombiner : struct, IRowCombiner<T> =>
        Run(input, origin, outputShape, default, combiner, degreeOfParallelism);

    /// <summary>Filters a single-term bank straight into <paramref name="output"/> (no combiner, no term copy).</summary>
    public void RunDirect(ReadOnlyMemory3D<T> input, Index3 origin, Memory3D<T> output, int degreeOfParallelism)
    {
        if (_terms.Length != 1)
        {
            throw new InvalidOperationException($"Only a single-term bank writes directly; this one has {_terms.Length} terms.");
        }

        Run(input, origin, new Index3(output.Depth, output.Height, output.Width), output, default(NoCombiner), degreeOfParallelism);
    }

    private void Run<TCombiner>(ReadOnlyMemory3D<T> input, Index3 origin, Index3 outputShape, Memory3D<T> direct, TCombiner combiner, int degreeOfParallelism)
        where TCombiner : struct, IRowCombiner<T>
    {
        CheckRegion(input, origin, outputShape);
        if (outputShape.X == 0)
        {
            return;
        }

        ParallelSlabs.Run(outputShape.Z, outputShape.Y, degreeOfParallelism, (z0, z1, y0, y1) =>
            RunChunk(input, origin, outputShape, z0, z1, y0, y1, direct, combiner));
    }

    private static void CheckRegion(ReadOnlyMemory3D<T> input, Index3 origin, Index3 shape)
    {
        var extent = new Index3(input.Depth, input.Height, input.Width);
        for (int axis = 0; axis < 3; axis++)
        {
            if (origin[axis] < 0 || shape[axis] < 0 || (long)origin[axis] + shape[axis] > extent[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(origin), $"The output box at {origin} of shape {shape} does not fit in the input of shape {extent} (axis {axis}).");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChunk<TCombiner>(ReadOnlyMemory3D<T> inputMemory, Index3 origin, Index3 shape, int z0, int z1, int y0, int y1, Memory3D<T> directMemory, TCombiner combiner)
        where TCombiner : struct, IRowCombiner<T>
    {
        var input = inputMemory.Span;
        var direct = directMemory.Span;
        bool writesDirectly = !directMemory.IsEmpty;
        int width = shape.X;

        // x: the padded row covers virtual columns [vx0, vx1) and the real columns [loX, hiX) the margins copy from.
        int rx = _radius[2];
        long vx0 = (long)origin.X - rx, vx1 = (long)origin.X + width + rx;
        var (loX, hiX) = BorderIndex.Reach(vx0, vx1, input.Width, _mode, origin.X, origin.X + width);
        int u0 = (int)Math.Min(vx0, loX), rowLength = (int)(Math.Max(vx1, hiX) - u0), columns = hiX - loX;

        // y: the rows of the plane buffer are the real rows this chunk's y taps read.
        int ry = _radius[1];
        var (loY, hiY) = BorderIndex.Reach((long)origin.Y + y0 - ry, (long)origin.Y + y1 + ry, input.Height, _mode, origin.Y + y0, origin.Y + y1);
        int planeRows = hiY - loY;

        var zKernels = _kernels[0];
        int planeLength = planeRows * columns;
        int zBuffers = zKernels.Count(k => k is not null);
        int maxTaps = (2 * Math.Max(_radius[0], Math.Max(_radius[1], rx))) + 1;
        long scratchLength = ((long)zBuffers * planeLength) + ((long)_pairs.Length * rowLength) + ((long)_terms.Length * width) + maxTaps;
        var scratch = ArrayPool<T>.Shared.Rent(checked((int)scratchLength));
        var offsetsArray = ArrayPool<nint>.Shared.Rent(maxTaps);
        try
        {
            var planes = scratch.AsSpan(0, zBuffers * planeLength);
            var rows = scratch.AsSpan(planes.Length, _pairs.Length * rowLength);
            var terms = scratch.AsSpan(planes.Length + rows.Length, _terms.Length * width);
            var weights = scratch.AsSpan(planes.Length + rows.Length + terms.Length, maxTaps);
            var offsets = offsetsArray.AsSpan(0, maxTaps);
            ref readonly T inputBase = ref input.DangerousGetReferenceAt(0, 0, 0);

            for (int z = z0; z < z1; z++)
            {
                int zi = origin.Z + z;

                // z pass: every distinct z kernel over rows [loY, hiY), columns [loX, hiX) of plane zi.
                int buffer = 0;
                foreach (var kernel in zKernels)
                {
                    if (kernel is null)
                    {
                        continue;
                    }

                    var plane = planes.Slice(buffer++ * planeLength, planeLength);
                    var taps = Taps(kernel, zi, input.Depth, input.StrideZ, 0, offsets, weights, out var symmetry, out T bias);
                    for (int row = loY; row < hiY; row++)
                    {
                        ref readonly T start = ref Unsafe.Add(ref Unsafe.AsRef(in inputBase), ((nint)row * input.StrideY) + loX);
                        WeightedRowSum.ApplyByTap(in start, offsets[..taps], weights[..taps], symmetry, bias, plane.Slice((row - loY) * columns, columns));
                    }
                }

                for (int y = y0; y < y1; y++)
                {
                    int yi = origin.Y + y;

                    // y pass: every distinct (z, y) kernel pair into its padded row.
                    for (int p = 0; p < _pairs.Length; p++)
                    {
                        var (zIndex, yIndex) = _pairs[p];
                        var row = rows.Slice(p * rowLength, rowLength);
                        var real = row.Slice(loX - u0, columns);
                        int zBuffer = _planeBuffer[zIndex];
                        bool fromInput = zBuffer < 0;
                        ref readonly T source = ref fromInput
                            ? ref Unsafe.Add(ref Unsafe.AsRef(in inputBase), ((nint)zi * input.StrideZ) + loX)
                            : ref planes[zBuffer * planeLength];
                        int rowStride = fromInput ? input.StrideY : columns;
                        int rowShift = fromInput ? 0 : loY;
                        var kernel = _kernels[1][yIndex];
                        if (kernel is null)
                        {
                            MemoryMarshal.CreateReadOnlySpan(in Unsafe.Add(ref Unsafe.AsRef(in source), (nint)(yi - rowShift) * rowStride), columns).CopyTo(real);
                        }
                        else
                        {
                            int taps = Taps(kernel, yi, input.Height, rowStride, rowShift, offsets, weights, out var symmetry, out T bias);
                            WeightedRowSum.ApplyByTap(in source, offsets[..taps], weights[..taps], symmetry, bias, real);
                        }

                        if (rx > 0)
                        {
                            FillMargins(row, u0, vx0, vx1, input.Width);
                        }
                    }

                    // x pass: each term's x kernel along its pair's padded row.
                    for (int t = 0; t < _terms.Length; t++)
                    {
                        var row = rows.Slice(_termPair[t] * rowLength, rowLength);
                        var destination = writesDirectly ? direct.GetRowSpan(z, y) : terms.Slice(t * width, width);
                        var kernel = _kernels[2][_terms[t].X];
                        if (kernel is null)
                        {
                            row.Slice(origin.X - u0, width).CopyTo(destination);
                        }
                        else
                        {
                            int r = kernel.Radius;
                            for (int k = 0; k <= 2 * r; k++)
                            {
                                offsets[k] = k;
                            }

                            WeightedRowSum.Apply(in row[origin.X - r - u0], offsets[..((2 * r) + 1)], kernel.Weights, kernel.Symmetry, T.Zero, destination);
                        }
                    }

                    if (!writesDirectly)
                    {
                        combiner.Combine(terms, width, z, y);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<nint>.Shared.Return(offsetsArray);
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Offsets and weights of the taps of output position <paramref name="centre"/> along an axis of
    /// <paramref name="length"/> whose rows are <paramref name="stride"/> apart, the first stored row being
    /// <paramref name="shift"/>. Taps in the constant border are folded into <paramref name="bias"/>.
    /// </summary>
    private int Taps(AxisKernel<T> kernel, int centre, int length, int stride, int shift, Span<nint> offsets, Span<T> weights, out KernelSymmetry symmetry, out T bias)
    {
        int r = kernel.Radius, count = 0;
        bias = T.Zero;
        symmetry = kernel.Symmetry;
        for (int k = 0; k <= 2 * r; k++)
        {
            int m = BorderIndex.Map((long)centre - r + k, length, _mode);
            if (m < 0)
            {
                bias += _cval * kernel.Weights[k];
                symmetry = KernelSymmetry.General;
                continue;
            }

            offsets[count] = (nint)(m - shift) * stride;
            weights[count++] = kernel.Weights[k];
        }

        return count;
    }

    /// <summary>Writes the border extension into the padded row's virtual columns outside the input.</summary>
    private void FillMargins(Span<T> row, int u0, long vx0, long vx1, int length)
    {
        for (long v = vx0; v < Math.Min(vx1, 0); v++)
        {
            int m = BorderIndex.Map(v, length, _mode);
            row[(int)(v - u0)] = m < 0 ? _cval : row[m - u0];
        }

        for (long v = Math.Max(vx0, length); v < vx1; v++)
        {
            int m = BorderIndex.Map(v, length, _mode);
            row[(int)(v - u0)] = m < 0 ? _cval : row[m - u0];
        }
    }

    /// <summary>The combiner of a bank that writes directly: never called.</summary>
    private readonly struct NoCombiner : IRowCombiner<T>
    {
        public void Combine(ReadOnlySpan<T> terms, int width, int z, int y) => throw new InvalidOperationException("A direct bank has nothing to combine.");
    }
}
