using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// N5's <c>lz4</c> compression: lz4-java's LZ4Block stream — blocks of <c>"LZ4Block"</c>, a method/level token,
/// compressed and original lengths, an xxHash32 checksum (seed 0x9747B28C, low 28 bits) and the data, closed by an
/// empty block. Decoding also accepts numcodecs' lz4 framing, which zarr-python's N5 store writes instead.
/// </summary>
/// <param name="BlockSize">Bytes per LZ4Block (N5's default 65536).</param>
public sealed record N5Lz4Codec(int BlockSize = 65536) : IBytesToBytesCodec
{
    private const int HeaderLength = 21;
    private const byte RawMethod = 0x10;
    private const byte Lz4Method = 0x20;
    private const uint Seed = 0x9747B28C;
    private static ReadOnlySpan<byte> Magic => "LZ4Block"u8;

    /// <inheritdoc />
    public string Name => "n5.lz4";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["type"] = "lz4", ["blockSize"] = BlockSize };

    /// <inheritdoc />
    public long MaxEncodedLength(long decodedLength) => decodedLength + ((decodedLength / BlockSize) + 2) * (HeaderLength + 16) + (decodedLength / 255);

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec)
    {
        int level = Math.Max(0, BitOperations.Log2((uint)Math.Max(BlockSize - 1, 1)) + 1 - 10);
        int position = 0;
        for (int start = 0; start < decoded.Length; start += BlockSize)
        {
            var block = decoded.Slice(start, Math.Min(BlockSize, decoded.Length - start));
            var target = encoded.Slice(position + HeaderLength);
            int compressed = Lz4.Compress(block, target[..Math.Min(target.Length, block.Length - 1)]);
            byte method = Lz4Method;
            if (compressed == 0)
            {
                block.CopyTo(target);
                compressed = block.Length;
                method = RawMethod;
            }

            WriteHeader(encoded[position..], (byte)(method | level), compressed, block.Length, (int)(XxHash32.Hash(block, Seed) & 0x0FFFFFFF));
            position += HeaderLength + compressed;
        }

        WriteHeader(encoded[position..], (byte)(RawMethod | level), 0, 0, 0);
        return position + HeaderLength;
    }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec)
    {
        if (!encoded.StartsWith(Magic))
        {
            return new Lz4Codec().Decode(encoded, decoded, spec);
        }

        int position = 0;
        int written = 0;
        while (true)
        {
            if (position + HeaderLength > encoded.Length || !encoded[position..].StartsWith(Magic))
            {
                throw new InvalidDataException($"the LZ4Block stream is truncated or corrupted at byte {position} (no 'LZ4Block' header).");
            }

            byte method = (byte)(encoded[position + 8] & 0xF0);
            int compressed = BinaryPrimitives.ReadInt32LittleEndian(encoded[(position + 9)..]);
            int original = BinaryPrimitives.ReadInt32LittleEndian(encoded[(position + 13)..]);
            int checksum = BinaryPrimitives.ReadInt32LittleEndian(encoded[(position + 17)..]);
            position += HeaderLength;
            if (original == 0 && compressed == 0)
            {
                return written;
            }

            if (compressed < 0 || original < 0 || compressed > encoded.Length - position || (method is not (RawMethod or Lz4Method)))
            {
                throw new InvalidDataException($"the LZ4Block stream is corrupted at byte {position - HeaderLength} (method 0x{method:x2}, {compressed} → {original} bytes).");
            }

            if (original > decoded.Length - written)
            {
                throw new InvalidDataException($"the LZ4Block stream decompresses to more than the expected {decoded.Length} bytes; refused (corrupted block or decompression bomb).");
            }

            var target = decoded.Slice(written, original);
            if (method == RawMethod)
            {
                encoded.Slice(position, compressed).CopyTo(target);
            }
            else
            {
                Lz4.DecompressExactly(encoded.Slice(position, compressed), target);
            }

            if ((XxHash32.Hash(target, Seed) & 0x0FFFFFFF) != checksum)
            {
                throw new InvalidDataException($"LZ4Block checksum mismatch at byte {position - HeaderLength} (corrupted block).");
            }

            written += original;
            position += compressed;
        }
    }

    private static void WriteHeader(Span<byte> destination, byte token, int compressed, int original, int checksum)
    {
        Magic.CopyTo(destination);
        destination[8] = token;
        BinaryPrimitives.WriteInt32LittleEndian(destination[9..], compressed);
        BinaryPrimitives.WriteInt32LittleEndian(destination[13..], original);
        BinaryPrimitives.WriteInt32LittleEndian(destination[17..], checksum);
    }
}
