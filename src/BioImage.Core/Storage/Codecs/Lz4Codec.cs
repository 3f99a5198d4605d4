using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// numcodecs <c>lz4</c> (bytes→bytes): the uncompressed size as u32 little-endian, then one raw LZ4 block. The
/// size is checked against the most the chunk may hold before anything is decoded.
/// </summary>
/// <param name="Acceleration">LZ4 acceleration (≥ 1; higher = faster, larger).</param>
public sealed record Lz4Codec(int Acceleration = 1) : IBytesToBytesCodec
{
    /// <inheritdoc />
    public string Name => "numcodecs.lz4";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["acceleration"] = Acceleration } };

    /// <inheritdoc />
    public long MaxEncodedLength(long decodedLength) => 4 + decodedLength + (decodedLength / 255) + 16;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec)
    {
        BinaryPrimitives.WriteInt32LittleEndian(encoded, decoded.Length);
        int written = Lz4.Compress(decoded, encoded[4..], Acceleration);
        return decoded.Length == 0 || written > 0 ? 4 + written : throw new InvalidOperationException("lz4 compression failed.");
    }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec)
    {
        if (encoded.Length < 4)
        {
            throw new InvalidDataException($"the lz4 chunk holds {encoded.Length} bytes, fewer than its 4-byte size header (truncated).");
        }

        long size = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (size > decoded.Length)
        {
            throw new InvalidDataException($"the lz4 header announces {size} bytes, more than the expected {decoded.Length} bytes; refused (corrupted chunk or decompression bomb).");
        }

        Lz4.DecompressExactly(encoded[4..], decoded[..(int)size]);
        return (int)size;
    }
}
