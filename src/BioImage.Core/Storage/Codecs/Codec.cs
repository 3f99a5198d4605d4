using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// What a codec needs to know about the chunk it encodes (zarr v3's "array spec"): shape, element type and fill
/// value. Chunk bytes are always C order and native (little-endian) element order between codecs.
/// </summary>
/// <param name="Shape">Extent of each axis of the (full) chunk.</param>
/// <param name="DType">Element type.</param>
/// <param name="FillValue">One element of fill value, <see cref="DTypes.ItemSize"/> native bytes.</param>
public sealed record ChunkSpec(int[] Shape, DType DType, byte[] FillValue)
{
    /// <summary>Bytes per element.</summary>
    public int ItemSize => DType.ItemSize();

    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, extent) => product * extent);

    /// <summary>Bytes of the decoded chunk.</summary>
    public int ByteLength => checked((int)(ElementCount * ItemSize));

    /// <summary>
    /// The extent of the chunk that lies inside the array (edge chunks overhang); null = the whole chunk. Only codecs
    /// that store truncated edge blocks (N5) use it.
    /// </summary>
    public int[]? ValidShape { get; init; }
}

/// <summary>A codec of the zarr v3 pipeline; serialises itself as the v3 <c>{"name", "configuration"}</c> object.</summary>
public interface ICodec
{
    /// <summary>The registered v3 name (e.g. <c>"zstd"</c>).</summary>
    string Name { get; }

    /// <summary>The v3 metadata of this codec.</summary>
    JsonObject ToJson();
}

/// <summary>array → array (e.g. transpose): same bytes, rearranged; may change the chunk's shape.</summary>
public interface IArrayToArrayCodec : ICodec
{
    /// <summary>The spec of the encoded chunk given the decoded one.</summary>
    ChunkSpec Resolve(ChunkSpec decoded);

    /// <summary>Rearranges <paramref name="decoded"/> (of <paramref name="spec"/>) into <paramref name="encoded"/>.</summary>
    void Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec);

    /// <summary>Undoes <see cref="Encode"/>; <paramref name="spec"/> is the decoded spec.</summary>
    void Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec);
}

/// <summary>array → bytes (bytes, sharding_indexed, N5 block): serialises a chunk.</summary>
public interface IArrayToBytesCodec : ICodec
{
    /// <summary>An upper bound of the encoded size.</summary>
    long MaxEncodedLength(ChunkSpec spec);

    /// <summary>Serialises the chunk; returns the number of bytes written to <paramref name="encoded"/>.</summary>
    int Encode(ReadOnlySpan<byte> chunk, Span<byte> encoded, ChunkSpec spec);

    /// <summary>Fills exactly <paramref name="chunk"/> (<see cref="ChunkSpec.ByteLength"/> bytes) from the serialised form.</summary>
    /// <exception cref="InvalidDataException">The bytes are truncated, too long or corrupted.</exception>
    void Decode(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec);
}

/// <summary>bytes → bytes (compressors, checksums).</summary>
public interface IBytesToBytesCodec : ICodec
{
    /// <summary>An upper bound of the encoded size of <paramref name="decodedLength"/> bytes.</summary>
    long MaxEncodedLength(long decodedLength);

    /// <summary>Encodes; <paramref name="encoded"/> holds at least <see cref="MaxEncodedLength"/> bytes. Returns the bytes written.</summary>
    int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec);

    /// <summary>
    /// Decodes into <paramref name="decoded"/>, whose length is the most the output may be: a stream that would
    /// produce more is refused (no decompression bombs). Returns the bytes written.
    /// </summary>
    /// <exception cref="InvalidDataException">The input is corrupted, truncated, or decodes to more than <paramref name="decoded"/> holds.</exception>
    int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec);
}
