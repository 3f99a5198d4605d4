using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// zarr v3 <c>bytes</c> (array→bytes): the chunk's elements in C order, little- or big-endian. Also what zarr v2
/// and N5 store before compression (v2: the dtype's byte order; N5: always big-endian).
/// </summary>
/// <param name="BigEndian">True for <c>"endian": "big"</c>.</param>
public sealed record BytesCodec(bool BigEndian = false) : IArrayToBytesCodec
{
    /// <inheritdoc />
    public string Name => "bytes";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["endian"] = BigEndian ? "big" : "little" } };

    /// <inheritdoc />
    public long MaxEncodedLength(ChunkSpec spec) => spec.ByteLength;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> chunk, Span<byte> encoded, ChunkSpec spec)
    {
        CopyInByteOrder(chunk, encoded[..chunk.Length], spec.ItemSize, BigEndian);
        return chunk.Length;
    }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec)
    {
        if (encoded.Length != chunk.Length)
        {
            throw Truncated(encoded.Length, chunk.Length, spec);
        }

        CopyInByteOrder(encoded, chunk, spec.ItemSize, BigEndian);
    }

    /// <summary>Like <see cref="Decode"/> for bytes already in <paramref name="chunk"/> (<paramref name="decoded"/> is its prefix): checks the length and fixes the byte order in place.</summary>
    internal void DecodeInPlace(ReadOnlySpan<byte> decoded, Span<byte> chunk, ChunkSpec spec)
    {
        if (decoded.Length != chunk.Length)
        {
            throw Truncated(decoded.Length, chunk.Length, spec);
        }

        CopyInByteOrder(chunk, chunk, spec.ItemSize, BigEndian);
    }

    private static InvalidDataException Truncated(int stored, int expected, ChunkSpec spec) =>
        new($"the chunk holds {stored} bytes; a {spec.DType.NumpyName()} chunk of shape ({string.Join(", ", spec.Shape)}) has {expected} (truncated or corrupted).");

    /// <summary>Copies elements of <paramref name="itemSize"/> bytes, reversing each element's bytes when <paramref name="swap"/> (in place when the spans overlap exactly).</summary>
    internal static void CopyInByteOrder(ReadOnlySpan<byte> source, Span<byte> destination, int itemSize, bool swap)
    {
        if (!swap || itemSize == 1)
        {
            source.CopyTo(destination);
            return;
        }

        switch (itemSize)
        {
            case 2:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            case 4:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination));
                break;
            case 8:
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination));
                break;
            default:
                throw new NotSupportedException($"Byte swapping {itemSize}-byte elements is not supported.");
        }
    }
}
