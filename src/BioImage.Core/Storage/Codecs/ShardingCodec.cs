using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// zarr v3 <c>sharding_indexed</c> (array→bytes): a shard holds a grid of inner chunks, each encoded with its own
/// codec chain, plus an index of (offset, nbytes) u64 pairs — all ones for an absent chunk — encoded with the index
/// codecs and stored at the end (default) or the start of the shard. O(shard bytes) per shard.
/// </summary>
/// <remarks>
/// Index size is computed from the index codecs (which must be fixed-size: bytes and crc32c), never hard-coded
/// (zarrita.js#424). Inner chunks equal to the fill value are not stored; offsets are absolute within the shard.
/// </remarks>
public sealed class ShardingCodec : IArrayToBytesCodec
{
    private const ulong Missing = ulong.MaxValue;
    private readonly int[] _chunkShape;

    /// <summary>A sharding codec with inner chunks of <paramref name="chunkShape"/>.</summary>
    /// <exception cref="ArgumentException">The index codecs are not fixed-size (only bytes and crc32c are).</exception>
    public ShardingCodec(IReadOnlyList<int> chunkShape, CodecChain codecs, CodecChain indexCodecs, bool indexAtEnd = true)
    {
        ArgumentNullException.ThrowIfNull(chunkShape);
        ArgumentNullException.ThrowIfNull(codecs);
        ArgumentNullException.ThrowIfNull(indexCodecs);
        _chunkShape = [.. chunkShape];
        if (_chunkShape.Any(e => e <= 0))
        {
            throw new ArgumentException($"sharding chunk_shape [{string.Join(", ", _chunkShape)}] must be positive.", nameof(chunkShape));
        }

        if (indexCodecs.All.Any(c => c is not (BytesCodec or Crc32cCodec)))
        {
            throw new ArgumentException($"sharding index_codecs must be fixed-size (bytes, crc32c); got {string.Join(", ", indexCodecs.All.Select(c => c.Name))}.", nameof(indexCodecs));
        }

        Codecs = codecs;
        IndexCodecs = indexCodecs;
        IndexAtEnd = indexAtEnd;
    }

    /// <summary>Shape of the inner chunks.</summary>
    public IReadOnlyList<int> ChunkShape => _chunkShape;

    /// <summary>Codecs of each inner chunk.</summary>
    public CodecChain Codecs { get; }

    /// <summary>Codecs of the index.</summary>
    public CodecChain IndexCodecs { get; }

    /// <summary>True when the index follows the chunks (index_location "end").</summary>
    public bool IndexAtEnd { get; }

    /// <inheritdoc />
    public string Name => "sharding_indexed";

    /// <inheritdoc />
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["configuration"] = new JsonObject
        {
            ["chunk_shape"] = new JsonArray([.. _chunkShape.Select(e => (JsonNode)e)]),
            ["codecs"] = new JsonArray([.. Codecs.All.Select(c => (JsonNode)c.ToJson())]),
            ["index_codecs"] = new JsonArray([.. IndexCodecs.All.Select(c => (JsonNode)c.ToJson())]),
            ["index_location"] = IndexAtEnd ? "end" : "start",
        },
    };

    /// <inheritdoc />
    public long MaxEncodedLength(ChunkSpec spec)
    {
        var (inner, count, indexSpec) = Layout(spec);
        return (count * Codecs.MaxEncodedLength(inner)) + IndexCodecs.MaxEncodedLength(indexSpec);
    }

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> chunk, Span<byte> encoded, ChunkSpec spec)
    {
        var (inner, count, indexSpec) = Layout(spec);
        int indexLength = (int)IndexCodecs.MaxEncodedLength(indexSpec);
        var index = new ulong[2 * count];
        var innerBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(inner.ByteLength, 1));
        long[] shardShape = ToLong(spec.Shape);
        long[] innerShape = ToLong(_chunkShape);
        var origin = new long[spec.Shape.Length];
        int position = IndexAtEnd ? 0 : indexLength;
        try
        {
            var innerBytes = innerBuffer.AsSpan(0, inner.ByteLength);
            for (int k = 0; k < count; k++)
            {
                InnerOrigin(k, spec.Shape, origin);
                BoxCopy.Copy(chunk, shardShape, origin, innerBytes, innerShape, new long[origin.Length], innerShape, spec.ItemSize);
                if (BoxCopy.IsAll(innerBytes, spec.FillValue))
                {
                    index[2 * k] = index[(2 * k) + 1] = Missing;
                    continue;
                }

                var encodedInner = Codecs.Encode(innerBytes, inner);
                try
                {
                    encodedInner.AsSpan().CopyTo(encoded[position..]);
                    index[2 * k] = (ulong)position;
                    index[(2 * k) + 1] = (ulong)encodedInner.Count;
                    position += encodedInner.Count;
                }
                finally
                {
                    CodecChain.ReturnBuffer(encodedInner);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(innerBuffer);
        }

        var encodedIndex = IndexCodecs.Encode(MemoryMarshal.AsBytes(index.AsSpan()), indexSpec);
        try
        {
            encodedIndex.AsSpan().CopyTo(encoded[(IndexAtEnd ? position : 0)..]);
        }
        finally
        {
            CodecChain.ReturnBuffer(encodedIndex);
        }

        return position + (IndexAtEnd ? indexLength : 0);
    }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec) => DecodeRegion(encoded, chunk, spec, null, null);

    /// <summary>
    /// Decodes only the inner chunks that intersect the box <c>[begin, end)</c> of the shard (shard coordinates);
    /// the rest of <paramref name="chunk"/> is left as it was. Null bounds decode everything.
    /// </summary>
    public void DecodeRegion(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec, ReadOnlySpan<long> begin, ReadOnlySpan<long> end)
    {
        var (inner, count, indexSpec) = Layout(spec);
        int indexLength = (int)IndexCodecs.MaxEncodedLength(indexSpec);
        if (encoded.Length < indexLength)
        {
            throw new InvalidDataException($"the shard holds {encoded.Length} bytes, fewer than its {indexLength}-byte index (truncated).");
        }

        var index = new ulong[2 * count];
        var indexBytes = IndexAtEnd ? encoded[^indexLength..] : encoded[..indexLength];
        try
        {
            IndexCodecs.Decode(indexBytes, MemoryMarshal.AsBytes(index.AsSpan()), indexSpec);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"the shard index is corrupted: {error.Message}", error);
        }

        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(index, index);
        }

        long[] shardShape = ToLong(spec.Shape);
        long[] innerShape = ToLong(_chunkShape);
        var origin = new long[spec.Shape.Length];
        var innerBuffer = ArrayPool<byte>.Shared.Rent(Math.Max(inner.ByteLength, 1));
        try
        {
            var innerBytes = innerBuffer.AsSpan(0, inner.ByteLength);
            for (int k = 0; k < count; k++)
            {
                InnerOrigin(k, spec.Shape, origin);
                if (!begin.IsEmpty && !Intersects(origin, begin, end))
                {
                    continue;
                }

                ulong offset = index[2 * k];
                ulong length = index[(2 * k) + 1];
                if (offset == Missing && length == Missing)
                {
                    BoxCopy.Fill(chunk, shardShape, origin, innerShape, spec.FillValue);
                    continue;
                }

                if (offset > (ulong)encoded.Length || length > (ulong)encoded.Length - offset)
                {
                    throw new InvalidDataException($"inner chunk {k} of the shard lies at [{offset}, {offset + length}), outside the shard's {encoded.Length} bytes (truncated or corrupted).");
                }

                try
                {
                    Codecs.Decode(encoded.Slice((int)offset, (int)length), innerBytes, inner);
                }
                catch (InvalidDataException error)
                {
                    throw new InvalidDataException($"inner chunk {k} of the shard: {error.Message}", error);
                }

                BoxCopy.Copy(innerBytes, innerShape, new long[origin.Length], chunk, shardShape, origin, innerShape, spec.ItemSize);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(innerBuffer);
        }
    }

    private (ChunkSpec Inner, int Count, ChunkSpec IndexSpec) Layout(ChunkSpec spec)
    {
        if (spec.Shape.Length != _chunkShape.Length)
        {
            throw new ArgumentException($"sharding chunk_shape has {_chunkShape.Length} axes but the shard has {spec.Shape.Length}.", nameof(spec));
        }

        var perShard = new int[_chunkShape.Length + 1];
        long count = 1;
        for (int axis = 0; axis < _chunkShape.Length; axis++)
        {
            if (spec.Shape[axis] % _chunkShape[axis] != 0)
            {
                throw new ArgumentException($"sharding chunk_shape [{string.Join(", ", _chunkShape)}] does not divide the shard shape [{string.Join(", ", spec.Shape)}].", nameof(spec));
            }

            perShard[axis] = spec.Shape[axis] / _chunkShape[axis];
            count *= perShard[axis];
        }

        perShard[^1] = 2;
        var all = new byte[8];
        all.AsSpan().Fill(0xFF);
        return (spec with { Shape = _chunkShape, ValidShape = null }, checked((int)count), new ChunkSpec(perShard, DType.UInt64, all));
    }

    private bool Intersects(long[] origin, ReadOnlySpan<long> begin, ReadOnlySpan<long> end)
    {
        for (int axis = 0; axis < origin.Length; axis++)
        {
            if (origin[axis] >= end[axis] || origin[axis] + _chunkShape[axis] <= begin[axis])
            {
                return false;
            }
        }

        return true;
    }

    private void InnerOrigin(int k, int[] shardShape, long[] origin)
    {
        for (int axis = shardShape.Length - 1; axis >= 0; axis--)
        {
            int perAxis = shardShape[axis] / _chunkShape[axis];
            origin[axis] = (long)(k % perAxis) * _chunkShape[axis];
            k /= perAxis;
        }
    }

    private static long[] ToLong(int[] values) => Array.ConvertAll(values, v => (long)v);
}
