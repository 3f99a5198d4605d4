namespace BioImage.Kernels;

/// <summary>
/// A mutable 2D view (height × width) over a <see cref="Span{T}"/> with contiguous rows and a row stride.
/// It is a <see cref="Span3D{T}"/> of depth 1; use <see cref="AsSpan3D"/> to hand it to a 3D kernel.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly ref struct Span2D<T>
{
    private readonly Span3D<T> _view;

    /// <summary>A C-order view of <paramref name="data"/> with the given shape.</summary>
    public Span2D(Span<T> data, int height, int width)
        : this(data, height, width, width)
    {
    }

    /// <summary>A strided view: element (y, x) is <c>data[y*stride + x]</c>.</summary>
    public Span2D(Span<T> data, int height, int width, int stride) =>
        _view = new Span3D<T>(data, ViewLayout.Create(1, height, width, Math.Max(stride, 1) * Math.Max(height, 1), stride));

    internal Span2D(Span<T> data, ViewLayout layout) => _view = new Span3D<T>(data, layout);

    /// <summary>Rows.</summary>
    public int Height => _view.Height;

    /// <summary>Elements per row.</summary>
    public int Width => _view.Width;

    /// <summary>Elements between consecutive rows.</summary>
    public int Stride => _view.StrideY;

    /// <summary>Element (y, x); both coordinates are bounds-checked.</summary>
    public ref T this[int y, int x] => ref _view[0, y, x];

    /// <summary>The contiguous row y.</summary>
    public Span<T> GetRowSpan(int y) => _view.GetRowSpan(0, y);

    /// <summary>A view of the rectangle starting at (y, x); nothing is copied.</summary>
    public Span2D<T> Slice(int y, int x, int height, int width) => _view.Slice(0, y, x, 1, height, width).GetPlane(0);

    /// <summary>The same elements as a 3D view of depth 1.</summary>
    public Span3D<T> AsSpan3D() => _view;

    /// <summary>A read-only view of the same elements.</summary>
    public static implicit operator ReadOnlySpan2D<T>(Span2D<T> view) => view._view.AsReadOnly().GetPlane(0);
}

/// <summary>A read-only 2D view (height × width); a <see cref="ReadOnlySpan3D{T}"/> of depth 1.</summary>
/// <typeparam name="T">Element type.</typeparam>
public readonly ref struct ReadOnlySpan2D<T>
{
    private readonly ReadOnlySpan3D<T> _view;

    /// <summary>A C-order view of <paramref name="data"/> with the given shape.</summary>
    public ReadOnlySpan2D(ReadOnlySpan<T> data, int height, int width)
        : this(data, height, width, width)
    {
    }

    /// <summary>A strided view: element (y, x) is <c>data[y*stride + x]</c>.</summary>
    public ReadOnlySpan2D(ReadOnlySpan<T> data, int height, int width, int stride) =>
        _view = new ReadOnlySpan3D<T>(data, ViewLayout.Create(1, height, width, Math.Max(stride, 1) * Math.Max(height, 1), stride));

    internal ReadOnlySpan2D(ReadOnlySpan<T> data, ViewLayout layout) => _view = new ReadOnlySpan3D<T>(data, layout);

    /// <summary>Rows.</summary>
    public int Height => _view.Height;

    /// <summary>Elements per row.</summary>
    public int Width => _view.Width;

    /// <summary>Elements between consecutive rows.</summary>
    public int Stride => _view.StrideY;

    /// <summary>Element (y, x); both coordinates are bounds-checked.</summary>
    public ref readonly T this[int y, int x] => ref _view[0, y, x];

    /// <summary>The contiguous row y.</summary>
    public ReadOnlySpan<T> GetRowSpan(int y) => _view.GetRowSpan(0, y);

    /// <summary>A view of the rectangle starting at (y, x); nothing is copied.</summary>
    public ReadOnlySpan2D<T> Slice(int y, int x, int height, int width) => _view.Slice(0, y, x, 1, height, width).GetPlane(0);

    /// <summary>The same elements as a 3D view of depth 1.</summary>
    public ReadOnlySpan3D<T> AsSpan3D() => _view;
}
