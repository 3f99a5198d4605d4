using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Sources;

/// <summary>An in-memory <see cref="NdArray{T}"/> as a source (rank 1–3). It has no spec: local runs only.</summary>
/// <typeparam name="TElement">Element type of the array.</typeparam>
public sealed class ArraySource<TElement> : ISource
    where TElement : unmanaged
{
    private readonly NdArray<TElement> _array;

    /// <summary>Wraps <paramref name="array"/>; the caller keeps ownership.</summary>
    public ArraySource(NdArray<TElement> array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Rank is < 1 or > 3)
        {
            throw new ArgumentException($"In-memory sources have 1 to 3 axes; the array has {array.Rank}.", nameof(array));
        }

        _array = array;
        Shape = Array.ConvertAll(array.Shape.ToArray(), e => (long)e);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType => _array.DType;

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks => null;

    /// <inheritdoc />
    public bool Writable => true;

    /// <inheritdoc />
    public SourceSpec? Spec => null;

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T> => View<T>(region).CopyTo(destination);

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T> => source.CopyTo(View<T>(region));

    /// <summary>The region as a view of <typeparamref name="T"/>; bool arrays are accessed as byte (0/1), as DTypeDispatch does.</summary>
    private Span3D<T> View<T>(Region region)
        where T : unmanaged
    {
        bool same = typeof(T) == typeof(TElement) || (typeof(T) == typeof(byte) && typeof(TElement) == typeof(bool));
        return same
            ? RegionView.Of(MemoryMarshal.Cast<TElement, T>(_array.Span), _array.Shape, region)
            : throw new ArgumentException($"This source holds {DType.NumpyName()}; it cannot be accessed as {typeof(T).Name}.", nameof(T));
    }
}
