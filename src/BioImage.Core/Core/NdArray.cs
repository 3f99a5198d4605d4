using System.Buffers;
using BioImage.Kernels;

namespace BioImage;

/// <summary>
/// An owned, C-order (last axis fastest), n-dimensional in-memory array — what the library returns when the
/// caller gives no output, as bioimage-py returns a numpy array.
/// </summary>
/// <remarks>
/// Memory comes from <see cref="ArrayPool{T}"/> and goes back on <see cref="Dispose"/>: on our machines the first
/// touch of fresh memory costs ~12 µs per 4 KiB page, so reusing buffers is worth far more than the pool's
/// bookkeeping. Rented memory is dirty: <see cref="Allocate"/> clears it unless told the caller overwrites
/// every element. Holds at most <see cref="Array.MaxLength"/> elements; larger volumes are processed block-wise.
/// </remarks>
/// <typeparam name="T">Element type: one of the eleven <see cref="BioImage.DType"/> element types.</typeparam>
public sealed class NdArray<T> : IDisposable
    where T : unmanaged
{
    private readonly int[] _shape;
    private readonly bool _pooled;
    private T[]? _buffer;

    private NdArray(T[] buffer, int[] shape, int length, bool pooled)
    {
        _buffer = buffer;
        _shape = shape;
        Length = length;
        _pooled = pooled;
    }

    /// <summary>A new array of <paramref name="shape"/> from the pool.</summary>
    /// <param name="shape">Extent of each axis (≥ 0).</param>
    /// <param name="clear">Zero every element (default). Pass false only when every element will be written.</param>
    public static NdArray<T> Allocate(ReadOnlySpan<int> shape, bool clear = true)
    {
        int length = CheckedLength(shape);
        var buffer = length == 0 ? [] : ArrayPool<T>.Shared.Rent(length);
        if (clear)
        {
            buffer.AsSpan(0, length).Clear();
        }

        return new NdArray<T>(buffer, shape.ToArray(), length, pooled: length > 0);
    }

    /// <summary>Wraps an existing C-order buffer without copying; the array is not returned to any pool.</summary>
    public static NdArray<T> Wrap(T[] data, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(shape);
        return data.Length == length
            ? new NdArray<T>(data, shape.ToArray(), length, pooled: false)
            : throw new ArgumentException($"data holds {data.Length} elements but shape ({string.Join(", ", shape.ToArray())}) needs {length}.", nameof(data));
    }

    /// <summary>The element type.</summary>
    public DType DType => DTypes.Of<T>();

    /// <summary>Extent of each axis.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of axes.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>All elements in C order.</summary>
    public Span<T> Span => Buffer.AsSpan(0, Length);

    /// <summary>All elements in C order, as heap memory that parallel loops can share.</summary>
    public Memory<T> Memory => Buffer.AsMemory(0, Length);

    /// <summary>The element at an n-dimensional index (one value per axis, bounds-checked).</summary>
    public ref T this[params ReadOnlySpan<int> index] => ref Span[OffsetOf(index)];

    /// <summary>
    /// The array as a 3D view: rank-3 arrays as they are, lower ranks with leading axes of extent 1, higher
    /// ranks with their leading axes folded into the depth (e.g. channels × z).
    /// </summary>
    public Span3D<T> AsSpan3D()
    {
        int width = Rank >= 1 ? _shape[^1] : 1;
        int height = Rank >= 2 ? _shape[^2] : 1;
        int depth = 1;
        for (int axis = 0; axis < Rank - 2; axis++)
        {
            depth *= _shape[axis];
        }

        return new Span3D<T>(Span, depth, height, width);
    }

    /// <summary>The C-order offset of an n-dimensional index.</summary>
    public int OffsetOf(ReadOnlySpan<int> index)
    {
        if (index.Length != Rank)
        {
            throw new ArgumentException($"The index has {index.Length} values; the array has {Rank} axes.", nameof(index));
        }

        int offset = 0;
        for (int axis = 0; axis < Rank; axis++)
        {
            if ((uint)index[axis] >= (uint)_shape[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[axis]} on axis {axis} is outside [0, {_shape[axis]}).");
            }

            offset = (offset * _shape[axis]) + index[axis];
        }

        return offset;
    }

    /// <summary>A copy of the elements in C order.</summary>
    public T[] ToArray() => Span.ToArray();

    /// <summary>Returns the memory to the pool; the array is unusable afterwards.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null && _pooled)
        {
            ArrayPool<T>.Shared.Return(buffer);
        }
    }

    private T[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(NdArray<T>));

    private static int CheckedLength(ReadOnlySpan<int> shape)
    {
        long length = 1;
        foreach (int extent in shape)
        {
            if (extent < 0)
            {
                throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) has a negative extent.", nameof(shape));
            }

            length *= extent;
            if (length > Array.MaxLength)
            {
                throw new ArgumentException($"shape ({string.Join(", ", shape.ToArray())}) has more elements than an in-memory array holds ({Array.MaxLength}); process the volume block-wise instead.", nameof(shape));
            }
        }

        _ = DTypes.Of<T>();
        return (int)length;
    }
}
