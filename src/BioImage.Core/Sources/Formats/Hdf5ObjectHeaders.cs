using System.Buffers.Binary;
using System.Text;

namespace BioImage.Sources.Formats;

/// <summary>
/// Object headers read and edited as bytes (HDF5 file format specification IV.A): the messages of a version 1 or 2
/// header with their file offsets, following continuation blocks, and same-size edits of message bytes in a version 2
/// header with its Jenkins lookup3 checksums recomputed. Used for the few things PureHDF 2.2 neither exposes nor lets
/// a writer set: whether a fill value is undefined or the library default, the fill time, filter flags, and the
/// padding and character set of variable-length strings. Offsets and lengths are 8 bytes (the callers check the
/// superblock); the file's base address is 0 (files with a user block are refused).
/// </summary>
internal static class Hdf5ObjectHeaders
{
    /// <summary>The datatype message (IV.A.2.d).</summary>
    public const int Datatype = 0x03;

    /// <summary>The fill value message (IV.A.2.f).</summary>
    public const int FillValue = 0x05;

    /// <summary>The old fill value message (IV.A.2.e).</summary>
    public const int OldFillValue = 0x04;

    /// <summary>The filter pipeline message (IV.A.2.l).</summary>
    public const int FilterPipeline = 0x0B;

    /// <summary>The attribute message (IV.A.2.m).</summary>
    public const int Attribute = 0x0C;

    private const int Continuation = 0x10;
    private const int MaximumBlocks = 4096;

    /// <summary>Reads the messages of the object header at <paramref name="address"/>.</summary>
    public static RawHeader Read(Stream stream, long address)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[16];
        ReadExactly(stream, address, prefix[..4]);
        return prefix[0] == 1 ? ReadVersion1(stream, address, prefix) : ReadVersion2(stream, address, prefix);
    }

    /// <summary>
    /// Lets <paramref name="edit"/> change the bytes of each message of the version 2 header at <paramref name="address"/>
    /// in place (it returns whether it changed them), writes the changed messages back and recomputes the checksums.
    /// The stored checksums are verified first, so a misparsed header is never written.
    /// </summary>
    public static void Edit(Stream stream, long address, Func<RawMessage, byte[], bool> edit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(edit);
        var header = Read(stream, address);
        if (header.Version != 2)
        {
            throw new InvalidDataException($"The object header at {address} has version {header.Version}; only version 2 headers (which PureHDF writes) are edited.");
        }

        foreach (var chunk in header.Chunks)
        {
            if (Checksum(stream, chunk) != StoredChecksum(stream, chunk))
            {
                throw new InvalidDataException($"The object header block at {chunk.Start} does not match its checksum; it was not parsed as written.");
            }
        }

        var changed = new HashSet<int>();
        Span<byte> sum = stackalloc byte[4];
        foreach (var message in header.Messages)
        {
            byte[] data = new byte[message.Size];
            ReadExactly(stream, message.Offset, data);
            if (edit(message, data))
            {
                stream.Position = message.Offset;
                stream.Write(data);
                changed.Add(message.Chunk);
            }
        }

        foreach (int index in changed)
        {
            var chunk = header.Chunks[index];
            BinaryPrimitives.WriteUInt32LittleEndian(sum, Checksum(stream, chunk));
            stream.Position = chunk.End;
            stream.Write(sum);
        }
    }

    /// <summary>Bob Jenkins' lookup3 hashlittle with an initial value of 0, the checksum of HDF5 metadata (H5checksum.c).</summary>
    public static uint Lookup3(ReadOnlySpan<byte> key)
    {
        uint a, b, c;
        a = b = c = 0xdeadbeef + (uint)key.Length;
        while (key.Length > 12)
        {
            a += BinaryPrimitives.ReadUInt32LittleEndian(key);
            b += BinaryPrimitives.ReadUInt32LittleEndian(key[4..]);
            c += BinaryPrimitives.ReadUInt32LittleEndian(key[8..]);
            Mix(ref a, ref b, ref c);
            key = key[12..];
        }

        if (key.Length == 0)
        {
            return c;
        }

        Span<byte> tail = stackalloc byte[12];
        tail.Clear();
        key.CopyTo(tail);
        a += BinaryPrimitives.ReadUInt32LittleEndian(tail);
        b += BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        c += BinaryPrimitives.ReadUInt32LittleEndian(tail[8..]);
        c ^= b;
        c -= uint.RotateLeft(b, 14);
        a ^= c;
        a -= uint.RotateLeft(c, 11);
        b ^= a;
        b -= uint.RotateLeft(a, 25);
        c ^= b;
        c -= uint.RotateLeft(b, 16);
        a ^= c;
        a -= uint.RotateLeft(c, 4);
        b ^= a;
        b -= uint.RotateLeft(a, 14);
        c ^= b;
        c -= uint.RotateLeft(b, 24);
        return c;
    }

    private static void Mix(ref uint a, ref uint b, ref uint c)
    {
        a -= c;
        a ^= uint.RotateLeft(c, 4);
        c += b;
        b -= a;
        b ^= uint.RotateLeft(a, 6);
        a += c;
        c -= b;
        c ^= uint.RotateLeft(b, 8);
        b += a;
        a -= c;
        a ^= uint.RotateLeft(c, 16);
        c += b;
        b -= a;
        b ^= uint.RotateLeft(a, 19);
        a += c;
        c -= b;
        c ^= uint.RotateLeft(b, 4);
        b += a;
    }

    private static RawHeader ReadVersion1(Stream stream, long address, Span<byte> prefix)
    {
        ReadExactly(stream, address, prefix);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(prefix[2..]);
        long size = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        var messages = new List<RawMessage>();
        var blocks = new Queue<(long Start, long End)>();
        blocks.Enqueue((address + 16, address + 16 + size));
        Span<byte> head = stackalloc byte[8];
        for (int visited = 0; blocks.Count > 0 && messages.Count < count; visited++)
        {
            CheckBlockCount(visited, address);
            var (position, end) = blocks.Dequeue();
            while (end - position >= 8 && messages.Count < count)
            {
                ReadExactly(stream, position, head);
                int type = BinaryPrimitives.ReadUInt16LittleEndian(head);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(head[2..]);
                var message = new RawMessage(type, head[4], position + 8, length, 0);
                CheckInside(message, end, address);
                messages.Add(message);
                if (type == Continuation)
                {
                    blocks.Enqueue(ReadContinuation(stream, message));
                }

                position += 8 + length;
            }
        }

        return new RawHeader(1, messages, []);
    }

    private static RawHeader ReadVersion2(Stream stream, long address, Span<byte> prefix)
    {
        if (!prefix[..4].SequenceEqual("OHDR"u8))
        {
            throw new InvalidDataException($"No object header at {address}.");
        }

        ReadExactly(stream, address + 4, prefix[..2]);
        int flags = prefix[1];
        if (prefix[0] != 2)
        {
            throw new InvalidDataException($"The object header at {address} has version {prefix[0]}.");
        }

        long position = address + 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        int sizeBytes = 1 << (flags & 0x03);
        Span<byte> sizeField = stackalloc byte[8];
        sizeField.Clear();
        ReadExactly(stream, position, sizeField[..sizeBytes]);
        position += sizeBytes;
        long end = position + checked((long)BinaryPrimitives.ReadUInt64LittleEndian(sizeField));
        bool creationOrder = (flags & 0x04) != 0;
        var messages = new List<RawMessage>();
        var chunks = new List<HeaderChunk> { new(address, end) };
        var blocks = new Queue<(long Start, long End)>();
        blocks.Enqueue((position, end));
        int prefixSize = creationOrder ? 6 : 4;
        Span<byte> head = stackalloc byte[6];
        Span<byte> signature = stackalloc byte[4];
        for (int visited = 0; blocks.Count > 0; visited++)
        {
            CheckBlockCount(visited, address);
            (position, end) = blocks.Dequeue();
            int chunk = visited;
            while (end - position >= prefixSize)
            {
                ReadExactly(stream, position, head[..prefixSize]);
                int type = head[0];
                int length = BinaryPrimitives.ReadUInt16LittleEndian(head[1..]);
                var message = new RawMessage(type, head[3], position + prefixSize, length, chunk);
                CheckInside(message, end, address);
                messages.Add(message);
                if (type == Continuation)
                {
                    var (start, stop) = ReadContinuation(stream, message);
                    ReadExactly(stream, start, signature);
                    if (!signature.SequenceEqual("OCHK"u8))
                    {
                        throw new InvalidDataException($"The continuation block at {start} of the object header at {address} has no OCHK signature.");
                    }

                    chunks.Add(new HeaderChunk(start, stop - 4));
                    blocks.Enqueue((start + 4, stop - 4));
                }

                position += prefixSize + length;
            }
        }

        return new RawHeader(2, messages, chunks);
    }

    private static (long Start, long End) ReadContinuation(Stream stream, RawMessage message)
    {
        Span<byte> data = stackalloc byte[16];
        ReadExactly(stream, message.Offset, data);
        long start = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(data));
        long length = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
        return (start, start + length);
    }

    private static void CheckInside(RawMessage message, long end, long address)
    {
        if (message.Offset + message.Size > end)
        {
            throw new InvalidDataException($"A message of the object header at {address} runs past its block.");
        }
    }

    private static void CheckBlockCount(int visited, long address)
    {
        if (visited >= MaximumBlocks)
        {
            throw new InvalidDataException($"The object header at {address} has more than {MaximumBlocks} continuation blocks.");
        }
    }

    private static uint Checksum(Stream stream, HeaderChunk chunk)
    {
        byte[] bytes = new byte[checked((int)(chunk.End - chunk.Start))];
        ReadExactly(stream, chunk.Start, bytes);
        return Lookup3(bytes);
    }

    private static uint StoredChecksum(Stream stream, HeaderChunk chunk)
    {
        Span<byte> sum = stackalloc byte[4];
        ReadExactly(stream, chunk.End, sum);
        return BinaryPrimitives.ReadUInt32LittleEndian(sum);
    }

    private static void ReadExactly(Stream stream, long offset, Span<byte> buffer)
    {
        stream.Position = offset;
        stream.ReadExactly(buffer);
    }

    /// <summary>The character set and padding of a variable-length string datatype at the start of <paramref name="datatype"/>, or null for other types.</summary>
    public static (int Padding, int Charset)? VariableLengthString(ReadOnlySpan<byte> datatype) =>
        datatype.Length >= 4 && (datatype[0] & 0x0F) == 9 && (datatype[1] & 0x0F) == 1 ? (datatype[1] >> 4, datatype[2] & 0x0F) : null;

    /// <summary>Sets the padding and character set of the variable-length string datatype at the start of <paramref name="datatype"/>.</summary>
    public static bool SetVariableLengthString(Span<byte> datatype, int padding, int charset)
    {
        if (VariableLengthString(datatype) is not { } current)
        {
            throw new InvalidDataException("Expected a variable-length string datatype.");
        }

        if (current == (padding, charset))
        {
            return false;
        }

        datatype[1] = (byte)(1 | (padding << 4));
        datatype[2] = (byte)((datatype[2] & 0xF0) | charset);
        return true;
    }

    /// <summary>Makes the base type of the one-byte enum datatype at the start of <paramref name="datatype"/> signed (h5py's bool is based on int8).</summary>
    public static bool SetEnumBaseSigned(Span<byte> datatype)
    {
        if (datatype.Length < 12 || (datatype[0] & 0x0F) != 8 || (datatype[8] & 0x0F) != 0)
        {
            throw new InvalidDataException("Expected an enum datatype over an integer type.");
        }

        if ((datatype[9] & 0x08) != 0)
        {
            return false;
        }

        datatype[9] |= 0x08;
        return true;
    }

    /// <summary>Restores what PureHDF writes differently for a kept type (string padding and character set, bool's signed base) in the datatype at the start of <paramref name="datatype"/>.</summary>
    public static bool Restore(Span<byte> datatype, Hdf5Type type) => type.Element switch
    {
        Hdf5Element.String => SetVariableLengthString(datatype, type.Padding, type.Charset),
        Hdf5Element.Bool => SetEnumBaseSigned(datatype),
        _ => false,
    };

    /// <summary>The name and the datatype bytes of a version 3 attribute message (the version PureHDF writes).</summary>
    public static (string Name, Range Datatype) AttributeParts(ReadOnlySpan<byte> message)
    {
        if (message.Length < 9 || message[0] != 3)
        {
            throw new InvalidDataException($"Expected a version 3 attribute message, found version {(message.Length > 0 ? message[0] : -1)}.");
        }

        int nameSize = BinaryPrimitives.ReadUInt16LittleEndian(message[2..]);
        int typeSize = BinaryPrimitives.ReadUInt16LittleEndian(message[4..]);
        int nameLength = nameSize > 0 && message[9 + nameSize - 1] == 0 ? nameSize - 1 : nameSize;
        return (Encoding.UTF8.GetString(message.Slice(9, nameLength)), new Range(9 + nameSize, 9 + nameSize + typeSize));
    }
}

/// <summary>A message of an object header: its type, flags, where its data starts in the file, its size, and which header block holds it.</summary>
internal readonly record struct RawMessage(int Type, int Flags, long Offset, int Size, int Chunk);

/// <summary>A block of a version 2 object header: the checksum at <see cref="End"/> covers [<see cref="Start"/>, <see cref="End"/>).</summary>
internal readonly record struct HeaderChunk(long Start, long End);

/// <summary>The messages of an object header (version 1 or 2) and, for version 2, its checksummed blocks.</summary>
internal sealed record RawHeader(int Version, IReadOnlyList<RawMessage> Messages, IReadOnlyList<HeaderChunk> Chunks);
