using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// A validated copy of a caller's <see cref="NativeArray"/>: origin, element type, shape and element strides.
/// Kernels take <see cref="Memory3D{T}"/> views (contiguous rows, non-negative strides, 2D = depth 1): a view whose
/// layout and element type already fit is wrapped without copying (<see cref="TryWrap{T}"/>); any other layout —
/// Fortran order, negative or zero strides, another element type — is gathered into a pooled C-order buffer
/// (<see cref="Read{T}"/>) or written back from one (<see cref="Write{T}"/>), converting element types with
/// <see cref="VoxelConversion"/> (scipy's rounding and clamping).
/// </summary>
internal sealed unsafe class ArrayView
{
    private ArrayView(string name, byte* origin, ElementType dtype, long[] shape, long[] strides)
    {
        Name = name;
        Origin = origin;
        DType = dtype;
        Shape = shape;
        Strides = strides;
    }

    /// <summary>The argument name used in error messages.</summary>
    public string Name { get; }

    /// <summary>Address of element [0, …, 0].</summary>
    public byte* Origin { get; }

    /// <summary>Element type.</summary>
    public ElementType DType { get; }

    /// <summary>Extent per axis.</summary>
    public long[] Shape { get; }

    /// <summary>Element strides per axis.</summary>
    public long[] Strides { get; }

    /// <summary>Number of axes.</summary>
    public int NDim => Shape.Length;

    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (product, extent) => product * extent);

    /// <summary>Bytes per element.</summary>
    public int ElementSize => ElementTypes.Size(DType);

    /// <summary>Reads and checks the caller's descriptor <paramref name="array"/> (argument <paramref name="name"/>).</summary>
    public static ArrayView From(NativeArray* array, string name)
    {
        if (array == null)
        {
            throw new ArgumentNullException(name, $"{name}: the array descriptor is NULL.");
        }

        int ndim = array->NDim;
        if (ndim is < 0 or > NativeArray.MaxDimensions)
        {
            throw new ArgumentException($"{name}: ndim must be 0 to {NativeArray.MaxDimensions}; got {ndim}.", name);
        }

        _ = ElementTypes.Size(array->DType, name);
        var shape = new long[ndim];
        var strides = new long[ndim];
        for (int axis = 0; axis < ndim; axis++)
        {
            shape[axis] = array->Shape[axis];
            strides[axis] = array->Strides[axis];
            if (shape[axis] < 0)
            {
                throw new ArgumentException($"{name}: shape[{axis}] must be non-negative; got {shape[axis]}.", name);
            }
        }

        var view = new ArrayView(name, (byte*)array->Data, array->DType, shape, strides);
        if (view.Count > 0 && array->Data == null)
        {
            throw new ArgumentNullException(name, $"{name}: data is NULL but the array has {view.Count} elements.");
        }

        return view;
    }

    /// <summary>Throws unless the array has one of <paramref name="ranks"/> axes.</summary>
    public ArrayView RequireNDim(params int[] ranks)
    {
        return ranks.Contains(NDim)
            ? this
            : throw new ArgumentException($"{Name} must have {string.Join(" or ", ranks)} dimensions; got {NDim}.", Name);
    }

    /// <summary>Throws unless the element type is one of <paramref name="allowed"/>.</summary>
    public ArrayView RequireDType(params ElementType[] allowed)
    {
        return allowed.Contains(DType)
            ? this
            : throw new UnsupportedDTypeException($"{Name} has dtype {ElementTypes.Name(DType)}; expected {string.Join(" or ", allowed.Select(ElementTypes.Name))}.");
    }

    /// <summary>Throws unless the array's shape is <paramref name="shape"/>.</summary>
    public ArrayView RequireShape(ReadOnlySpan<long> shape, string what)
    {
        return shape.SequenceEqual(Shape)
            ? this
            : throw new ArgumentException($"{Name} has shape {Format(Shape)}; expected {Format(shape)} ({what}).", Name);
    }

    /// <summary>The sub-array at index <paramref name="index"/> of the first axis (a channel of a channel-first array).</summary>
    public ArrayView At(long index) =>
        new($"{Name}[{index}]", Origin + (index * Strides[0] * ElementSize), DType, Shape[1..], Strides[1..]);

    /// <summary>The same elements with a leading axis of extent 1 (a 1D array as a one-row 2D array).</summary>
    public ArrayView WithLeadingAxis() => new(Name, Origin, DType, [1, .. Shape], [0, .. Strides]);

    /// <summary>True when the memory of the two arrays may overlap (same bytes reachable from both).</summary>
    public bool Overlaps(ArrayView other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (lo, hi) = Span();
        var (otherLo, otherHi) = other.Span();
        return lo < hi && otherLo < otherHi && lo < otherHi && otherLo < hi;
    }

    /// <summary>The (depth, height, width) of this 2D or 3D array (depth 1 for 2D), each fitting a kernel view.</summary>
    public Index3 Extent3
    {
        get
        {
            if (NDim is not (2 or 3))
            {
                throw new InvalidOperationException($"{Name}: a kernel view needs 2 or 3 axes, not {NDim}.");
            }

            foreach (long extent in Shape)
            {
                if (extent > int.MaxValue)
                {
                    throw new ArgumentException($"{Name}: extent {extent} exceeds the kernels' limit of {int.MaxValue} per axis.", Name);
                }
            }

            return NDim == 3 ? new((int)Shape[0], (int)Shape[1], (int)Shape[2]) : new(1, (int)Shape[0], (int)Shape[1]);
        }
    }

    /// <summary>
    /// Wraps the caller's memory as a kernel view when the element type is <typeparamref name="T"/>, rows are
    /// contiguous and planes/rows do not overlap with non-negative strides; null otherwise.
    /// </summary>
    public Memory3D<T>? TryWrap<T>()
        where T : unmanaged
    {
        var extent = Extent3;
        // bool travels as uint8 (ElementTypes.Dispatch), so a bool array wraps as bytes without a copy.
        if ((DType == ElementType.Bool ? ElementType.UInt8 : DType) != ElementTypes.Of<T>() || Count == 0)
        {
            return null;
        }

        long strideX = Strides[NDim - 1], strideY = Strides[NDim - 2], strideZ = NDim == 3 ? Strides[0] : 0;
        bool rowsContiguous = strideX == 1 || extent.X == 1;
        long width = extent.X, planeExtent = ((extent.Y - 1) * Math.Max(strideY, 0)) + width;
        bool fits = rowsContiguous && (extent.Y == 1 || strideY >= width) && (extent.Z == 1 || strideZ >= planeExtent);
        if (!fits)
        {
            return null;
        }

        // Extents of 1 may carry any stride; normalise them so the layout checks pass.
        int sy = extent.Y == 1 ? extent.X : (int)Math.Min(strideY, int.MaxValue);
        long sz = extent.Z == 1 ? (long)sy * extent.Y : strideZ;
        long length = ((extent.Z - 1) * sz) + ((extent.Y - 1) * (long)sy) + extent.X;
        if (sz > int.MaxValue || length > int.MaxValue)
        {
            return null;
        }

        var memory = new NativeMemoryManager<T>((T*)Origin, (int)length).Memory;
        return new Memory3D<T>(memory, extent.Z, extent.Y, extent.X, (int)sz, sy);
    }

    /// <summary>
    /// The array as a C-order <typeparamref name="T"/> volume: wrapped when it fits (unless <paramref name="copy"/>,
    /// e.g. because the output overlaps it), else gathered and converted.
    /// </summary>
    public KernelBuffer<T> Read<T>(bool copy = false)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (!copy && TryWrap<T>() is { } direct)
        {
            return new KernelBuffer<T>(direct, null);
        }

        var buffer = KernelBuffer<T>.Rent(Extent3);
        var gather = new Gather<T>(this, buffer.Volume);
        ElementTypes.Dispatch(DType, ref gather);
        return buffer;
    }

    /// <summary>
    /// A <typeparamref name="T"/> volume that the kernel writes: the caller's memory when it fits, else a pooled
    /// buffer whose content <see cref="Write{T}"/> stores into this array afterwards.
    /// </summary>
    public KernelBuffer<T> Writable<T>()
        where T : unmanaged, INumber<T>, IMinMaxValue<T> =>
        TryWrap<T>() is { } direct ? new KernelBuffer<T>(direct, null) : KernelBuffer<T>.Rent(Extent3);

    /// <summary>Stores a kernel result into this array unless the kernel wrote it in place.</summary>
    public void Write<T>(KernelBuffer<T> result)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!result.IsScratch)
        {
            return;
        }

        var scatter = new Scatter<T>(this, result.Volume);
        ElementTypes.Dispatch(DType, ref scatter);
    }

    /// <summary>
    /// Runs <paramref name="kernel"/> from <paramref name="source"/> (as <typeparamref name="T"/>; copied first when it
    /// overlaps <paramref name="target"/>) into <paramref name="target"/>, through scratch where the layouts need it.
    /// </summary>
    public static void Apply<T>(ArrayView source, ArrayView target, Action<ReadOnlyMemory3D<T>, Memory3D<T>> kernel)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(kernel);
        using var input = source.Read<T>(copy: source.Overlaps(target));
        using var output = target.Writable<T>();
        kernel(input.Volume, output.Volume);
        target.Write(output);
    }

    /// <summary>Address of element (z, y, x) of the 2D/3D array (z ignored for 2D).</summary>
    private byte* Address(long z, long y, long x)
    {
        long offset = NDim == 3
            ? (z * Strides[0]) + (y * Strides[1]) + (x * Strides[2])
            : (y * Strides[0]) + (x * Strides[1]);
        return Origin + (offset * ElementSize);
    }

    /// <summary>[lo, hi): the bytes the array reaches.</summary>
    private (nuint Lo, nuint Hi) Span()
    {
        if (Count == 0)
        {
            return (0, 0);
        }

        long lo = 0, hi = 0;
        for (int axis = 0; axis < NDim; axis++)
        {
            long reach = (Shape[axis] - 1) * Strides[axis];
            lo += Math.Min(reach, 0);
            hi += Math.Max(reach, 0);
        }

        return ((nuint)(Origin + (lo * ElementSize)), (nuint)(Origin + ((hi + 1) * ElementSize)));
    }

    private static string Format(ReadOnlySpan<long> shape) => $"({string.Join(", ", shape.ToArray())})";

    /// <summary>Copies the array row by row into a C-order <typeparamref name="T"/> volume, converting each element.</summary>
    private readonly struct Gather<T>(ArrayView source, Memory3D<T> destination) : IElementFunc
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        public void Invoke<TFrom>()
            where TFrom : unmanaged, INumber<TFrom>, IMinMaxValue<TFrom>
        {
            var target = destination.Span;
            long strideX = source.Strides[source.NDim - 1];
            var row = ArrayPool<TFrom>.Shared.Rent(target.Width);
            try
            {
                for (int z = 0; z < target.Depth; z++)
                {
                    for (int y = 0; y < target.Height; y++)
                    {
                        var from = (TFrom*)source.Address(z, y, 0);
                        for (int x = 0; x < target.Width; x++)
                        {
                            row[x] = from[x * strideX];
                        }

                        VoxelConversion.Convert<TFrom, T>(row.AsSpan(0, target.Width), target.GetRowSpan(z, y));
                    }
                }
            }
            finally
            {
                ArrayPool<TFrom>.Shared.Return(row);
            }
        }
    }

    /// <summary>Copies a C-order <typeparamref name="T"/> volume row by row into the array, converting each element.</summary>
    private readonly struct Scatter<T>(ArrayView destination, Memory3D<T> source) : IElementFunc
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        public void Invoke<TTo>()
            where TTo : unmanaged, INumber<TTo>, IMinMaxValue<TTo>
        {
            var from = source.Span;
            long strideX = destination.Strides[destination.NDim - 1];
            var row = ArrayPool<TTo>.Shared.Rent(from.Width);
            try
            {
                for (int z = 0; z < from.Depth; z++)
                {
                    for (int y = 0; y < from.Height; y++)
                    {
                        VoxelConversion.Convert<T, TTo>(from.GetRowSpan(z, y), row);
                        var to = (TTo*)destination.Address(z, y, 0);
                        for (int x = 0; x < from.Width; x++)
                        {
                            to[x * strideX] = row[x];
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<TTo>.Shared.Return(row);
            }
        }
    }
}

/// <summary>A kernel-side volume: the caller's memory, or a pooled C-order scratch buffer returned on dispose.</summary>
internal sealed class KernelBuffer<T> : IDisposable
{
    private T[]? _pooled;

    public KernelBuffer(Memory3D<T> volume, T[]? pooled)
    {
        Volume = volume;
        _pooled = pooled;
    }

    /// <summary>The view the kernel reads or writes.</summary>
    public Memory3D<T> Volume { get; }

    /// <summary>True when the view is scratch memory rather than the caller's array.</summary>
    public bool IsScratch => _pooled is not null;

    /// <summary>A C-order scratch volume of <paramref name="extent"/> (dirty memory).</summary>
    public static KernelBuffer<T> Rent(Index3 extent)
    {
        int count = checked(extent.Z * extent.Y * extent.X);
        var pooled = ArrayPool<T>.Shared.Rent(count);
        return new KernelBuffer<T>(new Memory3D<T>(pooled.AsMemory(0, count), extent.Z, extent.Y, extent.X), pooled);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_pooled is not null)
        {
            ArrayPool<T>.Shared.Return(_pooled);
            _pooled = null;
        }
    }
}

/// <summary>A <see cref="Memory{T}"/> over caller-owned native memory (valid for the duration of one call).</summary>
internal sealed unsafe class NativeMemoryManager<T>(T* pointer, int length) : System.Buffers.MemoryManager<T>
    where T : unmanaged
{
    public override Span<T> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
