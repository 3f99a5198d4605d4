using System.Buffers;

namespace BioImage.Storage.Codecs;

/// <summary>
/// A zarr v3 codec pipeline: array→array codecs, exactly one array→bytes codec, then bytes→bytes codecs.
/// Encoding runs the list in order, decoding in reverse (zarr v3 core spec, "Codecs").
/// </summary>
/// <remarks>
/// Buffers come from <see cref="ArrayPool{T}"/>. While decoding, every stage may produce at most the size that
/// the stages before it can encode the chunk to (<see cref="IBytesToBytesCodec.MaxEncodedLength"/>), and the
/// array→bytes stage must produce exactly the chunk's size — corrupted input can never allocate more than that.
/// </remarks>
public sealed class CodecChain
{
    private readonly IArrayToArrayCodec[] _arrayToArray;
    private readonly IBytesToBytesCodec[] _bytesToBytes;

    private CodecChain(IArrayToArrayCodec[] arrayToArray, IArrayToBytesCodec arrayToBytes, IBytesToBytesCodec[] bytesToBytes)
    {
        _arrayToArray = arrayToArray;
        ArrayToBytes = arrayToBytes;
        _bytesToBytes = bytesToBytes;
    }

    /// <summary>The array→array codecs in encoding order.</summary>
    public IReadOnlyList<IArrayToArrayCodec> ArrayToArray => _arrayToArray;

    /// <summary>The one array→bytes codec.</summary>
    public IArrayToBytesCodec ArrayToBytes { get; }

    /// <summary>The bytes→bytes codecs in encoding order.</summary>
    public IReadOnlyList<IBytesToBytesCodec> BytesToBytes => _bytesToBytes;

    /// <summary>Every codec in encoding order.</summary>
    public IEnumerable<ICodec> All => [.. _arrayToArray, ArrayToBytes, .. _bytesToBytes];

    /// <summary>Builds a chain, checking the order (zarr-python's <c>codecs_from_list</c> rules).</summary>
    /// <exception cref="ArgumentException">The list is empty, has no or several array→bytes codecs, or a codec is out of place.</exception>
    public static CodecChain Create(IEnumerable<ICodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        var arrayToArray = new List<IArrayToArrayCodec>();
        var bytesToBytes = new List<IBytesToBytesCodec>();
        IArrayToBytesCodec? arrayToBytes = null;
        foreach (var codec in codecs)
        {
            switch (codec)
            {
                case IArrayToArrayCodec a when arrayToBytes is null:
                    arrayToArray.Add(a);
                    break;
                case IArrayToArrayCodec a:
                    throw new ArgumentException($"The array→array codec '{a.Name}' follows the array→bytes codec '{arrayToBytes.Name}'; array→array codecs must come first.", nameof(codecs));
                case IArrayToBytesCodec b when arrayToBytes is null:
                    arrayToBytes = b;
                    break;
                case IArrayToBytesCodec b:
                    throw new ArgumentException($"Only one array→bytes codec is allowed; found '{arrayToBytes.Name}' and '{b.Name}'.", nameof(codecs));
                case IBytesToBytesCodec c when arrayToBytes is not null:
                    bytesToBytes.Add(c);
                    break;
                case IBytesToBytesCodec c:
                    throw new ArgumentException($"The bytes→bytes codec '{c.Name}' comes before any array→bytes codec (such as 'bytes'); add one first.", nameof(codecs));
                default:
                    throw new ArgumentException($"'{codec?.Name}' is not an array→array, array→bytes or bytes→bytes codec.", nameof(codecs));
            }
        }

        return arrayToBytes is null
            ? throw new ArgumentException("The codec list has no array→bytes codec (such as 'bytes' or 'sharding_indexed').", nameof(codecs))
            : new CodecChain([.. arrayToArray], arrayToBytes, [.. bytesToBytes]);
    }

    /// <summary>The spec the array→bytes codec sees (after the array→array codecs).</summary>
    public ChunkSpec ResolveBytesSpec(ChunkSpec spec)
    {
        foreach (var codec in _arrayToArray)
        {
            spec = codec.Resolve(spec);
        }

        return spec;
    }

    /// <summary>An upper bound of the encoded size of a chunk.</summary>
    public long MaxEncodedLength(ChunkSpec spec)
    {
        long length = ArrayToBytes.MaxEncodedLength(ResolveBytesSpec(spec));
        foreach (var codec in _bytesToBytes)
        {
            length = codec.MaxEncodedLength(length);
        }

        return length;
    }

    /// <summary>Decodes a stored chunk into <paramref name="chunk"/> (exactly <see cref="ChunkSpec.ByteLength"/> bytes).</summary>
    /// <exception cref="InvalidDataException">The stored bytes are corrupted or truncated, or decode to the wrong size.</exception>
    public void Decode(ReadOnlySpan<byte> encoded, Span<byte> chunk, ChunkSpec spec)
    {
        if (chunk.Length != spec.ByteLength)
        {
            throw new ArgumentException($"The chunk buffer holds {chunk.Length} bytes; the chunk needs {spec.ByteLength}.", nameof(chunk));
        }

        var bytesSpec = ResolveBytesSpec(spec);
        var bounds = new long[_bytesToBytes.Length + 1];
        bounds[0] = ArrayToBytes.MaxEncodedLength(bytesSpec);
        for (int i = 0; i < _bytesToBytes.Length; i++)
        {
            bounds[i + 1] = _bytesToBytes[i].MaxEncodedLength(bounds[i]);
        }

        byte[]? current = null;
        try
        {
            var input = encoded;
            for (int i = _bytesToBytes.Length - 1; i >= 0; i--)
            {
                if (i == 0 && _arrayToArray.Length == 0 && ArrayToBytes is BytesCodec bytes)
                {
                    // The last bytes→bytes stage yields the chunk's bytes: decode them in place, saving a copy.
                    int decoded = _bytesToBytes[0].Decode(input, chunk, bytesSpec);
                    bytes.DecodeInPlace(chunk[..decoded], chunk, bytesSpec);
                    return;
                }

                int capacity = (int)Math.Min(bounds[i], Array.MaxLength);
                var output = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 1));
                int written;
                try
                {
                    written = _bytesToBytes[i].Decode(input, output.AsSpan(0, capacity), bytesSpec);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(output);
                    throw;
                }

                Return(current);
                current = output;
                input = current.AsSpan(0, written);
            }

            if (_arrayToArray.Length == 0)
            {
                ArrayToBytes.Decode(input, chunk, bytesSpec);
                return;
            }

            DecodeThroughArrayCodecs(input, chunk, spec, bytesSpec);
        }
        finally
        {
            Return(current);
        }
    }

    /// <summary>Encodes a chunk; the result lives in a pooled array the caller returns with <see cref="ReturnBuffer"/>.</summary>
    public ArraySegment<byte> Encode(ReadOnlySpan<byte> chunk, ChunkSpec spec)
    {
        if (chunk.Length != spec.ByteLength)
        {
            throw new ArgumentException($"The chunk holds {chunk.Length} bytes; the spec needs {spec.ByteLength}.", nameof(chunk));
        }

        byte[]? arrayBuffer = null;
        var bytesSpec = spec;
        var array = chunk;
        try
        {
            foreach (var codec in _arrayToArray)
            {
                var next = codec.Resolve(bytesSpec);
                var output = ArrayPool<byte>.Shared.Rent(Math.Max(next.ByteLength, 1));
                codec.Encode(array, output.AsSpan(0, next.ByteLength), bytesSpec);
                Return(arrayBuffer);
                arrayBuffer = output;
                array = output.AsSpan(0, next.ByteLength);
                bytesSpec = next;
            }

            // When the bytes codec leaves the chunk's bytes as they are, the first bytes→bytes codec reads the chunk
            // itself, saving a copy of it.
            bool asIs = _bytesToBytes.Length > 0 && ArrayToBytes is BytesCodec bytes && !(bytes.BigEndian && bytesSpec.ItemSize > 1);
            byte[]? current = null;
            int length = array.Length;
            if (!asIs)
            {
                current = ArrayPool<byte>.Shared.Rent(CheckedLength(ArrayToBytes.MaxEncodedLength(bytesSpec)));
                length = ArrayToBytes.Encode(array, current, bytesSpec);
            }

            foreach (var codec in _bytesToBytes)
            {
                var output = ArrayPool<byte>.Shared.Rent(CheckedLength(codec.MaxEncodedLength(length)));
                try
                {
                    length = codec.Encode(current is null ? array : current.AsSpan(0, length), output, bytesSpec);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(output);
                    throw;
                }
                finally
                {
                    Return(current);
                }

                current = output;
            }

            return new ArraySegment<byte>(current!, 0, length);
        }
        finally
        {
            Return(arrayBuffer);
        }
    }

    /// <summary>Gives an <see cref="Encode"/> result back to the pool.</summary>
    public static void ReturnBuffer(ArraySegment<byte> encoded)
    {
        if (encoded.Array is { Length: > 0 } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void DecodeThroughArrayCodecs(ReadOnlySpan<byte> input, Span<byte> chunk, ChunkSpec spec, ChunkSpec bytesSpec)
    {
        var specs = new ChunkSpec[_arrayToArray.Length + 1];
        specs[0] = spec;
        for (int i = 0; i < _arrayToArray.Length; i++)
        {
            specs[i + 1] = _arrayToArray[i].Resolve(specs[i]);
        }

        var a = ArrayPool<byte>.Shared.Rent(bytesSpec.ByteLength);
        var b = ArrayPool<byte>.Shared.Rent(bytesSpec.ByteLength);
        try
        {
            ArrayToBytes.Decode(input, a.AsSpan(0, bytesSpec.ByteLength), bytesSpec);
            for (int i = _arrayToArray.Length - 1; i >= 0; i--)
            {
                var target = i == 0 ? chunk : b.AsSpan(0, specs[i].ByteLength);
                _arrayToArray[i].Decode(a.AsSpan(0, specs[i + 1].ByteLength), target, specs[i]);
                (a, b) = (b, a);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(a);
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private static void Return(byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int CheckedLength(long bound) => bound <= Array.MaxLength
        ? (int)Math.Max(bound, 1)
        : throw new InvalidOperationException($"An encoded chunk could need {bound} bytes, more than one buffer holds; use smaller chunks.");
}
