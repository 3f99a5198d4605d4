namespace BioImage.Storage.Metadata;

/// <summary>How each format spells a <see cref="DType"/>: numpy typestr (zarr v2), v3 data_type name, N5 dataType.</summary>
internal static class DTypeCodes
{
    /// <summary>Parses a zarr v2 / numpy typestr such as <c>"&lt;u2"</c>, <c>"&gt;f4"</c>, <c>"|b1"</c>.</summary>
    public static (DType DType, bool BigEndian) ParseTypestr(string typestr, string where)
    {
        DType? dtype = typestr.Length == 3 ? FromCode(typestr[1..]) : null;
        if (dtype is null || typestr[0] is not ('<' or '>' or '|'))
        {
            throw new NotSupportedException($"{where}: dtype '{typestr}' is not supported; expected a typestr of bool, (u)int8–64, float32 or float64 such as '<u2' or '>f4'.");
        }

        return (dtype.Value, typestr[0] == '>' && dtype.Value.ItemSize() > 1);
    }

    /// <summary>The dtype of a numpy kind + item size code such as <c>"u2"</c>, or null.</summary>
    public static DType? FromCode(string code) => code switch
    {
        "b1" => DType.Bool,
        "u1" => DType.UInt8,
        "u2" => DType.UInt16,
        "u4" => DType.UInt32,
        "u8" => DType.UInt64,
        "i1" => DType.Int8,
        "i2" => DType.Int16,
        "i4" => DType.Int32,
        "i8" => DType.Int64,
        "f4" => DType.Float32,
        "f8" => DType.Float64,
        _ => null,
    };

    /// <summary>The typestr of <paramref name="dtype"/> in the given byte order (<c>|</c> for one-byte types).</summary>
    public static string Typestr(DType dtype, bool bigEndian)
    {
        char kind = dtype == DType.Bool ? 'b' : dtype.IsFloatingPoint() ? 'f' : dtype.IsSigned() ? 'i' : 'u';
        char order = dtype.ItemSize() == 1 ? '|' : bigEndian ? '>' : '<';
        return $"{order}{kind}{dtype.ItemSize()}";
    }

    /// <summary>Parses a v3 data_type / N5 dataType name (numpy names, e.g. <c>"uint16"</c>).</summary>
    public static DType ParseName(string name, string where, bool allowBool = true) =>
        DTypes.TryParse(name, out var dtype) && name == dtype.NumpyName() && (allowBool || dtype != DType.Bool)
            ? dtype
            : throw new NotSupportedException($"{where}: data type '{name}' is not supported; expected one of {string.Join(", ", DTypes.All.Where(d => allowBool || d != DType.Bool).Select(d => d.NumpyName()))}.");
}
