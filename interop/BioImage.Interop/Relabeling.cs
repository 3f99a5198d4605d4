using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C exports over label images: the distinct values with their counts (<see cref="Unique"/>, numpy.unique) and the
/// mapping of every label through a table (<see cref="Relabel"/>, np.take / bioimage-py's relabel), from which the
/// Python binding builds relabel_sequential (skimage) and relabel_consecutive (bioimage-py).
/// </summary>
public static unsafe class Relabeling
{
    /// <summary>
    /// bk_unique: the distinct values of <paramref name="input"/> in increasing order and how often each occurs —
    /// np.unique(input, return_counts=True). The results are library-owned buffers: release both with bk_free.
    /// </summary>
    /// <param name="input">2D or 3D array of bool or an integer type.</param>
    /// <param name="values">Receives the values, in the input's element type (bool as one byte, 0 or 1).</param>
    /// <param name="counts">Receives the int64 counts, or NULL when they are not wanted.</param>
    /// <param name="count">Receives the number of distinct values.</param>
    /// <param name="threads">0 = all cores; the result does not depend on it.</param>
    /// <returns>A status code (BK_OK on success; then *values, and *counts when asked, are non-NULL).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_unique")]
    public static int UniqueValues(NativeArray* input, void** values, long** counts, long* count, int threads)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(2, 3).RequireInteger(allowBool: true);
            if (values == null || count == null)
            {
                throw new ArgumentNullException(values == null ? nameof(values) : nameof(count), "values and count must not be NULL.");
            }

            var distinct = new Distinct(source, Threads.Resolve(threads));
            if (source.DType == ElementType.Bool)
            {
                distinct.Invoke<byte>();
            }
            else
            {
                KernelViews.DispatchInteger(source, ref distinct);
            }

            *count = distinct.Length;
            *values = distinct.Values;
            if (counts != null)
            {
                *counts = NativeBuffers.CopyOut<long>(distinct.Counts);
            }

            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>
    /// bk_relabel: <c>output = mapping[input]</c> for the mapping <c>keys[i] → values[i]</c> — bioimage-py's relabel
    /// with a dict, and np.take(table, input) with keys 0..len(table)−1. Every label present must be a key
    /// (BK_ERR_INVALID_ARGUMENT naming the first one missing otherwise).
    /// </summary>
    /// <param name="input">2D or 3D integer array.</param>
    /// <param name="keys">1D array of distinct keys in the input's element type.</param>
    /// <param name="values">1D array as long as <paramref name="keys"/>, in the output's element type.</param>
    /// <param name="output">Integer array of the input's shape; may be the input itself (in place).</param>
    /// <param name="threads">0 = all cores.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_relabel")]
    public static int RelabelWithMap(NativeArray* input, NativeArray* keys, NativeArray* values, NativeArray* output, int threads)
    {
        try
        {
            var source = ArrayView.From(input, nameof(input)).RequireNDim(2, 3).RequireInteger();
            var target = ArrayView.From(output, nameof(output)).RequireInteger().RequireShape(source.Shape, "the input's shape");
            var keyView = ArrayView.From(keys, nameof(keys)).RequireNDim(1).RequireDType(source.DType);
            var valueView = ArrayView.From(values, nameof(values)).RequireNDim(1).RequireDType(target.DType).RequireShape(keyView.Shape, "one value per key");
            var mapping = new Mapping(source, keyView, valueView, target, Threads.Resolve(threads));
            KernelViews.DispatchInteger(source, ref mapping);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>Runs <see cref="Unique.ValuesAndCounts{T}"/> and keeps the values in a library-owned buffer.</summary>
    private struct Distinct(ArrayView source, int threads) : IIntegerFunc
    {
        public void* Values { get; private set; }

        public long[] Counts { get; private set; } = [];

        public long Length { get; private set; }

        public void Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            using var input = source.Read<T>();
            var (values, counts) = Unique.ValuesAndCounts<T>(input.Volume.Span, threads);
            Counts = counts;
            Length = values.Length;
            Values = NativeBuffers.CopyOut<T>(values);
        }
    }

    /// <summary>The input's element type known: dispatches the output's.</summary>
    private readonly struct Mapping(ArrayView source, ArrayView keys, ArrayView values, ArrayView target, int threads) : IIntegerFunc
    {
        public void Invoke<TIn>()
            where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn>
        {
            var apply = new Apply<TIn>(source, keys, values, target, threads);
            KernelViews.DispatchInteger(target, ref apply);
        }
    }

    /// <summary>Builds the mapping and relabels, in place when input and output are the same elements.</summary>
    private readonly struct Apply<TIn>(ArrayView source, ArrayView keys, ArrayView values, ArrayView target, int threads) : IIntegerFunc
        where TIn : unmanaged, IBinaryInteger<TIn>, IMinMaxValue<TIn>
    {
        public void Invoke<TOut>()
            where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
        {
            var map = new Dictionary<TIn, TOut>((int)keys.Count);
            var keyData = (TIn*)keys.Origin;
            var valueData = (TOut*)values.Origin;
            for (long i = 0; i < keys.Count; i++)
            {
                if (!map.TryAdd(keyData[i * keys.Strides[0]], valueData[i * values.Strides[0]]))
                {
                    throw new ArgumentException($"keys must be distinct; {keyData[i * keys.Strides[0]]} occurs twice.", nameof(keys));
                }
            }

            if (source.Count == 0)
            {
                return;
            }

            bool copy = source.Overlaps(target) && !KernelViews.SameElements(source, target);
            using var input = source.Read<TIn>(copy);
            using var output = target.Writable<TOut>();
            Relabel.WithMap<TIn, TOut>(input.Volume.Span, map, output.Volume.Span, default, threads);
            target.Write(output);
        }
    }
}
