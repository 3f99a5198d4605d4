using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>A generic action over one integer element type, chosen at run time by <see cref="KernelViews.DispatchInteger"/>.</summary>
internal interface IIntegerFunc
{
    /// <summary>Runs the action for integer type <typeparamref name="T"/>.</summary>
    void Invoke<T>()
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>
/// Helpers the segmentation-family exports share: integer-only dispatch (label images), reinterpreting a view's
/// elements as another type of the same size (signed labels as their bit patterns, a bool mask as bytes), and the
/// translation of the kernels' data errors into argument errors (status BK_ERR_INVALID_ARGUMENT, a ValueError).
/// </summary>
internal static class KernelViews
{
    /// <summary>Calls <paramref name="func"/> with the .NET type of the integer dtype of <paramref name="view"/>.</summary>
    public static void DispatchInteger<TFunc>(ArrayView view, ref TFunc func)
        where TFunc : struct, IIntegerFunc
    {
        switch (view.DType)
        {
            case ElementType.UInt8: func.Invoke<byte>(); break;
            case ElementType.UInt16: func.Invoke<ushort>(); break;
            case ElementType.UInt32: func.Invoke<uint>(); break;
            case ElementType.UInt64: func.Invoke<ulong>(); break;
            case ElementType.Int8: func.Invoke<sbyte>(); break;
            case ElementType.Int16: func.Invoke<short>(); break;
            case ElementType.Int32: func.Invoke<int>(); break;
            case ElementType.Int64: func.Invoke<long>(); break;
            default: throw new UnsupportedDTypeException($"{view.Name} has dtype {ElementTypes.Name(view.DType)}; expected an integer dtype (uint8 to int64).");
        }
    }

    /// <summary>Throws unless <paramref name="view"/> holds integers (bool too when <paramref name="allowBool"/>).</summary>
    public static ArrayView RequireInteger(this ArrayView view, bool allowBool = false) =>
        view.DType is ElementType.Float32 or ElementType.Float64 || (view.DType == ElementType.Bool && !allowBool)
            ? throw new UnsupportedDTypeException($"{view.Name} has dtype {ElementTypes.Name(view.DType)}; expected {(allowBool ? "bool or " : string.Empty)}an integer dtype (uint8 to int64).")
            : view;

    /// <summary>The same elements viewed as <typeparamref name="TTo"/>, which has the size of <typeparamref name="TFrom"/>.</summary>
    public static ReadOnlySpan3D<TTo> Reinterpret<TFrom, TTo>(ReadOnlySpan3D<TFrom> view)
        where TFrom : unmanaged
        where TTo : unmanaged
    {
        if (Unsafe.SizeOf<TFrom>() != Unsafe.SizeOf<TTo>())
        {
            throw new InvalidOperationException($"{typeof(TFrom).Name} and {typeof(TTo).Name} differ in size.");
        }

        if (view.IsEmpty)
        {
            return new ReadOnlySpan3D<TTo>([], view.Depth, view.Height, view.Width);
        }

        long length = ((long)(view.Depth - 1) * view.StrideZ) + ((long)(view.Height - 1) * view.StrideY) + view.Width;
        ref TFrom origin = ref Unsafe.AsRef(in view.DangerousGetReferenceAt(0, 0, 0));
        var data = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TFrom, TTo>(ref origin), (int)length);
        return new ReadOnlySpan3D<TTo>(data, view.Depth, view.Height, view.Width, view.Depth > 1 ? view.StrideZ : (int)length, view.Height > 1 ? view.StrideY : view.Width);
    }

    /// <summary>True when both arrays describe exactly the same elements (in-place use of one buffer).</summary>
    public static unsafe bool SameElements(ArrayView a, ArrayView b) =>
        a.Origin == b.Origin && a.DType == b.DType && a.Shape.AsSpan().SequenceEqual(b.Shape) && a.Strides.AsSpan().SequenceEqual(b.Strides);

    /// <summary>Throws unless <paramref name="connectivity"/> is 1..<paramref name="rank"/>.</summary>
    public static void CheckConnectivity(int connectivity, int rank)
    {
        if (connectivity < 1 || connectivity > rank)
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"connectivity must be 1 to {rank} for {rank}D data (1 = faces only, {rank} = faces, edges and corners, as scipy's generate_binary_structure); got {connectivity}.");
        }
    }

    /// <summary>
    /// The exception to report for <paramref name="exception"/>: the kernels' data conditions (a label missing from a
    /// relabelling, labels that overflow the output type) become argument errors carrying the same message, also when
    /// they come from a worker thread wrapped in an <see cref="AggregateException"/>.
    /// </summary>
    public static Exception Reported(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Reported(aggregate.InnerExceptions[0]),
        KeyNotFoundException or OverflowException => new ArgumentException(exception.Message, exception),
        _ => exception,
    };
}
