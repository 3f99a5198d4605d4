using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// Resizing to a target shape (spline orders 0–5, optional anti-aliasing; see <see cref="ResizePlan"/>) and
/// integer-factor pooling (mean, max, min, mode).
/// </summary>
public static partial class Resampling
{
    /// <summary>
    /// Resizes the output box starting at global position <paramref name="outputOrigin"/> from an input view whose
    /// first voxel is global position <paramref name="inputOrigin"/>; the view must contain
    /// <see cref="ResizePlan.InputRegion"/> of the box.
    /// </summary>
    /// <remarks>
    /// Separable: a z pass per output plane over the needed input rows (whole rows, vectorized across x), a y pass per
    /// output row, then an x pass that gathers each output sample's taps. Each pass reads the plan's weight table, so
    /// the arithmetic per voxel is independent of the block and thread split. Orders ≥ 1 or anti-aliasing need float
    /// or double data; <c>ResizeNearest</c> handles order 0 exactly for any element type (this method
    /// forwards to it for nearest plans). Cost O(output voxels · taps) plus the z pass over the needed input rows.
    /// </remarks>
    public static void Resize<T>(ReadOnlyMemory3D<T> input, Index3 inputOrigin, Memory3D<T> output, Index3 outputOrigin, ResizePlan plan, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.IsNearest)
        {
            ResizeNearest(input, inputOrigin, output, outputOrigin, plan, degreeOfParallelism);
            return;
        }

        var region = LocalRegion(input, inputOrigin, output, outputOrigin, plan);
        var z = new AxisTaps<T>(plan.Axis(0), outputOrigin.Z, output.Depth, inputOrigin.Z);
        var y = new AxisTaps<T>(plan.Axis(1), outputOrigin.Y, output.Height, inputOrigin.Y);
        var x = new AxisTaps<T>(plan.Axis(2), outputOrigin.X, output.Width, inputOrigin.X);
        ParallelSlabs.Run(output.Depth, output.Height, degreeOfParallelism, (z0, z1, y0, y1) =>
            ResizeSlab(input, output, region, z, y, x, z0, z1, y0, y1));
    }

    /// <summary>Resizes a whole volume: the input is the plan's whole input, the output its whole output.</summary>
    public static void Resize<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, ResizePlan plan, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Resize(input, Index3.Zero, output, Index3.Zero, plan, degreeOfParallelism);

    /// <summary>
    /// Order-0 resize of any element type: each output voxel copies input voxel floor(c + 0.5) per axis (c = o·in/out,
    /// scipy's rounding), or cval beyond a <see cref="BorderMode.Constant"/> border. Exact: label-safe, no arithmetic.
    /// </summary>
    public static void ResizeNearest<T>(ReadOnlyMemory3D<T> input, Index3 inputOrigin, Memory3D<T> output, Index3 outputOrigin, ResizePlan plan, int degreeOfParallelism = 1)
        where T : unmanaged, INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!plan.IsNearest)
        {
            throw new ArgumentException($"ResizeNearest needs an order-0 plan without anti-aliasing; this plan has order {plan.Order}, anti-aliasing {plan.AntiAliasing}.", nameof(plan));
        }

        LocalRegion(input, inputOrigin, output, outputOrigin, plan);
        var z = NearestIndices(plan.Axis(0), outputOrigin.Z, output.Depth, inputOrigin.Z);
        var y = NearestIndices(plan.Axis(1), outputOrigin.Y, output.Height, inputOrigin.Y);
        var x = NearestIndices(plan.Axis(2), outputOrigin.X, output.Width, inputOrigin.X);
        T cval = T.CreateTruncating(plan.Cval);
        ParallelSlabs.Run(output.Depth, output.Height, degreeOfParallelism, (z0, z1, y0, y1) =>
        {
            var source = input.Span;
            var destination = output.Span;
            for (int oz = z0; oz < z1; oz++)
            {
                for (int oy = y0; oy < y1; oy++)
                {
                    var row = destination.GetRowSpan(oz, oy);
                    if (z[oz] < 0 || y[oy] < 0)
                    {
                        row.Fill(cval);
                        continue;
                    }

                    var from = source.GetRowSpan(z[oz], y[oy]);
                    for (int ox = 0; ox < row.Length; ox++)
                    {
                        row[ox] = x[ox] < 0 ? cval : from[x[ox]];
                    }
                }
            }
        });
    }

    /// <summary>Whole-volume order-0 resize of any element type.</summary>
    public static void ResizeNearest<T>(ReadOnlyMemory3D<T> input, Memory3D<T> output, ResizePlan plan, int degreeOfParallelism = 1)
        where T : unmanaged, INumberBase<T> =>
        ResizeNearest(input, Index3.Zero, output, Index3.Zero, plan, degreeOfParallelism);

    /// <summary>Local input index per output sample of an order-0 axis (−1: the constant border).</summary>
    private static int[] NearestIndices(ResampleAxis axis, int outputBegin, int count, int inputBegin)
    {
        var indices = new int[count];
        for (int o = 0; o < count; o++)
        {
            indices[o] = axis.Weights(outputBegin + o).IsEmpty ? -1 : axis.First(outputBegin + o) - inputBegin;
        }

        return indices;
    }

    /// <summary>Checks shapes and that the view holds the box's input region; returns that region in view coordinates.</summary>
    private static (Index3 Begin, Index3 End) LocalRegion<TIn, TOut>(ReadOnlyMemory3D<TIn> input, Index3 inputOrigin, Memory3D<TOut> output, Index3 outputOrigin, ResizePlan plan)
    {
        var outputEnd = new Index3(outputOrigin.Z + output.Depth, outputOrigin.Y + output.Height, outputOrigin.X + output.Width);
        var (begin, end) = plan.InputRegion(outputOrigin, outputEnd);
        var view = new Index3(input.Depth, input.Height, input.Width);
        for (int axis = 0; axis < 3; axis++)
        {
            if (end[axis] > begin[axis] && (begin[axis] < inputOrigin[axis] || end[axis] > inputOrigin[axis] + view[axis]))
            {
                throw new ArgumentException($"The input view at {inputOrigin} of shape {view} does not contain the input region [{begin}, {end}) that output box at {outputOrigin} of shape ({output.Depth}, {output.Height}, {output.Width}) reads (axis {axis}).", nameof(input));
            }
        }

        return (new Index3(begin.Z - inputOrigin.Z, begin.Y - inputOrigin.Y, begin.X - inputOrigin.X), new Index3(end.Z - inputOrigin.Z, end.Y - inputOrigin.Y, end.X - inputOrigin.X));
    }

    private static void ResizeSlab<T>(ReadOnlyMemory3D<T> inputMemory, Memory3D<T> outputMemory, (Index3 Begin, Index3 End) region, AxisTaps<T> z, AxisTaps<T> y, AxisTaps<T> x, int z0, int z1, int y0, int y1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var input = inputMemory.Span;
        var output = outputMemory.Span;
        int rowBegin = region.Begin.Y, rows = region.End.Y - rowBegin;
        int columnBegin = region.Begin.X, columns = region.End.X - columnBegin;
        int maxTaps = Math.Max(z.MaxTaps, y.MaxTaps);
        var scratch = ArrayPool<T>.Shared.Rent((z.IsIdentity ? 0 : rows * columns) + columns + maxTaps);
        var offsetScratch = ArrayPool<nint>.Shared.Rent(maxTaps);
        try
        {
            var plane = scratch.AsSpan(0, z.IsIdentity ? 0 : rows * columns);
            var row = scratch.AsSpan(plane.Length, columns);
            var weights = scratch.AsSpan(plane.Length + columns, maxTaps);
            var offsets = offsetScratch.AsSpan(0, maxTaps);
            for (int oz = z0; oz < z1; oz++)
            {
                // z pass into the plane buffer (rows [rowBegin, +rows), columns [columnBegin, +columns)), unless z is untouched.
                ref readonly T source = ref Unsafe.NullRef<T>();
                int rowStride, rowShift;
                if (z.IsIdentity)
                {
                    source = ref input.DangerousGetReferenceAt(z.First[oz], 0, columnBegin);
                    rowStride = input.StrideY;
                    rowShift = 0;
                }
                else
                {
                    int taps = z.Taps(oz, input.StrideZ, 0, offsets, weights);
                    for (int iy = 0; iy < rows; iy++)
                    {
                        WeightedRowSum.ApplyByTap(in input.DangerousGetReferenceAt(0, rowBegin + iy, columnBegin), offsets[..taps], weights[..taps], KernelSymmetry.General, z.Bias[oz], plane.Slice(iy * columns, columns));
                    }

                    source = ref plane[0];
                    rowStride = columns;
                    rowShift = rowBegin;
                }

                for (int oy = y0; oy < y1; oy++)
                {
                    ReadOnlySpan<T> filtered;
                    if (y.IsIdentity)
                    {
                        filtered = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(in Unsafe.Add(ref Unsafe.AsRef(in source), (nint)(y.First[oy] - rowShift) * rowStride), columns);
                    }
                    else
                    {
                        int taps = y.Taps(oy, rowStride, rowShift, offsets, weights);
                        WeightedRowSum.ApplyByTap(in source, offsets[..taps], weights[..taps], KernelSymmetry.General, y.Bias[oy], row);
                        filtered = row;
                    }

                    x.Gather(filtered, columnBegin, output.GetRowSpan(oz, oy));
                }
            }
        }
        finally
        {
            ArrayPool<nint>.Shared.Return(offsetScratch);
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>The weight table of one axis for the outputs of a block, in the view's coordinates and element type.</summary>
    private sealed class AxisTaps<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly int[] _start;
        private readonly T[] _weights;

        public AxisTaps(ResampleAxis axis, int outputBegin, int count, int inputBegin)
        {
            IsIdentity = axis.IsIdentity;
            First = new int[count];
            Bias = new T[count];
            _start = new int[count + 1];
            for (int o = 0; o < count; o++)
            {
                First[o] = axis.First(outputBegin + o) - inputBegin;
                Bias[o] = T.CreateTruncating(axis.Bias(outputBegin + o));
                _start[o + 1] = _start[o] + axis.Weights(outputBegin + o).Length;
                MaxTaps = Math.Max(MaxTaps, _start[o + 1] - _start[o]);
            }

            _weights = new T[_start[count]];
            for (int o = 0; o < count; o++)
            {
                axis.Weights(outputBegin + o, _weights.AsSpan(_start[o]));
            }
        }

        public bool IsIdentity { get; }

        /// <summary>First input index (view coordinates) of each output.</summary>
        public int[] First { get; }

        public T[] Bias { get; }

        public int MaxTaps { get; }

        /// <summary>Row offsets and weights of output <paramref name="o"/>'s taps; returns the tap count.</summary>
        public int Taps(int o, int stride, int shift, Span<nint> offsets, Span<T> weights)
        {
            int count = _start[o + 1] - _start[o];
            for (int t = 0; t < count; t++)
            {
                offsets[t] = (nint)(First[o] + t - shift) * stride;
                weights[t] = _weights[_start[o] + t];
            }

            return count;
        }

        /// <summary>destination[o] = bias + Σ_t w_t · row[First[o] + t − rowBegin], fused multiply-adds in tap order.</summary>
        public void Gather(ReadOnlySpan<T> row, int rowBegin, Span<T> destination)
        {
            if (IsIdentity)
            {
                row.Slice(First[0] - rowBegin, destination.Length).CopyTo(destination);
                return;
            }

            for (int o = 0; o < destination.Length; o++)
            {
                T sum = Bias[o];
                var taps = row.Slice(First[o] - rowBegin);
                for (int t = _start[o], k = 0; t < _start[o + 1]; t++, k++)
                {
                    sum = T.FusedMultiplyAdd(_weights[t], taps[k], sum);
                }

                destination[o] = sum;
            }
        }
    }
}
