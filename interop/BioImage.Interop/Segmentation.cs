using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C exports of the segmentation family on 2D or 3D arrays of any layout: connected components
/// (<see cref="ConnectedComponents"/>, scipy.ndimage.label), the seeded watershed (<see cref="Watershed"/>,
/// skimage.segmentation.watershed) and the exact Euclidean distance transform (<see cref="DistanceTransform"/>,
/// scipy.ndimage.distance_transform_edt). Inputs in a layout the kernels cannot walk (Fortran order, negative strides)
/// are gathered into scratch; outputs that are not writable in place are written back after the kernel.
/// </summary>
public static unsafe class Segmentation
{
    /// <summary>
    /// bk_label: labels the nonzero elements of <paramref name="input"/> 1..N in raster order of each component's
    /// first element, background 0 — scipy.ndimage.label with generate_binary_structure(ndim, connectivity).
    /// </summary>
    /// <param name="input">2D or 3D array of any element type; nonzero (NaN too, −0.0 not) is foreground.</param>
    /// <param name="output">uint32 or uint64 array of the input's shape.</param>
    /// <param name="connectivity">1..ndim: 1 = faces only, ndim = faces, edges and corners.</param>
    /// <param name="threads">0 = all cores; the labels do not depend on it.</param>
    /// <param name="count">Receives N (may be NULL).</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_label")]
    public static int Label(NativeArray* input, NativeArray* output, int connectivity, int threads, long* count)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(2, 3);
            var target = ArrayView.From(output, nameof(output)).RequireDType(ElementType.UInt32, ElementType.UInt64).RequireShape(source.Shape, "the input's shape");
            KernelViews.CheckConnectivity(connectivity, source.NDim);
            int parallelism = Threads.Resolve(threads);
            long components = target.DType == ElementType.UInt32
                ? LabelInto<uint>(source, target, connectivity, parallelism)
                : LabelInto<ulong>(source, target, connectivity, parallelism);
            if (count != null)
            {
                *count = components;
            }

            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>
    /// bk_watershed: floods <paramref name="heights"/> from the seeds in <paramref name="markers"/> (nonzero) into
    /// <paramref name="output"/> — skimage.segmentation.watershed(heights, markers, connectivity, mask, compactness)
    /// of scikit-image 0.19, its tie-breaking included.
    /// </summary>
    /// <param name="heights">2D or 3D array of any element type (compared as float64, as skimage does).</param>
    /// <param name="markers">Integer array of the same shape: 0 = no seed. May be the output itself.</param>
    /// <param name="mask">bool array of the same shape, or NULL: only voxels where it is true are flooded.</param>
    /// <param name="output">int32, uint32, int64 or uint64 array of the same shape; every seed must fit its type.</param>
    /// <param name="connectivity">1..ndim.</param>
    /// <param name="compactness">0 for the classic watershed, &gt; 0 for the compact one.</param>
    /// <param name="threads">0 = all cores; the labels do not depend on it.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_watershed")]
    public static int SeededWatershed(NativeArray* heights, NativeArray* markers, NativeArray* mask, NativeArray* output, int connectivity, double compactness, int threads)
    {
        try
        {
            var call = new WatershedCall(heights, markers, mask, output, connectivity, compactness, threads);
            switch (call.Output.DType)
            {
                case ElementType.Int32: call.Run<int>(); break;
                case ElementType.UInt32: call.Run<uint>(); break;
                case ElementType.Int64: call.Run<long>(); break;
                default: call.Run<ulong>(); break;
            }

            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>
    /// bk_distance_transform: for every nonzero element the Euclidean distance to the nearest zero element (0 on zeros)
    /// and/or that element's coordinates — scipy.ndimage.distance_transform_edt(input, sampling, return_indices).
    /// Without any zero element, every element gets the virtual feature (−1, 0[, 0]) as in scipy.
    /// </summary>
    /// <param name="input">2D or 3D array of any element type.</param>
    /// <param name="distances">float32 or float64 array of the input's shape, or NULL.</param>
    /// <param name="indices">int32 array of shape (ndim, *shape), or NULL; at least one output must be given.
    /// Among equidistant zero elements the one chosen may differ from scipy's.</param>
    /// <param name="sampling">ndim spacings (positive, finite), or NULL for 1.</param>
    /// <param name="threads">0 = all cores; the result does not depend on it.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_distance_transform")]
    public static int EuclideanDistanceTransform(NativeArray* input, NativeArray* distances, NativeArray* indices, double* sampling, int threads)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(2, 3);
            var distanceView = distances == null ? null
                : ArrayView.From(distances, nameof(distances)).RequireDType(ElementType.Float32, ElementType.Float64).RequireShape(source.Shape, "the input's shape");
            var indexView = indices == null ? null
                : ArrayView.From(indices, nameof(indices)).RequireDType(ElementType.Int32).RequireShape([source.NDim, .. source.Shape], "one channel per axis, then the input's shape");
            if (distanceView is null && indexView is null)
            {
                throw new ArgumentException("distances and indices are both NULL; ask for at least one of them.", nameof(distances));
            }

            var spacing = new double[source.NDim];
            for (int axis = 0; axis < spacing.Length; axis++)
            {
                spacing[axis] = sampling == null ? 1 : sampling[axis];
            }

            var transform = new DistanceCall(source, distanceView, indexView, spacing, Threads.Resolve(threads));
            if (distanceView?.DType == ElementType.Float32)
            {
                transform.Run<float>();
            }
            else
            {
                transform.Run<double>();
            }

            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    private static long LabelInto<TLabel>(ArrayView source, ArrayView target, int connectivity, int threads)
        where TLabel : unmanaged, IBinaryInteger<TLabel>, IUnsignedNumber<TLabel>, IMinMaxValue<TLabel>
    {
        using var labels = target.Writable<TLabel>();
        var labelling = new Labelling<TLabel>(source, labels.Volume, source.Overlaps(target), connectivity, threads);
        ElementTypes.Dispatch(source.DType, ref labelling);
        target.Write(labels);
        return labelling.Count;
    }

    /// <summary>
    /// Labels the input in its own element type: bool through the kernel's bool overload, unsigned integers through its
    /// <c>&gt; 0</c> test, signed integers too through their unsigned bit patterns (nonzero exactly when the pattern
    /// is), floats through a bool foreground (<c>!= 0</c>, so −0.0 is background and NaN foreground, as numpy's
    /// astype(bool)).
    /// </summary>
    private struct Labelling<TLabel>(ArrayView source, Memory3D<TLabel> labels, bool copyInput, int connectivity, int threads) : IElementFunc
        where TLabel : unmanaged, IBinaryInteger<TLabel>, IUnsignedNumber<TLabel>
    {
        public long Count { get; private set; }

        public void Invoke<T>()
            where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            using var input = source.Read<T>(copyInput);
            ReadOnlySpan3D<T> view = input.Volume.Span;
            Count = default(T) switch
            {
                byte when source.DType == ElementType.Bool => Foreground(KernelViews.Reinterpret<T, bool>(view)),
                sbyte => AboveZero(KernelViews.Reinterpret<T, byte>(view)),
                short => AboveZero(KernelViews.Reinterpret<T, ushort>(view)),
                int => AboveZero(KernelViews.Reinterpret<T, uint>(view)),
                long => AboveZero(KernelViews.Reinterpret<T, ulong>(view)),
                float or double => NonZero(view),
                _ => AboveZero(view),
            };
        }

        private readonly long AboveZero<TValue>(ReadOnlySpan3D<TValue> view)
            where TValue : unmanaged, INumber<TValue> =>
            source.NDim == 2
                ? ConnectedComponents.Label(view.GetPlane(0), TValue.Zero, labels.Span.GetPlane(0), connectivity, TLabel.Zero, threads)
                : ConnectedComponents.Label(view, TValue.Zero, labels.Span, connectivity, TLabel.Zero, threads);

        private readonly long Foreground(ReadOnlySpan3D<bool> foreground) =>
            source.NDim == 2
                ? ConnectedComponents.Label(foreground.GetPlane(0), labels.Span.GetPlane(0), connectivity, TLabel.Zero, threads)
                : ConnectedComponents.Label(foreground, labels.Span, connectivity, TLabel.Zero, threads);

        private readonly long NonZero<T>(ReadOnlySpan3D<T> view)
            where T : unmanaged, INumber<T>
        {
            int count = checked(view.Depth * view.Height * view.Width);
            var flags = ArrayPool<bool>.Shared.Rent(count);
            try
            {
                var foreground = new Span3D<bool>(flags.AsSpan(0, count), view.Depth, view.Height, view.Width);
                for (int z = 0; z < view.Depth; z++)
                {
                    for (int y = 0; y < view.Height; y++)
                    {
                        var row = view.GetRowSpan(z, y);
                        var target = foreground.GetRowSpan(z, y);
                        for (int x = 0; x < row.Length; x++)
                        {
                            target[x] = row[x] != T.Zero;
                        }
                    }
                }

                return Foreground(foreground);
            }
            finally
            {
                ArrayPool<bool>.Shared.Return(flags);
            }
        }
    }

    /// <summary>The checked arguments of bk_watershed.</summary>
    private sealed class WatershedCall
    {
        private readonly ArrayView _heights;
        private readonly ArrayView _markers;
        private readonly ArrayView? _mask;
        private readonly int _connectivity;
        private readonly double _compactness;
        private readonly int _threads;

        public WatershedCall(NativeArray* heights, NativeArray* markers, NativeArray* mask, NativeArray* output, int connectivity, double compactness, int threads)
        {
            _heights = ArrayView.From(heights, nameof(heights)).RequireNDim(2, 3);
            _markers = ArrayView.From(markers, nameof(markers)).RequireInteger().RequireShape(_heights.Shape, "the heights' shape");
            _mask = mask == null ? null : ArrayView.From(mask, nameof(mask)).RequireDType(ElementType.Bool).RequireShape(_heights.Shape, "the heights' shape");
            Output = ArrayView.From(output, nameof(output))
                .RequireDType(ElementType.Int32, ElementType.UInt32, ElementType.Int64, ElementType.UInt64)
                .RequireShape(_heights.Shape, "the heights' shape");
            KernelViews.CheckConnectivity(connectivity, _heights.NDim);
            if (!(compactness >= 0) || !double.IsFinite(compactness))
            {
                throw new ArgumentOutOfRangeException(nameof(compactness), compactness, "compactness must be finite and non-negative (0 = the classic watershed).");
            }

            _connectivity = connectivity;
            _compactness = compactness;
            _threads = Threads.Resolve(threads);
        }

        public ArrayView Output { get; }

        /// <summary>
        /// Copies the seeds into the <typeparamref name="TLabel"/> output and floods: heights of up to 16 bits and
        /// float32 in float32 (exact, and the kernel's radix path), all others in float64 (skimage's own cast).
        /// </summary>
        public void Run<TLabel>()
            where TLabel : unmanaged, IBinaryInteger<TLabel>, IMinMaxValue<TLabel>
        {
            if (_heights.Count == 0)
            {
                return;
            }

            using var labels = Output.Writable<TLabel>();
            using (var seeds = _markers.Read<TLabel>(copy: _markers.Overlaps(Output)))
            {
                ((ReadOnlySpan3D<TLabel>)seeds.Volume.Span).CopyTo(labels.Volume.Span);
            }

            if (_heights.DType is ElementType.Bool or ElementType.UInt8 or ElementType.Int8 or ElementType.UInt16 or ElementType.Int16 or ElementType.Float32)
            {
                Flood<float, TLabel>(labels.Volume);
            }
            else
            {
                Flood<double, TLabel>(labels.Volume);
            }

            Output.Write(labels);
        }

        private void Flood<THeight, TLabel>(Memory3D<TLabel> labels)
            where THeight : unmanaged, INumber<THeight>, IMinMaxValue<THeight>
            where TLabel : unmanaged, IBinaryInteger<TLabel>
        {
            using var heights = _heights.Read<THeight>(copy: _heights.Overlaps(Output));
            using var mask = _mask?.Read<byte>(copy: _mask.Overlaps(Output));
            var inside = mask is null ? default : KernelViews.Reinterpret<byte, bool>(mask.Volume.Span);
            ReadOnlySpan3D<THeight> height = heights.Volume.Span;
            if (_heights.NDim == 2)
            {
                Watershed.Seeded(height.GetPlane(0), labels.Span.GetPlane(0), _connectivity, mask is null ? default : inside.GetPlane(0), _compactness);
            }
            else
            {
                Watershed.Seeded(height, labels.Span, _connectivity, inside, _compactness, _threads);
            }
        }
    }

    /// <summary>The checked arguments of bk_distance_transform.</summary>
    private sealed class DistanceCall(ArrayView source, ArrayView? distances, ArrayView? indices, double[] sampling, int threads)
    {
        /// <summary>
        /// Runs the transform with <typeparamref name="TDistance"/> distances; when only indices are asked, into float64
        /// scratch (the kernel computes the distances on the way).
        /// </summary>
        public void Run<TDistance>()
            where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>, IMinMaxValue<TDistance>
        {
            if (source.Count == 0)
            {
                return;
            }

            var channels = indices is null ? [] : Enumerable.Range(0, source.NDim).Select(axis => indices.At(axis)).ToArray();
            using var distanceBuffer = distances?.Writable<TDistance>() ?? KernelBuffer<TDistance>.Rent(source.Extent3);
            var indexBuffers = channels.Select(channel => channel.Writable<int>()).ToArray();
            try
            {
                bool overlaps = (distances?.Overlaps(source) ?? false) || (indices?.Overlaps(source) ?? false);
                var transform = new Transform<TDistance>(source, overlaps, distanceBuffer.Volume, [.. indexBuffers.Select(b => b.Volume)], sampling, threads);
                ElementTypes.Dispatch(source.DType, ref transform);
                distances?.Write(distanceBuffer);

                for (int axis = 0; axis < channels.Length; axis++)
                {
                    channels[axis].Write(indexBuffers[axis]);
                }
            }
            finally
            {
                foreach (var buffer in indexBuffers)
                {
                    buffer.Dispose();
                }
            }
        }
    }

    /// <summary>The distance transform of the input in its own element type (nonzero = foreground).</summary>
    private readonly struct Transform<TDistance>(ArrayView source, bool copyInput, Memory3D<TDistance> distances, Memory3D<int>[] indices, double[] sampling, int threads) : IElementFunc
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>
    {
        public void Invoke<T>()
            where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            using var input = source.Read<T>(copyInput);
            ReadOnlySpan3D<T> view = input.Volume.Span;
            if (source.NDim == 2)
            {
                DistanceTransform.Euclidean(view.GetPlane(0), distances.Span.GetPlane(0), IndexPlane(0), IndexPlane(1), sampling, threads);
            }
            else
            {
                DistanceTransform.Euclidean(view, distances.Span, IndexView(0), IndexView(1), IndexView(2), sampling, threads);
            }
        }

        private Span3D<int> IndexView(int axis) => indices.Length == 0 ? default : indices[axis].Span;

        private Span2D<int> IndexPlane(int axis) => indices.Length == 0 ? default : indices[axis].Span.GetPlane(0);
    }
}
