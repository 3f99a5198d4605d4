using System.Numerics;

namespace BioImage;

/// <summary>A computation generic over the element type, invoked with the C# type of a runtime <see cref="DType"/>.</summary>
/// <typeparam name="TResult">What the computation returns.</typeparam>
public interface IDTypeFunc<out TResult>
{
    /// <summary>Runs the computation for element type <typeparamref name="T"/>.</summary>
    TResult Invoke<T>()
        where T : unmanaged, INumber<T>;
}

/// <summary>Turns a runtime <see cref="DType"/> into a generic call, once per operation (never per voxel).</summary>
public static class DTypeDispatch
{
    /// <summary>
    /// Calls <paramref name="func"/> with the element type of <paramref name="dtype"/>. <see cref="DType.Bool"/>
    /// runs as <see cref="byte"/> (0 or 1, same storage), as numpy does arithmetic on bool arrays.
    /// </summary>
    public static TResult Dispatch<TResult>(this DType dtype, IDTypeFunc<TResult> func)
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
            DType.Float32 => func.Invoke<float>(),
            DType.Float64 => func.Invoke<double>(),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a DType value."),
        };
    }
}
