using System.Numerics;
using BioImage.Kernels;

namespace BioImage.Sources.Wrappers;

/// <summary>
/// A source that presents another one transformed. Shape, dtype and chunks default to the wrapped source's; it is
/// read-only unless a subclass says otherwise; its spec is the wrapped spec plus this wrapper's <see cref="WrapperSpec"/>
/// (null when the wrapped source has none).
/// </summary>
/// <param name="inner">The wrapped source.</param>
public abstract class WrapperSource(ISource inner) : ISource
{
    /// <summary>The wrapped source.</summary>
    public ISource Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public virtual IReadOnlyList<long> Shape => Inner.Shape;

    /// <inheritdoc />
    public virtual DType DType => Inner.DType;

    /// <inheritdoc />
    public virtual IReadOnlyList<long>? Chunks => Inner.Chunks;

    /// <inheritdoc />
    public virtual bool Writable => false;

    /// <inheritdoc />
    public SourceSpec? Spec => Inner.Spec is { } spec ? spec with { Wrappers = [.. spec.Wrappers ?? [], Describe()] } : null;

    /// <summary>This wrapper's name and parameters.</summary>
    protected abstract WrapperSpec Describe();

    /// <inheritdoc />
    public abstract void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T>;

    /// <inheritdoc />
    public virtual void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> =>
        throw new NotSupportedException($"The {Describe().Name} wrapper is read-only; write to the underlying source.");

    /// <summary>Reads <paramref name="region"/> of <see cref="Inner"/> into a fresh array of its element type.</summary>
    protected NdArray<TInner> ReadInner<TInner>(Region region)
        where TInner : unmanaged, INumber<TInner>
    {
        ArgumentNullException.ThrowIfNull(region);
        var box = Box3.Of(region);
        var data = NdArray<TInner>.Allocate([box.Depth, box.Height, box.Width], clear: false);
        Inner.Read(region, data.AsSpan3D());
        return data;
    }

    /// <summary>Checks a read of <typeparamref name="T"/> into a view of the given extents against this wrapper's shape and dtype.</summary>
    private protected Box3 Check<T>(Region region, int depth, int height, int width) =>
        SourceAccess.Check<T>($"{Describe().Name}({Inner.Spec?.Path ?? "in-memory array"})", Shape, DType, region, depth, height, width);
}
