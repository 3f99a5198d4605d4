using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;
using BioImage.Storage;
using Microsoft.Win32.SafeHandles;

namespace BioImage.Sources.Formats;

/// <summary>How the values of a raw array are stored and how they are presented.</summary>
/// <param name="Stored">The stored element type (for float16 storage: <see cref="DType.Float32"/>, with <paramref name="Float16"/> set).</param>
/// <param name="Float16">True when the file stores IEEE binary16 values; they are presented as float32 (exact).</param>
/// <param name="BigEndian">True when multi-byte values are stored big-endian.</param>
/// <param name="Slope">NIfTI scaling: presented value = raw · slope + intercept, as float64; null for no scaling.</param>
/// <param name="Intercept">NIfTI scaling intercept.</param>
internal sealed record RawElements(DType Stored, bool Float16, bool BigEndian, double? Slope = null, double Intercept = 0)
{
    /// <summary>Bytes per stored element.</summary>
    public int StoredSize => Float16 ? 2 : Stored.ItemSize();

    /// <summary>The element type readers see.</summary>
    public DType Presented => Slope is not null ? DType.Float64 : Stored;

    /// <summary>True when stored bytes are the presented values, up to byte order.</summary>
    public bool IsDirect => !Float16 && Slope is null;
}

/// <summary>
/// A C-order array of up to three axes stored uncompressed at a byte offset of a file (or of an in-memory copy of a
/// decompressed file), read by region with positional I/O row by row: the common core of the MRC and NIfTI readers.
/// Converts byte order, float16 and NIfTI scaling while reading, and can present the rows of each plane in reverse
/// order (MRC's y flip). Reads are thread-safe: each opens its own handle.
/// </summary>
internal sealed class RawVolume
{
    private readonly string _path;
    private readonly byte[]? _memory;
    private readonly long _dataOffset;
    private readonly long _height;
    private readonly long _width;
    private readonly RawElements _elements;
    private readonly bool _flipRows;

    /// <summary>Describes the array; <paramref name="memory"/> holds the whole (decompressed) file when it is not read from <paramref name="path"/>.</summary>
    public RawVolume(string path, byte[]? memory, long dataOffset, IReadOnlyList<long> shape, RawElements elements, bool flipRows)
    {
        _path = path;
        _memory = memory;
        _dataOffset = dataOffset;
        (_, _height, _width) = Box3.ShapeOf(shape);
        _elements = elements;
        _flipRows = flipRows;
        long bytes = shape.Aggregate(1L, (product, extent) => checked(product * extent)) * elements.StoredSize;
        long available = (memory?.LongLength ?? new FileInfo(path).Length) - dataOffset;
        if (available < bytes)
        {
            throw new InvalidDataException($"{path} is truncated: the header announces {bytes} bytes of data at offset {dataOffset}, but only {Math.Max(available, 0)} follow.");
        }
    }

    /// <summary>Reads the box into <paramref name="destination"/>; <typeparamref name="T"/> is the presented element type (checked by the caller).</summary>
    public void Read<T>(Box3 box, Span3D<T> destination)
        where T : unmanaged, INumber<T>
    {
        using var file = _memory is null ? File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.Read) : null;
        int storedSize = _elements.StoredSize;
        byte[]? scratch = _elements.IsDirect ? null : ArrayPool<byte>.Shared.Rent(box.Width * storedSize);
        try
        {
            for (int z = 0; z < box.Depth; z++)
            {
                for (int y = 0; y < box.Height; y++)
                {
                    long row = box.Y + y;
                    long fileRow = _flipRows ? _height - 1 - row : row;
                    long offset = _dataOffset + (((((box.Z + z) * _height) + fileRow) * _width) + box.X) * storedSize;
                    var target = destination.GetRowSpan(z, y);
                    var bytes = scratch is null ? MemoryMarshal.AsBytes(target) : scratch.AsSpan(0, box.Width * storedSize);
                    ReadAt(file, bytes, offset);
                    if (_elements.BigEndian)
                    {
                        Storage.Codecs.BytesCodec.CopyInByteOrder(bytes, bytes, storedSize, swap: true);
                    }

                    if (scratch is not null)
                    {
                        Convert(bytes, target);
                    }
                }
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private void ReadAt(SafeFileHandle? file, Span<byte> bytes, long offset)
    {
        if (file is null)
        {
            _memory.AsSpan(checked((int)offset), bytes.Length).CopyTo(bytes);
            return;
        }

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

    /// <summary>Stored values (native byte order) to presented values: float16 → float32, or NIfTI scaling → float64.</summary>
    private void Convert<T>(ReadOnlySpan<byte> stored, Span<T> presented)
        where T : unmanaged, INumber<T>
    {
        if (_elements.Float16)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(stored);
            var floats = MemoryMarshal.Cast<T, float>(presented);
            for (int i = 0; i < floats.Length; i++)
            {
                floats[i] = (float)halves[i];
            }

            return;
        }

        var values = MemoryMarshal.Cast<T, double>(presented);
        double slope = _elements.Slope!.Value;
        double intercept = _elements.Intercept;
        switch (_elements.Stored)
        {
            case DType.UInt8: Scale<byte>(stored, values, slope, intercept); break;
            case DType.Int8: Scale<sbyte>(stored, values, slope, intercept); break;
            case DType.UInt16: Scale<ushort>(stored, values, slope, intercept); break;
            case DType.Int16: Scale<short>(stored, values, slope, intercept); break;
            case DType.UInt32: Scale<uint>(stored, values, slope, intercept); break;
            case DType.Int32: Scale<int>(stored, values, slope, intercept); break;
            case DType.UInt64: Scale<ulong>(stored, values, slope, intercept); break;
            case DType.Int64: Scale<long>(stored, values, slope, intercept); break;
            case DType.Float32: Scale<float>(stored, values, slope, intercept); break;
            default: Scale<double>(stored, values, slope, intercept); break;
        }
    }

    /// <summary>nibabel's read scaling: raw values as float64, times slope, plus intercept.</summary>
    private static void Scale<TStored>(ReadOnlySpan<byte> stored, Span<double> values, double slope, double intercept)
        where TStored : unmanaged, INumber<TStored>
    {
        var raw = MemoryMarshal.Cast<byte, TStored>(stored);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (double.CreateTruncating(raw[i]) * slope) + intercept;
        }
    }
}
