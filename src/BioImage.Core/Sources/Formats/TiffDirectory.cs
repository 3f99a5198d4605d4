using System.Buffers.Binary;

namespace BioImage.Sources.Formats;

/// <summary>One image file directory (page) of a TIFF: where it is and what layout its image has.</summary>
/// <param name="Offset">Byte offset of the IFD (what LibTiff.NET's SetSubDirectory takes).</param>
/// <param name="Width">ImageWidth.</param>
/// <param name="Height">ImageLength.</param>
/// <param name="BitsPerSample">BitsPerSample (first value).</param>
/// <param name="SampleFormat">SampleFormat: 1 unsigned, 2 signed, 3 IEEE float.</param>
/// <param name="SamplesPerPixel">SamplesPerPixel.</param>
/// <param name="Compression">Compression code (1 none, 5 LZW, 8/32946 deflate, …).</param>
/// <param name="Tiled">True when the page is stored in tiles rather than strips.</param>
/// <param name="SegmentHeight">Rows per strip (clipped to the height), or the tile height.</param>
/// <param name="SegmentWidth">The width for strips, or the tile width.</param>
/// <param name="Predictor">Predictor: 1 none, 2 horizontal differencing, 3 floating point.</param>
/// <param name="SegmentOffsets">Where the StripOffsets / TileOffsets values are.</param>
/// <param name="SegmentByteCounts">Where the StripByteCounts / TileByteCounts values are.</param>
internal sealed record TiffPage(
    long Offset,
    long Width,
    long Height,
    int BitsPerSample,
    int SampleFormat,
    int SamplesPerPixel,
    int Compression,
    bool Tiled,
    long SegmentHeight,
    long SegmentWidth,
    int Predictor,
    TiffArrayField SegmentOffsets,
    TiffArrayField SegmentByteCounts);

/// <summary>An integer array of a directory entry: <paramref name="Count"/> values of TIFF type <paramref name="Type"/>, inline (<paramref name="Inline"/>) or at <paramref name="Offset"/>.</summary>
/// <param name="Type">TIFF field type (3 SHORT, 4 LONG, 16 LONG8).</param>
/// <param name="Count">Number of values.</param>
/// <param name="Offset">File offset of the values when they are not inline.</param>
/// <param name="Inline">The entry's value field when the values fit in it.</param>
internal sealed record TiffArrayField(int Type, long Count, long Offset, byte[]? Inline)
{
    /// <summary>No values.</summary>
    public static TiffArrayField Empty { get; } = new(4, 0, 0, null);
}

/// <summary>
/// Our own walker of a TIFF's chain of image file directories (classic TIFF and BigTIFF, either byte order). It finds
/// every page's offset — so pages beyond LibTiff.NET's 32,767-directory limit are reachable with SetSubDirectory — and
/// checks the layout before any pixel is decoded, naming what is unsupported. Spec: TIFF 6.0 §2, BigTIFF design notes.
/// Cost: one small read per directory entry block; O(pages).
/// </summary>
internal sealed class TiffDirectory
{
    private const ushort ImageWidth = 256;
    private const ushort ImageLength = 257;
    private const ushort BitsPerSampleTag = 258;
    private const ushort CompressionTag = 259;
    private const ushort SamplesPerPixelTag = 277;
    private const ushort StripOffsetsTag = 273;
    private const ushort RowsPerStripTag = 278;
    private const ushort StripByteCountsTag = 279;
    private const ushort PredictorTag = 317;
    private const ushort TileWidthTag = 322;
    private const ushort TileLengthTag = 323;
    private const ushort TileOffsetsTag = 324;
    private const ushort TileByteCountsTag = 325;
    private const ushort SampleFormatTag = 339;

    private TiffDirectory(bool bigEndian, bool bigTiff, IReadOnlyList<TiffPage> pages)
    {
        BigEndian = bigEndian;
        BigTiff = bigTiff;
        Pages = pages;
    }

    /// <summary>True for a big-endian ("MM") file.</summary>
    public bool BigEndian { get; }

    /// <summary>True for BigTIFF (version 43, 64-bit offsets).</summary>
    public bool BigTiff { get; }

    /// <summary>The pages in file order.</summary>
    public IReadOnlyList<TiffPage> Pages { get; }

    /// <summary>Walks the IFD chain of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a TIFF or its directory chain is broken.</exception>
    public static TiffDirectory Read(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        var reader = new Reader(file, path, length);
        Span<byte> header = stackalloc byte[16];
        reader.Read(header[..Math.Min(16, (int)Math.Min(length, 16))], 0);
        bool bigEndian = length >= 8 && header[0] == 'M' && header[1] == 'M';
        if (length < 8 || !(bigEndian || (header[0] == 'I' && header[1] == 'I')))
        {
            throw new InvalidDataException($"{path} is not a TIFF file (no 'II' or 'MM' byte-order mark).");
        }

        reader.BigEndian = bigEndian;
        int version = reader.UInt16(header[2..]);
        bool bigTiff = version == 43;
        if (version != 42 && !bigTiff)
        {
            throw new InvalidDataException($"{path}: TIFF version {version} is not 42 (TIFF) or 43 (BigTIFF).");
        }

        long next = bigTiff ? (long)reader.UInt64(header[8..]) : reader.UInt32(header[4..]);
        var pages = new List<TiffPage>();
        var seen = new HashSet<long>();
        while (next != 0)
        {
            if (!seen.Add(next) || next >= length)
            {
                throw new InvalidDataException($"{path}: the directory chain is broken after page {pages.Count} (next IFD offset {next}, file length {length}).");
            }

            pages.Add(ReadPage(reader, next, bigTiff, out next));
        }

        return pages.Count > 0 ? new TiffDirectory(bigEndian, bigTiff, pages) : throw new InvalidDataException($"{path} has no image directories.");
    }

    private static TiffPage ReadPage(Reader reader, long offset, bool bigTiff, out long next)
    {
        int countSize = bigTiff ? 8 : 2;
        int entrySize = bigTiff ? 20 : 12;
        int pointerSize = bigTiff ? 8 : 4;
        Span<byte> countBytes = stackalloc byte[8];
        reader.Read(countBytes[..countSize], offset);
        long count = bigTiff ? (long)reader.UInt64(countBytes) : reader.UInt16(countBytes);
        byte[] entries = new byte[checked((int)(count * entrySize)) + pointerSize];
        reader.Read(entries, offset + countSize);
        next = bigTiff ? (long)reader.UInt64(entries.AsSpan((int)(count * entrySize))) : reader.UInt32(entries.AsSpan((int)(count * entrySize)));

        long width = 0, height = 0, rowsPerStrip = long.MaxValue, tileWidth = 0, tileHeight = 0;
        int bits = 1, sampleFormat = 1, samples = 1, compression = 1, predictor = 1;
        var offsets = TiffArrayField.Empty;
        var byteCounts = TiffArrayField.Empty;
        for (int i = 0; i < count; i++)
        {
            var entry = entries.AsSpan(i * entrySize, entrySize);
            ushort tag = reader.UInt16(entry);
            long value = FirstValue(reader, entry, bigTiff);
            switch (tag)
            {
                case ImageWidth: width = value; break;
                case ImageLength: height = value; break;
                case BitsPerSampleTag: bits = (int)value; break;
                case CompressionTag: compression = (int)value; break;
                case SamplesPerPixelTag: samples = (int)value; break;
                case SampleFormatTag: sampleFormat = (int)value; break;
                case RowsPerStripTag: rowsPerStrip = value; break;
                case PredictorTag: predictor = (int)value; break;
                case TileWidthTag: tileWidth = value; break;
                case TileLengthTag: tileHeight = value; break;
                case StripOffsetsTag or TileOffsetsTag: offsets = ArrayField(reader, entry, bigTiff); break;
                case StripByteCountsTag or TileByteCountsTag: byteCounts = ArrayField(reader, entry, bigTiff); break;
                default: break;
            }
        }

        bool tiled = tileWidth > 0;
        return new TiffPage(
            offset, width, height, bits, sampleFormat, samples, compression, tiled,
            tiled ? tileHeight : Math.Min(rowsPerStrip, height),
            tiled ? tileWidth : width,
            predictor,
            offsets,
            byteCounts);
    }

    /// <summary>The values of an array field (see <see cref="TiffArrayField"/>), read from <paramref name="path"/>.</summary>
    public static long[] ReadArray(string path, bool bigEndian, TiffArrayField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        int size = field.Type switch { 3 => 2, 4 => 4, 16 => 8, _ => throw new InvalidDataException($"{path}: strip/tile offsets of TIFF type {field.Type}; expected SHORT, LONG or LONG8.") };
        byte[] bytes = field.Inline ?? new byte[checked((int)(field.Count * size))];
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var reader = new Reader(file, path, RandomAccess.GetLength(file)) { BigEndian = bigEndian };
        if (field.Inline is null)
        {
            reader.Read(bytes, field.Offset);
        }

        var values = new long[field.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var value = bytes.AsSpan(i * size);
            values[i] = size switch { 2 => reader.UInt16(value), 4 => reader.UInt32(value), _ => (long)reader.UInt64(value) };
        }

        return values;
    }

    private static TiffArrayField ArrayField(Reader reader, ReadOnlySpan<byte> entry, bool bigTiff)
    {
        int type = reader.UInt16(entry[2..]);
        long count = bigTiff ? (long)reader.UInt64(entry[4..]) : reader.UInt32(entry[4..]);
        int size = type switch { 3 => 2, 4 => 4, 16 => 8, _ => 0 };
        var field = entry[(bigTiff ? 12 : 8)..];
        return count * size <= field.Length
            ? new TiffArrayField(type, count, 0, field.ToArray())
            : new TiffArrayField(type, count, bigTiff ? (long)reader.UInt64(field) : reader.UInt32(field), null);
    }

    /// <summary>The first value of an entry, read inline or from where the entry points (integer types only; 0 for others).</summary>
    private static long FirstValue(Reader reader, ReadOnlySpan<byte> entry, bool bigTiff)
    {
        int type = reader.UInt16(entry[2..]);
        long count = bigTiff ? (long)reader.UInt64(entry[4..]) : reader.UInt32(entry[4..]);
        int size = type switch { 1 or 6 => 1, 3 or 8 => 2, 4 or 9 or 13 => 4, 16 or 17 or 18 => 8, _ => 0 };
        if (size == 0 || count == 0)
        {
            return 0;
        }

        var field = entry[(bigTiff ? 12 : 8)..];
        Span<byte> value = stackalloc byte[8];
        if (count * size <= field.Length)
        {
            field[..size].CopyTo(value);
        }
        else
        {
            reader.Read(value[..size], bigTiff ? (long)reader.UInt64(field) : reader.UInt32(field));
        }

        return size switch
        {
            1 => value[0],
            2 => reader.UInt16(value),
            4 => reader.UInt32(value),
            _ => (long)reader.UInt64(value),
        };
    }

    /// <summary>Positional reads and integers in the file's byte order.</summary>
    private sealed class Reader(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, long length)
    {
        public bool BigEndian { get; set; }

        public void Read(Span<byte> bytes, long offset)
        {
            if (offset < 0 || offset + bytes.Length > length)
            {
                throw new InvalidDataException($"{path} is truncated: a TIFF directory points to bytes {offset}..{offset + bytes.Length}, the file has {length}.");
            }

            RandomAccess.Read(file, bytes, offset);
        }

        public ushort UInt16(ReadOnlySpan<byte> bytes) => BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

        public uint UInt32(ReadOnlySpan<byte> bytes) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);

        public ulong UInt64(ReadOnlySpan<byte> bytes) => BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }
}
