using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>zarr v3 <c>crc32c</c> (bytes→bytes): appends the CRC-32C of the bytes as u32 little-endian and checks it on decode.</summary>
public sealed record Crc32cCodec : IBytesToBytesCodec
{
    /// <inheritdoc />
    public string Name => "crc32c";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name };

    /// <inheritdoc />
    public long MaxEncodedLength(long decodedLength) => decodedLength + 4;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec)
    {
        decoded.CopyTo(encoded);
        BinaryPrimitives.WriteUInt32LittleEndian(encoded[decoded.Length..], Crc32c.Compute(decoded));
        return decoded.Length + 4;
    }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec)
    {
        if (encoded.Length < 4)
        {
            throw new InvalidDataException($"the crc32c-protected bytes hold {encoded.Length} bytes, fewer than the 4-byte checksum (truncated).");
        }

        var payload = encoded[..^4];
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(encoded[^4..]);
        uint actual = Crc32c.Compute(payload);
        if (stored != actual)
        {
            throw new InvalidDataException($"crc32c checksum mismatch: stored 0x{stored:x8}, computed 0x{actual:x8} (corrupted chunk).");
        }

        if (payload.Length > decoded.Length)
        {
            throw new InvalidDataException($"the crc32c payload holds {payload.Length} bytes, more than the expected {decoded.Length}.");
        }

        payload.CopyTo(decoded);
        return payload.Length;
    }
}
