using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Metadata;

/// <summary>
/// Fill values between their JSON forms (zarr v2 and v3: numbers, <c>"NaN"</c>, <c>"Infinity"</c>,
/// <c>"-Infinity"</c>, booleans, v3 <c>"0x…"</c> raw bits; v2 <c>null</c>) and one element's native bytes.
/// </summary>
internal static class FillValue
{
    /// <summary>One element of <paramref name="dtype"/> holding <paramref name="node"/>; null JSON gives zeros.</summary>
    public static byte[] Parse(JsonNode? node, DType dtype, string where)
    {
        var bytes = new byte[dtype.ItemSize()];
        if (node is null)
        {
            return bytes;
        }

        try
        {
            if (node.GetValueKind() == JsonValueKind.String)
            {
                string text = node.GetValue<string>();
                if (text.StartsWith("0x", StringComparison.Ordinal))
                {
                    Span<byte> bits = stackalloc byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(bits, ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    bits[..bytes.Length].CopyTo(bytes);
                    return bytes;
                }

                double special = text switch
                {
                    "NaN" => double.NaN,
                    "Infinity" => double.PositiveInfinity,
                    "-Infinity" => double.NegativeInfinity,
                    _ => throw new FormatException($"'{text}' is not a number"),
                };
                return dtype.IsFloatingPoint() ? Write(dtype, special, 0, 0, false) : throw new FormatException($"'{text}' is not a {dtype.NumpyName()} value");
            }

            if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                bytes[0] = node.GetValue<bool>() ? (byte)1 : (byte)0;
                return dtype is DType.Bool or DType.UInt8 or DType.Int8 ? bytes : throw new FormatException($"a boolean is not a {dtype.NumpyName()} value");
            }

            using var document = JsonDocument.Parse(node.ToJsonString());
            var element = document.RootElement;
            if (dtype.IsFloatingPoint())
            {
                return Write(dtype, element.GetDouble(), 0, 0, false);
            }

            if (element.TryGetInt64(out long signed))
            {
                return Write(dtype, 0, signed, (ulong)signed, signed < 0);
            }

            if (element.TryGetUInt64(out ulong unsigned))
            {
                return Write(dtype, 0, (long)unsigned, unsigned, false);
            }

            double whole = element.GetDouble();
            return whole == Math.Floor(whole) ? Write(dtype, 0, (long)whole, (ulong)Math.Max(whole, 0), whole < 0) : throw new FormatException($"{whole} is not an integer");
        }
        catch (Exception error) when (error is FormatException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"{where}: fill_value {node.ToJsonString()} is not a valid {dtype.NumpyName()} value ({error.Message}).", error);
        }
    }

    /// <summary>The JSON form of one element (floats: "NaN"/"Infinity"/"-Infinity" where needed).</summary>
    public static JsonNode ToJson(ReadOnlySpan<byte> value, DType dtype)
    {
        double real = dtype switch
        {
            DType.Float32 => BitConverter.ToSingle(value),
            DType.Float64 => BitConverter.ToDouble(value),
            _ => 0,
        };
        return dtype switch
        {
            DType.Bool => JsonValue.Create(value[0] != 0),
            DType.UInt8 => JsonValue.Create(value[0]),
            DType.Int8 => JsonValue.Create((sbyte)value[0]),
            DType.UInt16 => JsonValue.Create(BitConverter.ToUInt16(value)),
            DType.Int16 => JsonValue.Create(BitConverter.ToInt16(value)),
            DType.UInt32 => JsonValue.Create(BitConverter.ToUInt32(value)),
            DType.Int32 => JsonValue.Create(BitConverter.ToInt32(value)),
            DType.UInt64 => JsonValue.Create(BitConverter.ToUInt64(value)),
            DType.Int64 => JsonValue.Create(BitConverter.ToInt64(value)),
            _ when double.IsNaN(real) => JsonValue.Create("NaN"),
            _ when double.IsPositiveInfinity(real) => JsonValue.Create("Infinity"),
            _ when double.IsNegativeInfinity(real) => JsonValue.Create("-Infinity"),
            DType.Float32 => JsonValue.Create((double)BitConverter.ToSingle(value)),
            _ => JsonValue.Create(real),
        };
    }

    /// <summary>One element of <paramref name="dtype"/> converted from a number (as numpy casts a Python scalar).</summary>
    public static byte[] FromDouble(double value, DType dtype) => Write(dtype, value, (long)value, (ulong)Math.Max(value, 0), value < 0);

    private static byte[] Write(DType dtype, double real, long signed, ulong unsigned, bool negative)
    {
        var bytes = new byte[dtype.ItemSize()];
        _ = dtype switch
        {
            DType.Bool => bytes[0] = signed != 0 ? (byte)1 : (byte)0,
            DType.UInt8 => bytes[0] = negative ? throw new OverflowException($"{signed} is negative") : checked((byte)unsigned),
            DType.Int8 => bytes[0] = (byte)checked((sbyte)signed),
            DType.UInt16 => Put(bytes, negative ? throw new OverflowException($"{signed} is negative") : checked((ushort)unsigned)),
            DType.Int16 => Put(bytes, checked((short)signed)),
            DType.UInt32 => Put(bytes, negative ? throw new OverflowException($"{signed} is negative") : checked((uint)unsigned)),
            DType.Int32 => Put(bytes, checked((int)signed)),
            DType.UInt64 => Put(bytes, negative ? throw new OverflowException($"{signed} is negative") : unsigned),
            DType.Int64 => Put(bytes, !negative && unsigned > long.MaxValue ? throw new OverflowException($"{unsigned} is too large") : signed),
            DType.Float32 => Put(bytes, double.IsNaN(real) ? BitConverter.Int32BitsToSingle(0x7FC00000) : (float)real),
            _ => Put(bytes, double.IsNaN(real) ? BitConverter.Int64BitsToDouble(0x7FF8000000000000) : real),
        };
        return bytes;
    }

    private static byte Put<T>(byte[] bytes, T value)
        where T : unmanaged
    {
        System.Runtime.InteropServices.MemoryMarshal.Write(bytes, in value);
        return 0;
    }
}
