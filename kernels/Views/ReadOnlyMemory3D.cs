namespace BioImage.Kernels;

/// <summary>
/// A heap-storable read-only 3D view over a <see cref="ReadOnlyMemory{T}"/>; see <see cref="Memory3D{T}"/>.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly struct ReadOnlyMemory3D<T>
{
    private readonly ReadOnlyMemory<T> _data;
    private readonly ViewLayout _layout;

    /// <summary>A C-order view of <paramref name="data"/> with the given shape.</summary>
    public ReadOnlyMemory3D(ReadOnlyMemory<T> data, int depth, int height, int width)
        : this(data, ViewLayout.Contiguous(depth, height, width))
    {
    }

    /// <summary>A strided view: element (z, y, x) is <c>data[z*strideZ + y*strideY + x]</c>.</summary>
    public ReadOnlyMemory3D(ReadOnlyMemory<T> data, int depth, int height, int width, int strideZ, int strideY)
        : this(data, ViewLayout.Create(depth, height, width, strideZ, strideY))
    {
    }

    internal ReadOnlyMemory3D(ReadOnlyMemory<T> data, ViewLayout layout)
    {
        int required = layout.RequiredLength;
        if (data.Length < required)
        {
            throw new ArgumentException($"The memory holds {data.Length} elements; a view of shape ({layout.Depth}, {layout.Height}, {layout.Width}) with strides ({layout.StrideZ}, {layout.StrideY}, 1) needs {required}.", nameof(data));
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

    /// <summary>True when the view has no elements.</summary>
    public bool IsEmpty => _layout.Count == 0;

    /// <summary>The view as a <see cref="ReadOnlySpan3D{T}"/>.</summary>
    public ReadOnlySpan3D<T> Span => new(_data.Span, _layout);

    /// <summary>Write access for <see cref="Memory3D{T}"/>, which is the only owner of views over writable memory.</summary>
    internal Span3D<T> WritableSpan => new(System.Runtime.InteropServices.MemoryMarshal.AsMemory(_data).Span, _layout);

    /// <summary>A view of the box starting at (z, y, x) with the given extents; nothing is copied.</summary>
    public ReadOnlyMemory3D<T> Slice(int z, int y, int x, int depth, int height, int width)
    {
        var (layout, offset) = _layout.Slice(z, y, x, depth, height, width);
        return new ReadOnlyMemory3D<T>(_data[offset..], layout);
    }
}
