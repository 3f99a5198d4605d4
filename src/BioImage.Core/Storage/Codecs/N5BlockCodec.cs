using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace BioImage.Storage.Codecs;

/// <summary>
/// N5's block format (array→bytes): a big-endian header — u16 mode, u16 ndim, u32 size per axis in N5 order
/// (fastest axis first), plus u32 element count in varlength mode 1 — followed by the big-endian elements in
/// C order of the reversed axes, compressed as a whole by the dataset's compression. Edge blocks are written
/// truncated to the array (as N5's Java reference does); on read the header's sizes decide, so padded blocks
/// (zarr-python's N5 store) read too.
/// </summary>
public sealed class N5BlockCodec : IArrayToBytesCodec
{
    /// <summary>A block codec whose payload is compressed by <paramref name="compression"/> (null = raw).</summary>
    public N5BlockCodec(IBytesToBytesCodec? compression) => Compression = compression;

    /// <summary>The payload compression; null for N5 <c>raw</c>.</summary>
    public IBytesToBytesCodec? Compression { get; }

    /// <inheritdoc />
    public string Name => "n5";

    /// <inheritdoc />
    public JsonObject ToJson() => new() { ["name"] = Name, ["configuration"] = new JsonObject { ["compression"] = Compression?.ToJson() } };

    /// <inheritdoc />
    public long MaxEncodedLength(ChunkSpec spec) => 8 + (4L * spec.Shape.Length) + (Compression?.MaxEncodedLength(spec.ByteLength) ?? spec.ByteLength);

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> chunk, Span<byte> encoded, ChunkSpec spec)
    {
        int rank = spec.Shape.Length;
        var valid = spec.ValidShape ?? spec.Shape;
        BinaryPrimitives.WriteUInt16BigEndian(encoded, 0);
        BinaryPrimitives.WriteUInt16BigEndian(encoded[2..], (ushort)rank);
        for (int axis = 0; axis < rank; axis++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(encoded[(4 + (4 * axis))..], (uint)valid[rank - 1 - axis]);
        }

        int header = 4 + (4 * rank);
        int payloadLength = checked((int)(valid.Aggregate(1L, (p, e) => p * e) * spec.ItemSize));
        var payload = ArrayPool<byte>.Shared.Rent(Math.Max(payloadLength, 1));
        try
        {
            var box = Array.ConvertAll(valid, e => (long)e);
            BoxCopy.Copy(chunk, Array.ConvertAll(spec.Shape, e => (long)e), new long[rank], payload, box, new long[rank], box, spec.ItemSize);
            BytesCodec.CopyInByteOrder(payload.AsSpan(0, payloadLength), payload.AsSpan(0, payloadLength), spec.ItemSize, swap: true);
            if (Compression is null)
            {
                payload.AsSpan(0, payloadLength).CopyTo(encoded[header..]);
                return header + payloadLength;
            }

            return header + Compression.Encode(payload.AsSpan(0, payloadLength), encoded[header..], spec);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <inheritdoc />
    public void Decode(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec)
    {
        int rank = spec.Shape.Length;
        if (encoded.Length < 4)
        {
            throw new InvalidDataException($"the N5 block holds {encoded.Length} bytes, fewer than its header (truncated).");
        }

        int mode = BinaryPrimitives.ReadUInt16BigEndian(encoded);
        int dims = BinaryPrimitives.ReadUInt16BigEndian(encoded[2..]);
        if (mode is not (0 or 1))
        {
            throw new InvalidDataException($"the N5 block has mode {mode}; only modes 0 (default) and 1 (varlength) hold numeric arrays.");
        }

        int header = 4 + (4 * dims) + (mode == 1 ? 4 : 0);
        if (dims != rank || encoded.Length < header)
        {
            throw new InvalidDataException(dims != rank
                ? $"the N5 block header has {dims} dimensions; the dataset has {rank}."
                : $"the N5 block holds {encoded.Length} bytes, fewer than its {header}-byte header (truncated).");
        }

        var shape = new long[rank];
        long count = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            shape[rank - 1 - axis] = BinaryPrimitives.ReadUInt32BigEndian(encoded[(4 + (4 * axis))..]);
            if (shape[rank - 1 - axis] > spec.Shape[rank - 1 - axis])
            {
                throw new InvalidDataException($"the N5 block header's size [{string.Join(", ", shape.Reverse())}] exceeds the blockSize [{string.Join(", ", spec.Shape.Reverse())}].");
            }

            count *= shape[rank - 1 - axis];
        }

        if (mode == 1 && BinaryPrimitives.ReadUInt32BigEndian(encoded[(header - 4)..]) != count)
        {
            throw new InvalidDataException($"the varlength N5 block holds {BinaryPrimitives.ReadUInt32BigEndian(encoded[(header - 4)..])} elements; its size [{string.Join(", ", shape.Reverse())}] has {count}.");
        }

        int payloadLength = (int)(count * spec.ItemSize);
        bool whole = payloadLength == chunk.Length;
        var buffer = whole ? null : ArrayPool<byte>.Shared.Rent(Math.Max(payloadLength, 1));
        var payload = whole ? chunk : buffer.AsSpan(0, payloadLength);
        try
        {
            var body = encoded[header..];
            int written = Compression is null ? Copy(body, payload) : Compression.Decode(body, payload, spec);
            if (written != payloadLength)
            {
                throw new InvalidDataException($"the N5 block's data decode to {written} bytes; its header promises {payloadLength} (truncated or corrupted).");
            }

            BytesCodec.CopyInByteOrder(payload, payload, spec.ItemSize, swap: true);
            if (!whole)
            {
                var full = Array.ConvertAll(spec.Shape, e => (long)e);
                BoxCopy.FillElements(chunk, spec.FillValue);
                BoxCopy.Copy(payload, shape, new long[rank], chunk, full, new long[rank], shape, spec.ItemSize);
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static int Copy(ReadOnlySpan<byte> body, Span<byte> payload)
    {
        if (body.Length > payload.Length)
        {
            throw new InvalidDataException($"the raw N5 block holds {body.Length} data bytes; its header promises {payload.Length}.");
        }

        body.CopyTo(payload);
        return body.Length;
    }
}
