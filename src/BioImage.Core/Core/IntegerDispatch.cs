using System.Numerics;

namespace BioImage;

/// <summary>A computation generic over an integer element type, invoked with the C# type of a runtime integer <see cref="DType"/>.</summary>
/// <typeparam name="TResult">What the computation returns.</typeparam>
public interface IIntegerDTypeFunc<out TResult>
{
    /// <summary>Runs the computation for element type <typeparamref name="T"/>.</summary>
    TResult Invoke<T>()
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>Turns a runtime integer <see cref="DType"/> (labels, seeds) into a generic call, once per operation.</summary>
public static class IntegerDispatch
{
    /// <summary>
    /// Calls <paramref name="func"/> with the element type of <paramref name="dtype"/>; <see cref="DType.Bool"/> runs as
    /// <see cref="byte"/> (0 or 1). A floating-point dtype throws an <see cref="ArgumentException"/> naming
    /// <paramref name="what"/> (e.g. "relabel-consecutive's input").
    /// </summary>
    public static TResult DispatchInteger<TResult>(this DType dtype, IIntegerDTypeFunc<TResult> func, string what)
    {
        ArgumentNullException.ThrowIfNull(func);
        return dtype switch
        {
            DType.Bool or DType.UInt8 => func.Invoke<byte>(),
            DType.UInt16 => func.Invoke<ushort>(),
            DType.UInt32 => func.Invoke<uint>(),
            DType.UInt64 => func.Invoke<ulong>(),
            DType.Int8 => func.Invoke<sbyte>(),
            DType.Int16 => func.Invoke<short>(),
            DType.Int32 => func.Invoke<int>(),
            DType.Int64 => func.Invoke<long>(),
            _ => throw new ArgumentException($"{what} must have an integer dtype (uint8 … uint64, int8 … int64 or bool); got {dtype.NumpyName()}.", nameof(dtype)),
        };
    }
}
