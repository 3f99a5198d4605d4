using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;

namespace BioImage.Sources.Formats;

/// <summary>
/// Our own decoder of TIFF strips and tiles, for the files LibTiff.NET cannot open (big-endian BigTIFF): no compression,
/// LZW (TIFF 6.0 §13, MSB-first codes of 9–12 bits with the "early change" width switch) and deflate (Adobe, codes 8
/// and 32946); horizontal differencing (predictor 2) undone after the byte swap. O(segment bytes) per segment.
/// </summary>
internal sealed class TiffSegmentDecoder : ISegmentDecoder
{
    private readonly string _path;
    private readonly bool _bigEndian;
    private readonly TiffPage _page;
    private readonly DType _dtype;
    private readonly long[] _offsets;
    private readonly long[] _byteCounts;

    public TiffSegmentDecoder(string path, bool bigEndian, TiffPage page, DType dtype)
    {
        CheckSupported(path, page);
        _path = path;
        _bigEndian = bigEndian;
        _page = page;
        _dtype = dtype;
        _offsets = TiffDirectory.ReadArray(path, bigEndian, page.SegmentOffsets);
        _byteCounts = TiffDirectory.ReadArray(path, bigEndian, page.SegmentByteCounts);
        SegmentBytes = checked((int)(page.SegmentHeight * page.SegmentWidth * dtype.ItemSize()));
    }

    public int SegmentBytes { get; }

    /// <summary>Throws, naming the layout, when this decoder cannot read <paramref name="page"/>.</summary>
    public static void CheckSupported(string path, TiffPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Compression is not (1 or 5 or 8 or 32946) || page.Predictor is not (1 or 2))
        {
            throw new InvalidDataException($"Unsupported TIFF layout in {path}: big-endian BigTIFF with compression {page.Compression} and predictor {page.Predictor}; LibTiff.NET cannot open this kind of file and our own decoder reads compression 1 (none), 5 (LZW) or 8 (deflate) with predictor 1 or 2. Convert it to little-endian (tiffcp -8 -L in.tif out.tif).");
        }
    }

    public void Decode(int index, byte[] buffer)
    {
        if (index >= _offsets.Length || index >= _byteCounts.Length)
        {
            throw new InvalidDataException($"{_path}: page at byte {_page.Offset} lists {_offsets.Length} segments; segment {index} is missing.");
        }

        byte[] encoded = new byte[_byteCounts[index]];
        using (var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (RandomAccess.Read(file, encoded, _offsets[index]) != encoded.Length)
            {
                throw new InvalidDataException($"{_path} is truncated: segment {index} at byte {_offsets[index]} has fewer than {encoded.Length} bytes.");
            }
        }

        var output = buffer.AsSpan(0, SegmentBytes);
        output.Clear();
        switch (_page.Compression)
        {
            case 1: encoded.AsSpan(0, Math.Min(encoded.Length, output.Length)).CopyTo(output); break;
            case 5: DecodeLzw(encoded, output); break;
            default: Inflate(encoded, output); break;
        }

        if (_bigEndian)
        {
            Storage.Codecs.BytesCodec.CopyInByteOrder(output, output, _dtype.ItemSize(), swap: true);
        }

        if (_page.Predictor == 2)
        {
            UndoDifferencing(output);
        }
    }

    private static void Inflate(byte[] encoded, Span<byte> output)
    {
        using var stream = new ZLibStream(new MemoryStream(encoded), CompressionMode.Decompress);
        stream.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
    }

    /// <summary>TIFF LZW: 256 clears the table, 257 ends; the code width grows when the next free code reaches 2^width − 1.</summary>
    private void DecodeLzw(byte[] encoded, Span<byte> output)
    {
        const int Clear = 256, End = 257, MaxCodes = 4096;
        Span<short> prefix = stackalloc short[MaxCodes];
        Span<byte> suffix = stackalloc byte[MaxCodes];
        Span<byte> first = stackalloc byte[MaxCodes];
        Span<short> length = stackalloc short[MaxCodes];
        Span<byte> text = stackalloc byte[MaxCodes];
        for (int code = 0; code < 256; code++)
        {
            (prefix[code], suffix[code], first[code], length[code]) = (-1, (byte)code, (byte)code, 1);
        }

        int width = 9, next = 258, previous = -1, written = 0;
        long bitPosition = 0;
        while (bitPosition + width <= encoded.Length * 8L && written < output.Length)
        {
            int code = 0;
            for (int bit = 0; bit < width; bit++, bitPosition++)
            {
                code = (code << 1) | ((encoded[bitPosition >> 3] >> (7 - (int)(bitPosition & 7))) & 1);
            }

            if (code == Clear)
            {
                (width, next, previous) = (9, 258, -1);
                continue;
            }

            if (code == End)
            {
                break;
            }

            if (previous >= 0 && next < MaxCodes)
            {
                if (code > next)
                {
                    throw new InvalidDataException($"{_path}: corrupt LZW data (code {code} before code {next} exists).");
                }

                // The new entry is previous + the first byte of this code's string (of previous's when code is new).
                (prefix[next], suffix[next], first[next], length[next]) = ((short)previous, code == next ? first[previous] : first[code], first[previous], (short)(length[previous] + 1));
                next++;
                if (next >= (1 << width) - 1 && width < 12)
                {
                    width++;
                }
            }
            else if (code > 257 && previous < 0)
            {
                throw new InvalidDataException($"{_path}: corrupt LZW data (code {code} right after a clear code).");
            }

            int count = length[code];
            for (int at = code, i = count - 1; i >= 0; at = prefix[at], i--)
            {
                text[i] = suffix[at];
            }

            int copy = Math.Min(count, output.Length - written);
            text[..copy].CopyTo(output[written..]);
            written += copy;
            previous = code;
        }
    }

    /// <summary>Predictor 2: each sample of a row was stored as the difference to its left neighbour (wrapping integer arithmetic).</summary>
    private void UndoDifferencing(Span<byte> segment)
    {
        switch (_dtype)
        {
            case DType.UInt8 or DType.Int8: Accumulate(segment); break;
            case DType.UInt16 or DType.Int16: Accumulate(MemoryMarshal.Cast<byte, ushort>(segment)); break;
            case DType.UInt32 or DType.Int32: Accumulate(MemoryMarshal.Cast<byte, uint>(segment)); break;
            case DType.UInt64 or DType.Int64: Accumulate(MemoryMarshal.Cast<byte, ulong>(segment)); break;
            default: throw new InvalidDataException($"Unsupported TIFF layout in {_path}: horizontal differencing (predictor 2) on {_dtype.NumpyName()} samples.");
        }
    }

    private void Accumulate<T>(Span<T> samples)
        where T : unmanaged, IBinaryInteger<T>
    {
        int width = (int)_page.SegmentWidth;
        for (int start = 0; start + width <= samples.Length; start += width)
        {
            var row = samples.Slice(start, width);
            for (int x = 1; x < row.Length; x++)
            {
                row[x] += row[x - 1];
            }
        }
    }
}
