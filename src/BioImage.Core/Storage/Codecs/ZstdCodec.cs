using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// <c>zstd</c> (bytes→bytes; zarr-extensions zstd codec, numcodecs <c>Zstd</c>): one or more Zstandard frames.
/// Frames without a recorded content size (streaming writers) decode too.
/// </summary>
/// <param name="Level">Compression level (0 = zstd's default, 3).</param>
/// <param name="Checksum">Store a content checksum in each frame.</param>
public sealed record ZstdCodec(int Level = 0, bool Checksum = false) : IBytesToBytesCodec
{
    /// <inheritdoc />
    public string Name => "zstd";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["level"] = Level, ["checksum"] = Checksum } };

    /// <inheritdoc />
    public long MaxEncodedLength(long decodedLength) => Zstd.CompressBound(decodedLength);

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec) => Zstd.Compress(decoded, encoded, Level, Checksum);

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec) => Zstd.Decompress(encoded, decoded);
}
