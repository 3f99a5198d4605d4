using System.Collections;
using PureHDF;

namespace BioImage.Sources.Formats;

/// <summary>The element types a rewrite keeps: the numbers PureHDF writes byte for byte, and variable-length strings.</summary>
internal enum Hdf5Element
{
    /// <summary>int8.</summary>
    Int8,

    /// <summary>uint8.</summary>
    UInt8,

    /// <summary>int16.</summary>
    Int16,

    /// <summary>uint16.</summary>
    UInt16,

    /// <summary>int32.</summary>
    Int32,

    /// <summary>uint32.</summary>
    UInt32,

    /// <summary>int64.</summary>
    Int64,

    /// <summary>uint64.</summary>
    UInt64,

    /// <summary>IEEE half.</summary>
    Float16,

    /// <summary>IEEE single.</summary>
    Float32,

    /// <summary>IEEE double.</summary>
    Float64,

    /// <summary>A variable-length ASCII or UTF-8 string.</summary>
    String,

    /// <summary>numpy bool as h5py stores it: an enum FALSE = 0, TRUE = 1 over int8.</summary>
    Bool,
}

/// <summary>The .NET side of h5py's bool enum (byte-based: PureHDF 2.2 cannot write sbyte-based enums; the base's sign is restored after writing).</summary>
internal enum Hdf5Bool : byte
{
    /// <summary>False (0).</summary>
    FALSE = 0,

    /// <summary>True (1).</summary>
    TRUE = 1,
}

/// <summary>A generic function over the .NET type of an <see cref="Hdf5Element"/> number.</summary>
internal interface IHdf5ElementFunc<out TResult>
{
    /// <summary>Runs with <typeparamref name="T"/> the element's .NET type.</summary>
    TResult Invoke<T>()
        where T : unmanaged;
}

/// <summary>
/// The type of a kept dataset or attribute, decided from PureHDF's decoded datatype message: little-endian integers
/// of 1, 2, 4 or 8 bytes using all their bits, little-endian IEEE floats of 2, 4 or 8 bytes, and variable-length
/// strings (with their padding and character set, which a rewrite restores), and h5py's numpy bool enum. Anything
/// else names why it is refused.
/// </summary>
internal readonly record struct Hdf5Type(Hdf5Element Element, int Size, int Padding = 0, int Charset = 0)
{
    /// <summary>Bytes per element as stored in a dataset or attribute (a variable-length string stores a 16-byte heap reference).</summary>
    public int StoredSize => Element == Hdf5Element.String ? 16 : Size;

    /// <summary>The type of the datatype message <paramref name="datatype"/>, or null with the reason in <paramref name="problem"/>.</summary>
    public static Hdf5Type? Of(object datatype, out string? problem)
    {
        int kind = Hdf5Internals.Get<int>(datatype, "Class");
        int size = Hdf5Internals.Get<int>(datatype, "Size");
        object bits = Hdf5Internals.Property(datatype, "BitField") ?? throw new InvalidOperationException("A datatype message has no bit field.");
        var properties = Hdf5Internals.Get<IList>(datatype, "Properties");
        problem = null;
        switch (kind)
        {
            case 0:
                bool signed = Hdf5Internals.Get<bool>(bits, "IsSigned");
                string name = $"{(signed ? "" : "u")}int{size * 8}";
                if (Hdf5Internals.Get<int>(bits, "ByteOrder") != 0)
                {
                    problem = $"big-endian {name} values";
                }
                else if (size is not (1 or 2 or 4 or 8))
                {
                    problem = $"{size}-byte integers";
                }
                else if (properties.Count != 1 || Hdf5Internals.Get<int>(properties[0]!, "BitOffset") != 0 || Hdf5Internals.Get<int>(properties[0]!, "BitPrecision") != size * 8)
                {
                    problem = $"{name} values that use only part of their bits";
                }
                else
                {
                    return new Hdf5Type((size, signed) switch
                    {
                        (1, true) => Hdf5Element.Int8,
                        (1, false) => Hdf5Element.UInt8,
                        (2, true) => Hdf5Element.Int16,
                        (2, false) => Hdf5Element.UInt16,
                        (4, true) => Hdf5Element.Int32,
                        (4, false) => Hdf5Element.UInt32,
                        (8, true) => Hdf5Element.Int64,
                        _ => Hdf5Element.UInt64,
                    }, size);
                }

                return null;
            case 1:
                int order = Hdf5Internals.Get<int>(bits, "ByteOrder");
                if (order != 0)
                {
                    problem = $"{(order == 1 ? "big-endian" : "VAX-ordered")} float{size * 8} values";
                    return null;
                }

                (int Sign, int ExponentAt, int ExponentBits, int MantissaBits, int Bias)? ieee = size switch
                {
                    2 => (15, 10, 5, 10, 15),
                    4 => (31, 23, 8, 23, 127),
                    8 => (63, 52, 11, 52, 1023),
                    _ => null,
                };
                if (ieee is not { } format || properties.Count != 1
                    || Hdf5Internals.Get<int>(bits, "SignLocation") != format.Sign
                    || Hdf5Internals.Get<int>(bits, "MantissaNormalization") != 2
                    || Hdf5Internals.Get<int>(properties[0]!, "BitOffset") != 0
                    || Hdf5Internals.Get<int>(properties[0]!, "BitPrecision") != size * 8
                    || Hdf5Internals.Get<int>(properties[0]!, "ExponentLocation") != format.ExponentAt
                    || Hdf5Internals.Get<int>(properties[0]!, "ExponentSize") != format.ExponentBits
                    || Hdf5Internals.Get<int>(properties[0]!, "MantissaLocation") != 0
                    || Hdf5Internals.Get<int>(properties[0]!, "MantissaSize") != format.MantissaBits
                    || Hdf5Internals.Get<long>(properties[0]!, "ExponentBias") != format.Bias)
                {
                    problem = $"{size * 8}-bit floating-point values that are not IEEE 754";
                    return null;
                }

                return new Hdf5Type(size switch { 2 => Hdf5Element.Float16, 4 => Hdf5Element.Float32, _ => Hdf5Element.Float64 }, size);
            case 9:
                if (Hdf5Internals.Get<int>(bits, "Type") != 1)
                {
                    problem = "variable-length sequences (ragged arrays)";
                    return null;
                }

                int padding = Hdf5Internals.Get<int>(bits, "PaddingType");
                int charset = Hdf5Internals.Get<int>(bits, "Encoding");
                if (charset is not (0 or 1) || padding is < 0 or > 2)
                {
                    problem = "variable-length strings of an unknown character set or padding";
                    return null;
                }

                return new Hdf5Type(Hdf5Element.String, size, padding, charset);
            case 8 when IsNumpyBool(size, properties):
                return new Hdf5Type(Hdf5Element.Bool, 1);
            default:
                problem = kind switch
                {
                    2 => "time values",
                    3 => "fixed-length strings (numpy bytes such as np.bytes_)",
                    4 => "bitfield values",
                    5 => "opaque values",
                    6 => "compound (struct) values",
                    7 => "object or region references",
                    8 => "enum values (other than h5py's numpy bool)",
                    10 => "array-typed values",
                    _ => $"values of datatype class {kind}",
                };
                return null;
        }
    }

    /// <summary>Runs <paramref name="func"/> with the .NET type of this numeric element.</summary>
    public TResult Dispatch<TResult>(IHdf5ElementFunc<TResult> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        return Element switch
        {
            Hdf5Element.Int8 => func.Invoke<sbyte>(),
            Hdf5Element.UInt8 => func.Invoke<byte>(),
            Hdf5Element.Int16 => func.Invoke<short>(),
            Hdf5Element.UInt16 => func.Invoke<ushort>(),
            Hdf5Element.Int32 => func.Invoke<int>(),
            Hdf5Element.UInt32 => func.Invoke<uint>(),
            Hdf5Element.Int64 => func.Invoke<long>(),
            Hdf5Element.UInt64 => func.Invoke<ulong>(),
            Hdf5Element.Float16 => func.Invoke<Half>(),
            Hdf5Element.Float32 => func.Invoke<float>(),
            Hdf5Element.Float64 => func.Invoke<double>(),
            Hdf5Element.Bool => func.Invoke<Hdf5Bool>(),
            _ => throw new InvalidOperationException($"{Element} is not a numeric element."),
        };
    }

    /// <summary>The value of <paramref name="attribute"/>: an element or a string when <paramref name="scalar"/>, else a flat array.</summary>
    public object ReadAttribute(IH5Attribute attribute, bool scalar)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        if (Element == Hdf5Element.String)
        {
            return scalar ? attribute.Read<string>() : attribute.Read<string[]>();
        }

        return Dispatch(new AttributeReader(attribute, scalar));
    }

    /// <summary>Why the strings in <paramref name="value"/> (a string or string array) may not survive a rewrite, or null.</summary>
    public static string? LossyString(object value)
    {
        IEnumerable<string?> strings = value switch
        {
            string single => [single],
            string?[] many => many,
            _ => [null],
        };
        foreach (string? text in strings)
        {
            if (text is null)
            {
                return "null strings";
            }

            if (text.Contains('\uFFFD', StringComparison.Ordinal))
            {
                return "strings that are not valid UTF-8";
            }
        }

        return null;
    }

    /// <summary>Whether an enum type is h5py's numpy bool: one byte over a little-endian int8, members FALSE = 0 then TRUE = 1.</summary>
    private static bool IsNumpyBool(int size, IList properties)
    {
        if (size != 1 || properties.Count != 1)
        {
            return false;
        }

        object members = properties[0]!;
        var names = Hdf5Internals.Get<string[]>(members, "Names");
        var values = Hdf5Internals.Get<byte[][]>(members, "Values");
        return Of(Hdf5Internals.Property(members, "BaseType")!, out _) is { Element: Hdf5Element.Int8 }
            && names is ["FALSE", "TRUE"] && values is [[0], [1]];
    }

    private sealed class AttributeReader(IH5Attribute attribute, bool scalar) : IHdf5ElementFunc<object>
    {
        public object Invoke<T>()
            where T : unmanaged => scalar ? attribute.Read<T>() : attribute.Read<T[]>();
    }
}
