using System.Diagnostics.CodeAnalysis;

namespace BioImage;

/// <summary>The element types of a volume, named as numpy names them.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are numpy's dtype names, which users know.")]
public enum DType
{
    /// <summary>numpy <c>bool</c>; C# <see cref="bool"/> (one byte, 0 or 1).</summary>
    Bool,

    /// <summary>numpy <c>uint8</c>; C# <see cref="byte"/>.</summary>
    UInt8,

    /// <summary>numpy <c>uint16</c>; C# <see cref="ushort"/>.</summary>
    UInt16,

    /// <summary>numpy <c>uint32</c>; C# <see cref="uint"/>.</summary>
    UInt32,

    /// <summary>numpy <c>uint64</c>; C# <see cref="ulong"/>.</summary>
    UInt64,

    /// <summary>numpy <c>int8</c>; C# <see cref="sbyte"/>.</summary>
    Int8,

    /// <summary>numpy <c>int16</c>; C# <see cref="short"/>.</summary>
    Int16,

    /// <summary>numpy <c>int32</c>; C# <see cref="int"/>.</summary>
    Int32,

    /// <summary>numpy <c>int64</c>; C# <see cref="long"/>.</summary>
    Int64,

    /// <summary>numpy <c>float32</c>; C# <see cref="float"/>.</summary>
    Float32,

    /// <summary>numpy <c>float64</c>; C# <see cref="double"/>.</summary>
    Float64,
}

/// <summary>Names, sizes and C# element types of <see cref="DType"/> values.</summary>
public static class DTypes
{
    private static readonly DType[] AllValues = Enum.GetValues<DType>();

    /// <summary>Every dtype, in declaration order.</summary>
    public static IReadOnlyList<DType> All => AllValues;

    /// <summary>The numpy name: "bool", "uint8", …, "float64".</summary>
    public static string NumpyName(this DType dtype) => dtype switch
    {
        DType.Bool => "bool",
        DType.UInt8 => "uint8",
        DType.UInt16 => "uint16",
        DType.UInt32 => "uint32",
        DType.UInt64 => "uint64",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a DType value."),
    };

    /// <summary>Bytes per element.</summary>
    public static int ItemSize(this DType dtype) => dtype switch
    {
        DType.Bool or DType.UInt8 or DType.Int8 => 1,
        DType.UInt16 or DType.Int16 => 2,
        DType.UInt32 or DType.Int32 or DType.Float32 => 4,
        DType.UInt64 or DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a DType value."),
    };

    /// <summary>The C# element type that holds one value.</summary>
    public static Type ClrType(this DType dtype) => dtype switch
    {
        DType.Bool => typeof(bool),
        DType.UInt8 => typeof(byte),
        DType.UInt16 => typeof(ushort),
        DType.UInt32 => typeof(uint),
        DType.UInt64 => typeof(ulong),
        DType.Int8 => typeof(sbyte),
        DType.Int16 => typeof(short),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a DType value."),
    };

    /// <summary>True for float32 and float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>True for the signed and unsigned integer types (not bool).</summary>
    public static bool IsInteger(this DType dtype) => dtype is >= DType.UInt8 and <= DType.Int64;

    /// <summary>True for int8..int64 and the floating-point types.</summary>
    public static bool IsSigned(this DType dtype) => dtype is >= DType.Int8;

    /// <summary>The dtype whose C# element type is <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not one of the eleven element types.</exception>
    public static DType Of<T>()
        where T : unmanaged => DTypeOf<T>.Value
            ?? throw new NotSupportedException($"{typeof(T).Name} is not a volume element type; expected one of {string.Join(", ", AllValues.Select(d => d.ClrType().Name))}.");

    /// <summary>Parses a numpy dtype name ("uint8", "float32", …; case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is not a known dtype; the message lists the valid names.</exception>
    public static DType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryParse(name, out var dtype)
            ? dtype
            : throw new ArgumentException($"Unknown dtype '{name}'; expected one of: {string.Join(", ", AllValues.Select(NumpyName))}.", nameof(name));
    }

    /// <summary>Parses a numpy dtype name; false when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out DType dtype)
    {
        foreach (var candidate in AllValues)
        {
            if (string.Equals(candidate.NumpyName(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    private static class DTypeOf<T>
    {
        public static readonly DType? Value = Array.FindIndex(AllValues, d => d.ClrType() == typeof(T)) is var i and >= 0 ? AllValues[i] : null;
    }
}
