using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using BioImage.Kernels;

namespace BioImage.Storage.Codecs;

/// <summary>Blosc's pre-compression filter.</summary>
public enum BloscShuffle
{
    /// <summary>numcodecs -1 (AUTOSHUFFLE): bit shuffle for 1-byte elements, else byte shuffle.</summary>
    AutoShuffle = -1,

    /// <summary>No shuffle (numcodecs 0).</summary>
    NoShuffle = 0,

    /// <summary>Byte shuffle (numcodecs 1, the default).</summary>
    Shuffle = 1,

    /// <summary>Bit shuffle (numcodecs 2).</summary>
    BitShuffle = 2,
}

/// <summary>
/// <c>blosc</c> (bytes→bytes): the c-blosc 1.x frame — a 16-byte header, block offsets, and per block (optionally
/// per byte "split") streams of an internal codec over byte- or bit-shuffled data. Decodes the internal codecs
/// blosclz, lz4, lz4hc, zlib and zstd; encodes lz4, lz4hc, zlib and zstd.
/// </summary>
/// <remarks>
/// Frame layout and the split rule follow c-blosc's <c>README_CHUNK_FORMAT.rst</c> and <c>blosc.c</c> (see
/// shared/reference/formats.md §3). The shuffle and type size used for decoding come from the frame header, never
/// from metadata (writers mislabel them). Block size on encode follows c-blosc's <c>compute_blocksize</c>.
/// </remarks>
/// <param name="CName">Internal codec: lz4, lz4hc, blosclz, zlib or zstd.</param>
/// <param name="CLevel">Compression level 0–9 (0 stores the data uncompressed).</param>
/// <param name="Shuffle">Shuffle applied before compressing.</param>
/// <param name="TypeSize">Element size for the shuffle; 0 = the chunk's element size.</param>
/// <param name="BlockSize">Bytes per block; 0 = automatic.</param>
public sealed record BloscCodec(string CName = "lz4", int CLevel = 5, BloscShuffle Shuffle = BloscShuffle.Shuffle, int TypeSize = 0, int BlockSize = 0) : IBytesToBytesCodec
{
    private const int HeaderLength = 16;
    private const byte ByteShuffleFlag = 0x01;
    private const byte MemcpyFlag = 0x02;
    private const byte BitShuffleFlag = 0x04;
    private const byte ReservedFlag = 0x08;
    private const byte DontSplitFlag = 0x10;

    /// <summary>The internal codec names blosc knows, in frame-format order (format code = index; snappy at 2).</summary>
    private static readonly string[] Formats = ["blosclz", "lz4", "snappy", "zlib", "zstd"];

    /// <inheritdoc />
    public string Name => "blosc";

    /// <inheritdoc />
    public JsonObject ToJson()
    {
        var configuration = new JsonObject
        {
            ["cname"] = CName,
            ["clevel"] = CLevel,
            ["shuffle"] = Shuffle switch { BloscShuffle.Shuffle or BloscShuffle.AutoShuffle => "shuffle", BloscShuffle.BitShuffle => "bitshuffle", _ => "noshuffle" },
            ["blocksize"] = BlockSize,
        };
        if (TypeSize > 0)
        {
            configuration["typesize"] = TypeSize;
        }

        return new JsonObject { ["name"] = Name, ["configuration"] = configuration };
    }

    /// <inheritdoc />
    public long MaxEncodedLength(long decodedLength) => decodedLength + HeaderLength;

    /// <inheritdoc />
    public int Decode(ReadOnlySpan<byte> encoded, Span<byte> decoded, ChunkSpec spec)
    {
        if (encoded.Length < HeaderLength)
        {
            throw new InvalidDataException($"the blosc frame holds {encoded.Length} bytes, fewer than its 16-byte header (truncated).");
        }

        byte version = encoded[0];
        byte flags = encoded[2];
        int typeSize = encoded[3];
        int nbytes = BinaryPrimitives.ReadInt32LittleEndian(encoded[4..]);
        int blockSize = BinaryPrimitives.ReadInt32LittleEndian(encoded[8..]);
        int cbytes = BinaryPrimitives.ReadInt32LittleEndian(encoded[12..]);
        if (version is 0 or > 2 || encoded[1] != 1 || (flags & ReservedFlag) != 0 || (flags & (ByteShuffleFlag | BitShuffleFlag)) == (ByteShuffleFlag | BitShuffleFlag))
        {
            throw new InvalidDataException($"wrong blosc header: version {version}, codec version {encoded[1]}, flags 0x{flags:x2} (expected a c-blosc 1.x frame: version 1–2, codec version 1, reserved flag clear).");
        }

        if (nbytes < 0 || cbytes < HeaderLength || typeSize == 0 || (nbytes > 0 && blockSize <= 0))
        {
            throw new InvalidDataException($"wrong blosc header: nbytes {nbytes}, blocksize {blockSize}, cbytes {cbytes}, typesize {typeSize}.");
        }

        if (nbytes > decoded.Length)
        {
            throw new InvalidDataException($"the blosc header announces {nbytes} bytes, more than the expected {decoded.Length} bytes; refused (corrupted chunk or decompression bomb).");
        }

        if (cbytes > encoded.Length)
        {
            throw new InvalidDataException($"the blosc frame says it holds {cbytes} bytes but only {encoded.Length} are stored (truncated).");
        }

        var frame = encoded[..cbytes];
        var output = decoded[..nbytes];
        if (nbytes == 0)
        {
            return 0;
        }

        if ((flags & MemcpyFlag) != 0)
        {
            if (cbytes != nbytes + HeaderLength)
            {
                throw new InvalidDataException($"the uncompressed blosc frame holds {cbytes - HeaderLength} data bytes; its header says {nbytes}.");
            }

            frame[HeaderLength..].CopyTo(output);
            return nbytes;
        }

        int format = flags >> 5;
        string cname = format < Formats.Length ? Formats[format] : $"format {format}";
        if (cname is "snappy" || format >= Formats.Length)
        {
            throw new InvalidDataException($"the blosc frame uses the internal codec '{cname}', which is not supported (supported: blosclz, lz4, lz4hc, zlib, zstd).");
        }

        int blocks = (int)(((long)nbytes + blockSize - 1) / blockSize);
        int leftover = nbytes % blockSize;
        if (HeaderLength + (4L * blocks) > cbytes)
        {
            throw new InvalidDataException($"the blosc frame is truncated: {blocks} block offsets do not fit in {cbytes} bytes.");
        }

        var scratch = ArrayPool<byte>.Shared.Rent(Math.Min(blockSize, nbytes));
        try
        {
            for (int block = 0; block < blocks; block++)
            {
                bool isLeftover = block == blocks - 1 && leftover > 0;
                int blockLength = isLeftover ? leftover : blockSize;
                int start = BinaryPrimitives.ReadInt32LittleEndian(frame[(HeaderLength + (4 * block))..]);
                if (start < HeaderLength + (4 * blocks) || start >= cbytes)
                {
                    throw new InvalidDataException($"blosc block {block} starts at {start}, outside the frame's {cbytes} bytes (corrupted).");
                }

                var target = output.Slice(block * blockSize, blockLength);
                bool unshuffle = ((flags & ByteShuffleFlag) != 0 && typeSize > 1) || ((flags & BitShuffleFlag) != 0 && blockLength >= typeSize);
                var raw = unshuffle ? scratch.AsSpan(0, blockLength) : target;
                int splits = (flags & DontSplitFlag) == 0 && typeSize <= 16 && blockLength / typeSize >= 128 && !isLeftover ? typeSize : 1;
                DecodeBlock(frame, start, raw, splits, cname, block);
                if ((flags & ByteShuffleFlag) != 0 && typeSize > 1)
                {
                    ByteShuffle.Unshuffle(raw, target, typeSize);
                }
                else if (unshuffle)
                {
                    BitShuffle.Unshuffle(raw, target, typeSize);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return nbytes;
    }

    /// <inheritdoc />
    public int Encode(ReadOnlySpan<byte> decoded, Span<byte> encoded, ChunkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int typeSize = TypeSize > 0 ? TypeSize : spec.ItemSize;
        typeSize = typeSize > 255 ? 1 : typeSize;
        int format = CName switch
        {
            "lz4" or "lz4hc" => 1,
            "zlib" => 3,
            "zstd" => 4,
            "blosclz" => 0,
            _ => throw new NotSupportedException($"blosc cname '{CName}' is not supported; expected lz4, lz4hc, zlib, zstd or blosclz."),
        };
        var shuffle = Shuffle == BloscShuffle.AutoShuffle ? (typeSize == 1 ? BloscShuffle.BitShuffle : BloscShuffle.Shuffle) : Shuffle;
        byte shuffleFlags = shuffle switch { BloscShuffle.Shuffle => ByteShuffleFlag, BloscShuffle.BitShuffle => BitShuffleFlag, _ => 0 };
        int nbytes = decoded.Length;
        if (CLevel == 0 || nbytes < 128 || format == 0)
        {
            // blosclz is decoded but not encoded: such frames are stored uncompressed, which every reader accepts.
            return EncodeUncompressed(decoded, encoded, (byte)(shuffleFlags | (format << 5)), typeSize);
        }

        int blockSize = BlockSize > 0 ? Math.Min(BlockSize, nbytes) : ComputeBlockSize(nbytes, typeSize);
        blockSize = blockSize > typeSize ? blockSize / typeSize * typeSize : blockSize;
        bool split = CName != "zstd" && typeSize <= 16 && blockSize / typeSize >= 128;
        byte flags = (byte)(shuffleFlags | (format << 5) | (split ? 0 : DontSplitFlag));
        int blocks = (nbytes + blockSize - 1) / blockSize;
        int leftover = nbytes % blockSize;
        int limit = Math.Min(encoded.Length, nbytes + HeaderLength);
        int position = HeaderLength + (4 * blocks);
        if (position >= limit)
        {
            return EncodeUncompressed(decoded, encoded, flags, typeSize);
        }

        var scratch = ArrayPool<byte>.Shared.Rent(blockSize);
        try
        {
            for (int block = 0; block < blocks; block++)
            {
                bool isLeftover = block == blocks - 1 && leftover > 0;
                int blockLength = isLeftover ? leftover : blockSize;
                var source = decoded.Slice(block * blockSize, blockLength);
                var shuffled = scratch.AsSpan(0, blockLength);
                switch (shuffle)
                {
                    case BloscShuffle.Shuffle when typeSize > 1:
                        ByteShuffle.Shuffle(source, shuffled, typeSize);
                        break;
                    case BloscShuffle.BitShuffle when blockLength >= typeSize:
                        BitShuffle.Shuffle(source, shuffled, typeSize);
                        break;
                    default:
                        source.CopyTo(shuffled);
                        break;
                }

                BinaryPrimitives.WriteInt32LittleEndian(encoded[(HeaderLength + (4 * block))..], position);
                int splits = split && !isLeftover ? typeSize : 1;
                int splitLength = blockLength / splits;
                for (int s = 0; s < splits; s++)
                {
                    var part = shuffled.Slice(s * splitLength, splitLength);
                    if (position + 4 + splitLength > limit)
                    {
                        int room = limit - position - 4;
                        int fitted = room > 0 ? CompressSplit(part, encoded.Slice(position + 4, Math.Min(room, splitLength - 1))) : 0;
                        if (fitted == 0)
                        {
                            return EncodeUncompressed(decoded, encoded, flags, typeSize);
                        }

                        BinaryPrimitives.WriteInt32LittleEndian(encoded[position..], fitted);
                        position += 4 + fitted;
                        continue;
                    }

                    int written = CompressSplit(part, encoded.Slice(position + 4, splitLength - 1));
                    if (written == 0)
                    {
                        part.CopyTo(encoded[(position + 4)..]);
                        written = splitLength;
                    }

                    BinaryPrimitives.WriteInt32LittleEndian(encoded[position..], written);
                    position += 4 + written;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        WriteHeader(encoded, flags, typeSize, nbytes, blockSize, position);
        return position;
    }

    private static void DecodeBlock(ReadOnlySpan<byte> frame, int start, Span<byte> raw, int splits, string cname, int block)
    {
        int splitLength = raw.Length / splits;
        int position = start;
        for (int s = 0; s < splits; s++)
        {
            if (position + 4 > frame.Length)
            {
                throw new InvalidDataException($"blosc block {block} is truncated (no room for the size of split {s}).");
            }

            int compressed = BinaryPrimitives.ReadInt32LittleEndian(frame[position..]);
            position += 4;
            if (compressed < 0 || position + compressed > frame.Length)
            {
                throw new InvalidDataException($"blosc block {block}, split {s}: {compressed} compressed bytes do not fit in the frame (truncated or corrupted).");
            }

            var stream = frame.Slice(position, compressed);
            var target = raw.Slice(s * splitLength, splitLength);
            if (compressed == splitLength)
            {
                stream.CopyTo(target);
            }
            else
            {
                DecompressSplit(stream, target, cname);
            }

            position += compressed;
        }
    }

    private static void DecompressSplit(ReadOnlySpan<byte> stream, Span<byte> target, string cname)
    {
        switch (cname)
        {
            case "lz4":
                Lz4.DecompressExactly(stream, target);
                break;
            case "blosclz":
                BloscLz.DecompressExactly(stream, target);
                break;
            case "zstd":
                Require(Zstd.Decompress(stream, target), target.Length, cname);
                break;
            default:
                Require(new DeflateCodec(Zlib: true).Decode(stream, target, null!), target.Length, cname);
                break;
        }
    }

    private static void Require(int written, int expected, string cname)
    {
        if (written != expected)
        {
            throw new InvalidDataException($"a blosc {cname} stream decodes to {written} bytes; expected {expected} (truncated).");
        }
    }

    /// <summary>Compresses one split into <paramref name="target"/>; 0 when the result does not fit (then it is stored raw).</summary>
    private int CompressSplit(ReadOnlySpan<byte> part, Span<byte> target)
    {
        switch (CName)
        {
            case "lz4":
                return Lz4.Compress(part, target, acceleration: Math.Max(1, 10 - CLevel));
            case "lz4hc":
                return Lz4.Compress(part, target, highCompressionLevel: CLevel);
            case "zstd":
                return Zstd.TryCompress(part, target, CLevel < 9 ? (2 * CLevel) - 1 : 22);
            default:
                var buffer = ArrayPool<byte>.Shared.Rent((int)new DeflateCodec(CLevel, Zlib: true).MaxEncodedLength(part.Length));
                try
                {
                    int length = new DeflateCodec(CLevel, Zlib: true).Encode(part, buffer, null!);
                    if (length > target.Length)
                    {
                        return 0;
                    }

                    buffer.AsSpan(0, length).CopyTo(target);
                    return length;
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
        }
    }

    private int ComputeBlockSize(int nbytes, int typeSize)
    {
        bool highRatio = CName is "lz4hc" or "zlib" or "zstd";
        int blockSize = nbytes < 32 * 1024 ? nbytes : 32 * 1024;
        if (nbytes >= 32 * 1024)
        {
            blockSize *= highRatio ? 2 : 1;
            blockSize = CLevel switch
            {
                1 => blockSize / 2,
                2 => blockSize,
                3 => blockSize * 2,
                4 or 5 => blockSize * 4,
                >= 6 and <= 8 => blockSize * 8,
                9 => blockSize * (highRatio ? 16 : 8),
                _ => blockSize / 4,
            };
        }

        if (CName != "zstd" && typeSize <= 16 && blockSize / typeSize >= 128)
        {
            blockSize = Math.Clamp(Math.Min(blockSize, 1 << 18) * typeSize, 1 << 16, 1 << 20);
        }

        return Math.Max(1, Math.Min(blockSize, nbytes));
    }

    private static int EncodeUncompressed(ReadOnlySpan<byte> decoded, Span<byte> encoded, byte flags, int typeSize)
    {
        decoded.CopyTo(encoded[HeaderLength..]);
        WriteHeader(encoded, (byte)(flags | MemcpyFlag), typeSize, decoded.Length, Math.Max(decoded.Length, 1), decoded.Length + HeaderLength);
        return decoded.Length + HeaderLength;
    }

    private static void WriteHeader(Span<byte> encoded, byte flags, int typeSize, int nbytes, int blockSize, int cbytes)
    {
        encoded[0] = 2;
        encoded[1] = 1;
        encoded[2] = flags;
        encoded[3] = (byte)typeSize;
        BinaryPrimitives.WriteInt32LittleEndian(encoded[4..], nbytes);
        BinaryPrimitives.WriteInt32LittleEndian(encoded[8..], blockSize);
        BinaryPrimitives.WriteInt32LittleEndian(encoded[12..], cbytes);
    }
}
