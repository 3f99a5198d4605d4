using System.Numerics;

namespace BioImage.Interop;

/// <summary>A generic action over one element type, chosen at run time by <see cref="ElementTypes.Dispatch"/>.</summary>
internal interface IElementFunc
{
    /// <summary>Runs the action for element type <typeparamref name="T"/>.</summary>
    void Invoke<T>()
        where T : unmanaged, INumber<T>, IMinMaxValue<T>;
}

/// <summary>Sizes, names and the run-time → generic dispatch of <see cref="ElementType"/> codes (bool travels as uint8).</summary>
internal static class ElementTypes
{
    /// <summary>Bytes per element; throws naming <paramref name="name"/> for an unknown code.</summary>
    public static int Size(ElementType dtype, string name = "dtype") => dtype switch
    {
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        ElementType.UInt16 or ElementType.Int16 => 2,
        ElementType.UInt32 or ElementType.Int32 or ElementType.Float32 => 4,
        ElementType.UInt64 or ElementType.Int64 or ElementType.Float64 => 8,
        _ => throw new UnsupportedDTypeException($"{name}: unknown dtype code {(int)dtype}; expected 1 (uint8) to 11 (bool)."),
    };

    /// <summary>numpy's name of the element type.</summary>
    public static string Name(ElementType dtype) => dtype switch
    {
        ElementType.UInt8 => "uint8",
        ElementType.UInt16 => "uint16",
        ElementType.UInt32 => "uint32",
        ElementType.UInt64 => "uint64",
        ElementType.Int8 => "int8",
        ElementType.Int16 => "int16",
        ElementType.Int32 => "int32",
        ElementType.Int64 => "int64",
        ElementType.Float32 => "float32",
        ElementType.Float64 => "float64",
        ElementType.Bool => "bool",
        _ => $"code {(int)dtype}",
    };

    /// <summary>The code of <typeparamref name="T"/> (byte = uint8).</summary>
    public static ElementType Of<T>() =>
        typeof(T) == typeof(byte) ? ElementType.UInt8
        : typeof(T) == typeof(ushort) ? ElementType.UInt16
        : typeof(T) == typeof(uint) ? ElementType.UInt32
        : typeof(T) == typeof(ulong) ? ElementType.UInt64
        : typeof(T) == typeof(sbyte) ? ElementType.Int8
        : typeof(T) == typeof(short) ? ElementType.Int16
        : typeof(T) == typeof(int) ? ElementType.Int32
        : typeof(T) == typeof(long) ? ElementType.Int64
        : typeof(T) == typeof(float) ? ElementType.Float32
        : typeof(T) == typeof(double) ? ElementType.Float64
        : throw new UnsupportedDTypeException($"No dtype code for {typeof(T).Name}.");

    /// <summary>Calls <paramref name="func"/> with the .NET type of <paramref name="dtype"/>.</summary>
    public static void Dispatch<TFunc>(ElementType dtype, ref TFunc func)
        where TFunc : struct, IElementFunc
    {
        switch (dtype)
        {
            case ElementType.UInt8 or ElementType.Bool: func.Invoke<byte>(); break;
            case ElementType.UInt16: func.Invoke<ushort>(); break;
            case ElementType.UInt32: func.Invoke<uint>(); break;
            case ElementType.UInt64: func.Invoke<ulong>(); break;
            case ElementType.Int8: func.Invoke<sbyte>(); break;
            case ElementType.Int16: func.Invoke<short>(); break;
            case ElementType.Int32: func.Invoke<int>(); break;
            case ElementType.Int64: func.Invoke<long>(); break;
            case ElementType.Float32: func.Invoke<float>(); break;
            case ElementType.Float64: func.Invoke<double>(); break;
            default: throw new UnsupportedDTypeException($"Unknown dtype code {(int)dtype}.");
        }
    }
}
