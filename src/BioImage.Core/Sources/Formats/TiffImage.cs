using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BitMiracle.LibTiff.Classic;

namespace BioImage.Sources.Formats;

/// <summary>
/// The pages of one TIFF file as planes of equal shape and dtype: our <see cref="TiffDirectory"/> walker finds and checks
/// the pages, LibTiff.NET decodes the strips or tiles a region touches (any compression it supports: none, LZW,
/// deflate, PackBits, …, with predictors; either byte order). Each read opens its own LibTiff handle, so reads are
/// thread-safe. Gaps of LibTiff.NET are closed: pages beyond 32,767 are reached by IFD offset, and big-endian BigTIFF,
/// which it cannot open, is decoded by our own <see cref="TiffSegmentDecoder"/> (none/LZW/deflate, predictor 2).
/// </summary>
internal sealed class TiffImage
{
    static TiffImage() => Tiff.SetErrorHandler(new ThrowingErrorHandler());

    private TiffImage(string path, TiffDirectory directory, DType dtype)
    {
        Path = path;
        Directory = directory;
        DType = dtype;
        Height = directory.Pages[0].Height;
        Width = directory.Pages[0].Width;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The pages and byte order.</summary>
    public TiffDirectory Directory { get; }

    /// <summary>Element type of every page.</summary>
    public DType DType { get; }

    /// <summary>Rows per page.</summary>
    public long Height { get; }

    /// <summary>Columns per page.</summary>
    public long Width { get; }

    /// <summary>Number of pages.</summary>
    public int PageCount => Directory.Pages.Count;

    /// <summary>Walks and checks <paramref name="path"/>: single-sample pages of one shape and dtype.</summary>
    /// <exception cref="InvalidDataException">Not a TIFF, or a layout we do not read; the message names it.</exception>
    public static TiffImage Open(string path)
    {
        var directory = TiffDirectory.Read(path);

        var first = directory.Pages[0];
        var dtype = DTypeOf(path, 0, first);
        for (int index = 0; index < directory.Pages.Count; index++)
        {
            var page = directory.Pages[index];
            if (page.SamplesPerPixel != 1)
            {
                throw new InvalidDataException($"Unsupported TIFF layout in {path}: page {index} has {page.SamplesPerPixel} samples per pixel (RGB or multi-channel); only single-sample (grayscale) pages are read.");
            }

            if (directory.BigEndian && directory.BigTiff)
            {
                TiffSegmentDecoder.CheckSupported(path, page);
            }

            var pageType = DTypeOf(path, index, page);
            if (page.Width != first.Width || page.Height != first.Height || pageType != dtype)
            {
                throw new InvalidDataException($"Unsupported TIFF layout in {path}: page {index} is {page.Height}×{page.Width} {pageType.NumpyName()}, page 0 is {first.Height}×{first.Width} {dtype.NumpyName()}; all pages must have one shape and dtype to form a stack.");
            }
        }

        return new TiffImage(path, directory, dtype);
    }

    /// <summary>Reads rows <c>[box.Y, box.Y + box.Height)</c> and columns <c>[box.X, …)</c> of pages <c>box.Z …</c> into the planes of <paramref name="destination"/>.</summary>
    public void Read<T>(Box3 box, Span3D<T> destination)
        where T : unmanaged, INumber<T>
    {
        // LibTiff.NET cannot open big-endian BigTIFF: those pages go through our own segment decoder.
        using var tiff = Directory.BigEndian && Directory.BigTiff ? null : Tiff.Open(Path, "r") ?? throw new InvalidDataException($"LibTiff.NET could not open {Path}.");
        for (int z = 0; z < box.Depth; z++)
        {
            var page = Directory.Pages[checked((int)(box.Z + z))];
            ISegmentDecoder decoder = tiff is null ? new TiffSegmentDecoder(Path, Directory.BigEndian, page, DType) : new LibTiffDecoder(tiff, page, Path, box.Z + z);
            ReadSegments(page, decoder, box, destination, z);
        }
    }

    /// <summary>Decodes the strips or tiles of one page that the box touches and copies their overlap into plane <paramref name="z"/>.</summary>
    private void ReadSegments<T>(TiffPage page, ISegmentDecoder decoder, Box3 box, Span3D<T> destination, int z)
        where T : unmanaged
    {
        int itemSize = DType.ItemSize();
        long segmentHeight = page.SegmentHeight;
        long segmentWidth = page.SegmentWidth;
        long across = (Width + segmentWidth - 1) / segmentWidth;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(decoder.SegmentBytes);
        try
        {
            for (long top = box.Y / segmentHeight * segmentHeight; top < box.Y + box.Height; top += segmentHeight)
            {
                for (long left = box.X / segmentWidth * segmentWidth; left < box.X + box.Width; left += segmentWidth)
                {
                    decoder.Decode(checked((int)((top / segmentHeight * across) + (left / segmentWidth))), buffer);
                    long firstX = Math.Max(box.X, left);
                    int columns = (int)(Math.Min(box.X + box.Width, left + segmentWidth) - firstX);
                    for (long row = Math.Max(box.Y, top); row < Math.Min(box.Y + box.Height, top + segmentHeight); row++)
                    {
                        int offset = checked((int)((((row - top) * segmentWidth) + (firstX - left)) * itemSize));
                        Copy(buffer.AsSpan(offset, columns * itemSize), destination.GetRowSpan(z, (int)(row - box.Y)).Slice((int)(firstX - box.X), columns));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Copy<T>(ReadOnlySpan<byte> bytes, Span<T> row)
        where T : unmanaged => bytes.CopyTo(MemoryMarshal.AsBytes(row));

    private static DType DTypeOf(string path, int index, TiffPage page) => (page.BitsPerSample, page.SampleFormat) switch
    {
        (8, 1) => DType.UInt8,
        (8, 2) => DType.Int8,
        (16, 1) => DType.UInt16,
        (16, 2) => DType.Int16,
        (32, 1) => DType.UInt32,
        (32, 2) => DType.Int32,
        (64, 1) => DType.UInt64,
        (64, 2) => DType.Int64,
        (32, 3) => DType.Float32,
        (64, 3) => DType.Float64,
        _ => throw new InvalidDataException($"Unsupported TIFF layout in {path}: page {index} has {page.BitsPerSample}-bit samples of SampleFormat {page.SampleFormat}; expected 8/16/32/64-bit integers or 32/64-bit floats."),
    };

    /// <summary>LibTiff.NET decoding the strips or tiles of one page.</summary>
    private sealed class LibTiffDecoder : ISegmentDecoder
    {
        private readonly Tiff _tiff;
        private readonly bool _tiled;
        private readonly string _path;

        public LibTiffDecoder(Tiff tiff, TiffPage page, string path, long pageIndex)
        {
            if (!tiff.SetSubDirectory(page.Offset))
            {
                throw new InvalidDataException($"{path}: LibTiff.NET could not read the directory of page {pageIndex} at byte {page.Offset}.");
            }

            _tiff = tiff;
            _tiled = page.Tiled;
            _path = path;
            SegmentBytes = _tiled ? tiff.TileSize() : tiff.StripSize();
        }

        public int SegmentBytes { get; }

        public void Decode(int index, byte[] buffer)
        {
            int bytes = _tiled ? _tiff.ReadEncodedTile(index, buffer, 0, -1) : _tiff.ReadEncodedStrip(index, buffer, 0, -1);
            if (bytes < 0)
            {
                throw new InvalidDataException($"{_path}: LibTiff.NET could not decode {(_tiled ? "tile" : "strip")} {index}.");
            }
        }
    }

    /// <summary>Turns LibTiff.NET errors into exceptions (instead of console output) and drops its warnings (unknown private tags).</summary>
    private sealed class ThrowingErrorHandler : TiffErrorHandler
    {
        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            throw new InvalidDataException($"LibTiff.NET ({method}): {Format(format, args)}");

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        private static string Format(string format, object[] args)
        {
            try
            {
                return string.Format(CultureInfo.InvariantCulture, format, args);
            }
            catch (FormatException)
            {
                return format;
            }
        }
    }
}
