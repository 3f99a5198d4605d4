namespace BioImage.Kernels;

/// <summary>
/// The origin pointer and layout of a 3D view whose memory the caller keeps pinned (inside a <c>fixed</c> block),
/// so that worker threads can rebuild row spans: ref-struct views cannot be captured by the delegates that
/// <see cref="Parallel"/> runs. Valid only while the pin lasts; never stored beyond the call that pinned it.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
internal readonly unsafe struct PinnedView<T>
    where T : unmanaged
{
    private readonly T* _origin;

    /// <summary>A view starting at <paramref name="origin"/> with <paramref name="layout"/>.</summary>
    public PinnedView(T* origin, ViewLayout layout)
    {
        _origin = origin;
        Layout = layout;
    }

    /// <summary>Shape and strides.</summary>
    public ViewLayout Layout { get; }

    /// <summary>The contiguous row (z, y); the caller guarantees the coordinates.</summary>
    public Span<T> GetRowSpan(int z, int y) =>
        new(_origin + ((long)z * Layout.StrideZ) + ((long)y * Layout.StrideY), Layout.Width);

    /// <summary>Row <paramref name="row"/> in raster order (z · Height + y); the caller guarantees it exists.</summary>
    public Span<T> GetRowSpan(int row)
    {
        int z = row / Layout.Height;
        return GetRowSpan(z, row - (z * Layout.Height));
    }

    /// <summary>The same memory viewed as <typeparamref name="TOther"/>, which must have the same size.</summary>
    public PinnedView<TOther> Reinterpret<TOther>()
        where TOther : unmanaged =>
        sizeof(TOther) == sizeof(T)
            ? new PinnedView<TOther>((TOther*)_origin, Layout)
            : throw new InvalidOperationException($"{typeof(T).Name} and {typeof(TOther).Name} differ in size.");
}
