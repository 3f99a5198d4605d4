using System.Numerics;

namespace BioImage;

/// <summary>A computation over an integer element type (labels, seeds), invoked with the C# type of a runtime <see cref="DType"/>.</summary>
/// <typeparam name="TResult">What the computation returns.</typeparam>
public interface IIntegerFunc<out TResult>
{
    /// <summary>Runs the computation for the integer element type <typeparamref name="T"/>.</summary>
    TResult Invoke<T>()
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>;
}

/// <summary>Turns a runtime integer <see cref="DType"/> into a generic call; float dtypes are refused with the role named.</summary>
public static class IntegerDispatch
{
    /// <summary>
    /// Calls <paramref name="func"/> with the element type of <paramref name="dtype"/>; <see cref="DType.Bool"/> runs as
    /// <see cref="byte"/>. <paramref name="role"/> names the array in the error for a float dtype (e.g. "seeds").
    /// </summary>
    public static TResult DispatchInteger<TResult>(this DType dtype, IIntegerFunc<TResult> func, string role)
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
            _ => throw new ArgumentException($"The {role} must have an integer dtype; got {dtype.NumpyName()}.", role),
        };
    }
}
