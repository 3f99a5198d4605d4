using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C exports of the resampling family (<see cref="Kernels.Resampling"/>): resize to any shape with spline orders 0–5
/// and optional anti-aliasing, and integer-factor pooling (mean, max, min, mode). 1D to 3D arrays.
/// </summary>
public static unsafe class Resampling
{
    /// <summary>
    /// bk_resize: output voxel o samples input coordinate o·(in/out) per axis with a spline of <paramref name="order"/>
    /// (scipy.ndimage.affine_transform with matrix diag(in/out), prefilter on); with anti-aliasing the input is first
    /// smoothed with σ = max(0, (in/out − 1)/2) per axis as skimage.transform.resize does.
    /// </summary>
    /// <param name="input">1D to 3D array of any element type.</param>
    /// <param name="output">Array of the same ndim and any shape: the input's dtype for order 0 without
    /// anti-aliasing (exact copies of input voxels), float32 or float64 otherwise (the working precision).</param>
    /// <param name="order">Spline order 0 to 5.</param>
    /// <param name="antiAliasing">Non-zero: smooth before sampling where an axis shrinks.</param>
    /// <param name="mode">Border mode code (BK_MODE_*); BK_MODE_MIRROR is scipy's spline default.</param>
    /// <param name="cval">The value beyond the edges for BK_MODE_CONSTANT.</param>
    /// <param name="threads">0 = all cores.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_resize")]
    public static int Resize(NativeArray* input, NativeArray* output, int order, int antiAliasing, int mode, double cval, int threads)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(1, 2, 3);
            var target = ArrayView.From(output, nameof(output)).RequireNDim(source.NDim);
            if (source.Count == 0 && target.Count > 0)
            {
                throw new ArgumentException($"input is empty (shape ({string.Join(", ", source.Shape)})); there is nothing to resize.", nameof(input));
            }

            if (target.Count == 0)
            {
                return Status.Ok;
            }

            var plan = new ResizePlan(Volume(source).Extent3, Volume(target).Extent3, order, antiAliasing != 0, BorderModes.FromCode(mode), cval);
            var resize = new ResizeCall(Volume(source), Volume(target), plan, Threads.Resolve(threads));
            if (plan.IsNearest)
            {
                target.RequireDType(source.DType);
                ElementTypes.Dispatch(source.DType, ref resize);
            }
            else if (target.RequireDType(ElementType.Float32, ElementType.Float64).DType == ElementType.Float64)
            {
                resize.Smooth<double>();
            }
            else
            {
                resize.Smooth<float>();
            }

            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    /// <summary>
    /// bk_downscale: integer-factor pooling; output voxel i reduces the input box [i·f, (i+1)·f) per axis with
    /// <paramref name="method"/> (0 mean, 1 max, 2 min, 3 mode). The output has the input's dtype and shape
    /// ceil(shape / factor); edge boxes reduce only the voxels that exist. Integer means are floor(sum / count).
    /// </summary>
    /// <param name="input">1D to 3D array of any element type.</param>
    /// <param name="output">Array of the input's dtype and shape ceil(input shape / factors).</param>
    /// <param name="factors">One factor per input axis, each ≥ 1.</param>
    /// <param name="method">BK_POOL_MEAN, BK_POOL_MAX, BK_POOL_MIN or BK_POOL_MODE.</param>
    /// <param name="threads">0 = all cores.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_downscale")]
    public static int Downscale(NativeArray* input, NativeArray* output, long* factors, int method, int threads)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(1, 2, 3);
            var target = ArrayView.From(output, nameof(output)).RequireDType(source.DType);
            if (factors == null)
            {
                throw new ArgumentNullException(nameof(factors), "factors is NULL; pass one factor per input axis.");
            }

            var expected = new long[source.NDim];
            for (int axis = 0; axis < source.NDim; axis++)
            {
                if (factors[axis] is < 1 or > int.MaxValue)
                {
                    throw new ArgumentOutOfRangeException(nameof(factors), factors[axis], $"factors[{axis}] must be at least 1.");
                }

                expected[axis] = (source.Shape[axis] + factors[axis] - 1) / factors[axis];
            }

            target.RequireShape(expected, "ceil(input shape / factors)");
            if (!Enum.IsDefined((PoolingMethod)method))
            {
                throw new ArgumentOutOfRangeException(nameof(method), method, "method must be 0 (mean), 1 (max), 2 (min) or 3 (mode).");
            }

            if (target.Count == 0)
            {
                return Status.Ok;
            }

            var padded = new long[3];
            Array.Fill(padded, 1);
            new ReadOnlySpan<long>(factors, source.NDim).CopyTo(padded.AsSpan(3 - source.NDim));
            var pool = new PoolCall(Volume(source), Volume(target), new Index3((int)padded[0], (int)padded[1], (int)padded[2]), (PoolingMethod)method, Threads.Resolve(threads));
            ElementTypes.Dispatch(source.DType, ref pool);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(e);
        }
    }

    /// <summary>A 1D array as a (1, n) 2D view; 2D and 3D arrays as they are.</summary>
    private static ArrayView Volume(ArrayView view) => view.NDim == 1 ? view.WithLeadingAxis() : view;

    private readonly struct ResizeCall(ArrayView source, ArrayView target, ResizePlan plan, int threads) : IElementFunc
    {
        /// <summary>Order 0 without anti-aliasing: exact copies in the input's own element type.</summary>
        public void Invoke<T>()
            where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var (nearest, parallelism) = (plan, threads);
            ArrayView.Apply<T>(source, target, (input, output) => Kernels.Resampling.ResizeNearest(input, output, nearest, parallelism));
        }

        /// <summary>Spline orders ≥ 1 or anti-aliasing, in the output's floating-point precision.</summary>
        public void Smooth<T>()
            where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
        {
            var (spline, parallelism) = (plan, threads);
            ArrayView.Apply<T>(source, target, (input, output) => Kernels.Resampling.Resize(input, output, spline, parallelism));
        }
    }

    private readonly struct PoolCall(ArrayView source, ArrayView target, Index3 factors, PoolingMethod method, int threads) : IElementFunc
    {
        public void Invoke<T>()
            where T : unmanaged, INumber<T>, IMinMaxValue<T>
        {
            var (box, reduction, parallelism) = (factors, method, threads);
            ArrayView.Apply<T>(source, target, (input, output) => Kernels.Resampling.Pool(input, output, box, reduction, parallelism));
        }
    }
}
