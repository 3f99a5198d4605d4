using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Storage;
using Microsoft.Win32.SafeHandles;

namespace BioImage.Sources;

/// <summary>
/// A numpy <c>.npy</c> file as a source (rank 1–3): region reads and writes go straight to the file with
/// positional I/O, row by row, so blocks in different processes read and write disjoint byte ranges safely.
/// </summary>
/// <remarks>Not chunked and not compressed: meant for small volumes, tests and interchange with numpy.</remarks>
public sealed class NpySource : ISource
{
    private readonly string _path;
    private readonly NpyHeader _header;

    private NpySource(string path, NpyHeader header, bool writable)
    {
        if (header.Shape.Count is < 1 or > 3)
        {
            throw new InvalidDataException($"{path} has {header.Shape.Count} axes; .npy sources support 1 to 3.");
        }

        if (writable && header.IsBigEndian)
        {
            throw new InvalidDataException($"{path} is big-endian; it can be read but not written (mode \"r+\"). Convert it with numpy (a.astype('<{header.DType.ItemSize()}')).");
        }

        _path = path;
        _header = header;
        Writable = writable;
        Shape = header.Shape.Select(e => (long)e).ToArray();
    }

    /// <summary>Opens the .npy file a spec names.</summary>
    public static ISource Open(SourceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Key is not null)
        {
            throw new ArgumentException($"{spec.Path} is a single array (.npy) and has no keys; got key '{spec.Key}'.", nameof(spec));
        }

        return new NpySource(spec.Path, NpyFile.ReadHeader(spec.Path), spec.Mode == "r+");
    }

    /// <summary>Creates (or replaces) a zero-filled .npy file of the given dtype and shape, opened for writing.</summary>
    public static NpySource Create(string path, DType dtype, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(shape);
        string fullPath = Path.GetFullPath(path);
        NpyFile.CreateEmpty(fullPath, dtype, shape.Select(e => checked((int)e)).ToArray());
        return new NpySource(fullPath, NpyFile.ReadHeader(fullPath), writable: true);
    }

    /// <inheritdoc />
    public IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public DType DType => _header.DType;

    /// <inheritdoc />
    public IReadOnlyList<long>? Chunks => null;

    /// <inheritdoc />
    public bool Writable { get; }

    /// <inheritdoc />
    public SourceSpec Spec => new("npy", _path, null, Writable ? "r+" : "r");

    /// <summary>Largest file span (bytes) read at once to fetch a plane of a region's rows; wider planes are read row by row.</summary>
    private const long PlaneReadLimit = 8 << 20;

    /// <inheritdoc />
    public void Read<T>(Region region, Span3D<T> destination)
        where T : unmanaged, INumber<T>
    {
        var box = SourceAccess.Check<T>(_path, Shape, DType, region, destination.Depth, destination.Height, destination.Width);
        using var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var rows = new RowLayout(this, box);
        int rowBytes = destination.Width * DType.ItemSize();
        long planeSpan = destination.Height == 0 ? 0 : rows.FileOffset(0, destination.Height - 1) - rows.FileOffset(0, 0) + rowBytes;
        if (destination.Height > 1 && planeSpan <= PlaneReadLimit)
        {
            // One read per plane of the region (its rows and the gaps between them) instead of one per row.
            byte[] plane = ArrayPool<byte>.Shared.Rent((int)planeSpan);
            try
            {
                for (int z = 0; z < destination.Depth; z++)
                {
                    long first = rows.FileOffset(z, 0);
                    ReadExactly(file, plane.AsSpan(0, (int)planeSpan), first);
                    for (int y = 0; y < destination.Height; y++)
                    {
                        var bytes = MemoryMarshal.AsBytes(destination.GetRowSpan(z, y));
                        plane.AsSpan((int)(rows.FileOffset(z, y) - first), rowBytes).CopyTo(bytes);
                        SwapIfBigEndian(bytes);
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(plane);
            }

            return;
        }

        for (int z = 0; z < destination.Depth; z++)
        {
            for (int y = 0; y < destination.Height; y++)
            {
                var bytes = MemoryMarshal.AsBytes(destination.GetRowSpan(z, y));
                ReadExactly(file, bytes, rows.FileOffset(z, y));
                SwapIfBigEndian(bytes);
            }
        }
    }

    /// <inheritdoc />
    public void Write<T>(Region region, ReadOnlySpan3D<T> source)
        where T : unmanaged, INumber<T>
    {
        if (!Writable)
        {
            throw new InvalidOperationException($"{_path} was opened read-only; open it with mode \"r+\" to write.");
        }

        var box = SourceAccess.Check<T>(_path, Shape, DType, region, source.Depth, source.Height, source.Width);
        using var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var rows = new RowLayout(this, box);
        for (int z = 0; z < source.Depth; z++)
        {
            for (int y = 0; y < source.Height; y++)
            {
                RandomAccess.Write(file, MemoryMarshal.AsBytes(source.GetRowSpan(z, y)), rows.FileOffset(z, y));
            }
        }
    }

    /// <summary>File offsets of the rows of a region (padded to three axes).</summary>
    private readonly struct RowLayout(NpySource source, Box3 box)
    {
        private readonly long _itemSize = source.DType.ItemSize();
        private readonly (long Depth, long Height, long Width) _shape = Box3.ShapeOf(source.Shape);

        /// <summary>Byte offset in the file of element (z, y, 0) of the region.</summary>
        public long FileOffset(int z, int y) =>
            source._header.DataOffset + (((((box.Z + z) * _shape.Height) + box.Y + y) * _shape.Width) + box.X) * _itemSize;
    }

    private void ReadExactly(SafeFileHandle file, Span<byte> bytes, long offset)
    {
        while (!bytes.IsEmpty)
        {
            int read = RandomAccess.Read(file, bytes, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"{_path} is truncated: no data at byte {offset}.");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    private void SwapIfBigEndian(Span<byte> bytes) => Storage.Codecs.BytesCodec.CopyInByteOrder(bytes, bytes, DType.ItemSize(), _header.IsBigEndian);
}
