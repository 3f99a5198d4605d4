using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// A read-only 3D view (depth × height × width) over a <see cref="ReadOnlySpan{T}"/> with contiguous rows
/// and arbitrary plane/row strides. See <see cref="Span3D{T}"/> for the layout.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly ref struct ReadOnlySpan3D<T>
{
    private readonly ReadOnlySpan<T> _data;
    private readonly ViewLayout _layout;

    /// <summary>A C-order view of <paramref name="data"/> with the given shape.</summary>
    public ReadOnlySpan3D(ReadOnlySpan<T> data, int depth, int height, int width)
        : this(data, ViewLayout.Contiguous(depth, height, width))
    {
    }

    /// <summary>A strided view: element (z, y, x) is <c>data[z*strideZ + y*strideY + x]</c>.</summary>
    public ReadOnlySpan3D(ReadOnlySpan<T> data, int depth, int height, int width, int strideZ, int strideY)
        : this(data, ViewLayout.Create(depth, height, width, strideZ, strideY))
    {
    }

    internal ReadOnlySpan3D(ReadOnlySpan<T> data, ViewLayout layout)
    {
        int required = layout.RequiredLength;
        if (data.Length < required)
        {
            throw new ArgumentException($"The span holds {data.Length} elements; a view of shape ({layout.Depth}, {layout.Height}, {layout.Width}) with strides ({layout.StrideZ}, {layout.StrideY}, 1) needs {required}.", nameof(data));
        }

        _data = data[..required];
        _layout = layout;
    }

    /// <summary>Extent along z (planes).</summary>
    public int Depth => _layout.Depth;

    /// <summary>Extent along y (rows per plane).</summary>
    public int Height => _layout.Height;

    /// <summary>Extent along x (elements per row).</summary>
    public int Width => _layout.Width;

    /// <summary>Elements between consecutive planes.</summary>
    public int StrideZ => _layout.StrideZ;

    /// <summary>Elements between consecutive rows.</summary>
    public int StrideY => _layout.StrideY;

    /// <summary>Number of elements in the view.</summary>
    public long Count => _layout.Count;

    /// <summary>True when the view has no elements.</summary>
    public bool IsEmpty => _layout.Count == 0;

    /// <summary>True when the view is one gap-free span (see <see cref="TryGetSpan"/>).</summary>
    public bool IsContiguous => _layout.IsContiguous;

    internal ViewLayout Layout => _layout;

    /// <summary>Element (z, y, x); every coordinate is bounds-checked.</summary>
    public ref readonly T this[int z, int y, int x] => ref _data[_layout.OffsetOf(z, y, x)];

    /// <summary>The contiguous row (z, y) of <see cref="Width"/> elements.</summary>
    public ReadOnlySpan<T> GetRowSpan(int z, int y) => _data.Slice(_layout.RowOffset(z, y), _layout.Width);

    /// <summary>Plane z as a 2D view.</summary>
    public ReadOnlySpan2D<T> GetPlane(int z)
    {
        var (layout, offset) = _layout.Slice(z, 0, 0, 1, Height, Width);
        return new ReadOnlySpan2D<T>(_data[offset..], layout);
    }

    /// <summary>A view of the box starting at (z, y, x) with the given extents; nothing is copied.</summary>
    public ReadOnlySpan3D<T> Slice(int z, int y, int x, int depth, int height, int width)
    {
        var (layout, offset) = _layout.Slice(z, y, x, depth, height, width);
        return new ReadOnlySpan3D<T>(_data[offset..], layout);
    }

    /// <summary>The whole view as one span when it is contiguous.</summary>
    public bool TryGetSpan(out ReadOnlySpan<T> span)
    {
        span = _layout.IsContiguous ? _data : default;
        return _layout.IsContiguous;
    }

    /// <summary>Copies every element into <paramref name="destination"/>, which must have the same shape.</summary>
    /// <remarks>Source and destination must not overlap unless they are the same view.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CopyTo(Span3D<T> destination)
    {
        _layout.CheckSameShape(destination.Layout, nameof(destination));
        if (TryGetSpan(out var source) && destination.TryGetSpan(out var target))
        {
            source.CopyTo(target);
            return;
        }

        for (int z = 0; z < Depth; z++)
        {
            for (int y = 0; y < Height; y++)
            {
                GetRowSpan(z, y).CopyTo(destination.GetRowSpan(z, y));
            }
        }
    }

    /// <summary>A reference to element (z, y, x) without bounds checks; the caller guarantees the coordinates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly T DangerousGetReferenceAt(int z, int y, int x) =>
        ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), (z * _layout.StrideZ) + (y * _layout.StrideY) + x);
}
