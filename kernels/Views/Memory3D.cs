namespace BioImage.Kernels;

/// <summary>
/// A heap-storable 3D view (depth × height × width) over a <see cref="Memory{T}"/>: the
/// <see cref="Span3D{T}"/> layout in a form that can be handed to worker threads. Multithreaded kernels take
/// these, and each worker turns its share into a <see cref="Span3D{T}"/> through <see cref="Span"/>.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly struct Memory3D<T>
{
    private readonly ReadOnlyMemory3D<T> _view; // over writable memory: only this type hands out write access

    /// <summary>A C-order view of <paramref name="data"/> with the given shape.</summary>
    public Memory3D(Memory<T> data, int depth, int height, int width) => _view = new ReadOnlyMemory3D<T>(data, depth, height, width);

    /// <summary>A strided view: element (z, y, x) is <c>data[z*strideZ + y*strideY + x]</c>.</summary>
    public Memory3D(Memory<T> data, int depth, int height, int width, int strideZ, int strideY) =>
        _view = new ReadOnlyMemory3D<T>(data, depth, height, width, strideZ, strideY);

    private Memory3D(ReadOnlyMemory3D<T> view) => _view = view;

    /// <summary>Extent along z (planes).</summary>
    public int Depth => _view.Depth;

    /// <summary>Extent along y (rows per plane).</summary>
    public int Height => _view.Height;

    /// <summary>Extent along x (elements per row).</summary>
    public int Width => _view.Width;

    /// <summary>True when the view has no elements.</summary>
    public bool IsEmpty => _view.IsEmpty;

    /// <summary>The view as a <see cref="Span3D{T}"/>.</summary>
    public Span3D<T> Span => _view.WritableSpan;

    /// <summary>A view of the box starting at (z, y, x) with the given extents; nothing is copied.</summary>
    public Memory3D<T> Slice(int z, int y, int x, int depth, int height, int width) => new(_view.Slice(z, y, x, depth, height, width));

    /// <summary>A read-only view of the same elements.</summary>
    public static implicit operator ReadOnlyMemory3D<T>(Memory3D<T> view) => view._view;

    /// <summary>A read-only view of the same elements.</summary>
    public ReadOnlyMemory3D<T> AsReadOnly() => this;
}
