using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BioImage.Storage.Codecs.Native;

namespace BioImage.Storage.Codecs;

/// <summary>
/// DEFLATE in a gzip member (RFC 1952; zarr v3 <c>gzip</c>, numcodecs <c>GZip</c>) or a zlib stream (RFC 1950;
/// numcodecs <c>Zlib</c>), through the system's libdeflate when present (one call per chunk, no stream state; its
/// level 1 compresses several times faster than zlib's), else .NET's System.IO.Compression (zlib-ng). Concatenated
/// gzip members decode.
/// </summary>
/// <param name="Level">Compression level 0–9.</param>
/// <param name="Zlib">True for the zlib wrapper, false for gzip.</param>
public sealed record DeflateCodec(int Level = 1, bool Zlib = false) : IBytesToBytesCodec
{
    /// <inheritdoc />
    public string Name => Zlib ? "numcodecs.zlib" : "gzip";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["level"] = Level } };

    /// <inheritdoc />
    /// <remarks>zlib-ng (behind .NET) at level 1 uses static Huffman codes, which can grow incompressible data by 1/8.</remarks>
    public long MaxEncodedLength(long decodedLength) => decodedLength + (decodedLength >> 3) + 128;

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec)
    {
        if (NativeCodecs.UseNativeDeflate)
        {
            int written = NativeDeflate.Compress(decoded, encoded, Math.Clamp(Level, 0, 9), Zlib);
            if (written > 0)
            {
                return written;
            }
        }

        var buffer = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            var sink = new MemoryStream(buffer, 0, encoded.Length, writable: true);
            var options = new ZLibCompressionOptions { CompressionLevel = Math.Clamp(Level, 0, 9) };
            using (Stream deflate = Zlib ? new ZLibStream(sink, options, leaveOpen: true) : new GZipStream(sink, options, leaveOpen: true))
            {
                deflate.Write(decoded);
            }

            int length = (int)sink.Position;
            buffer.AsSpan(0, length).CopyTo(encoded);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec)
    {
        if (NativeCodecs.UseNativeDeflate)
        {
            return NativeDeflate.Decompress(encoded, decoded, Zlib, Name);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            encoded.CopyTo(buffer);
            using var source = new MemoryStream(buffer, 0, encoded.Length, writable: false);
            using Stream inflate = Zlib ? new ZLibStream(source, CompressionMode.Decompress) : new GZipStream(source, CompressionMode.Decompress);
            int total = inflate.ReadAtLeast(decoded, decoded.Length, throwOnEndOfStream: false);
            Span<byte> probe = stackalloc byte[1];
            if (total == decoded.Length && inflate.Read(probe) > 0)
            {
                throw new InvalidDataException($"the {Name} stream decompresses to more than the expected {decoded.Length} bytes; refused (corrupted chunk or decompression bomb).");
            }

            return total;
        }
        catch (InvalidDataException error) when (!error.Message.StartsWith("the ", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"the {Name} stream is corrupted or truncated ({error.Message}).", error);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
