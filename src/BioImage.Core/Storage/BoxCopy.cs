using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Storage;

/// <summary>
/// Copies an n-dimensional box between two C-order byte buffers of different shapes (a chunk and a region, or an
/// inner chunk and a shard), one contiguous row of the last axis at a time. O(box bytes), no allocation.
/// </summary>
internal static class BoxCopy
{
    /// <summary>
    /// Copies the box of <paramref name="box"/> extents at <paramref name="sourceOrigin"/> in a buffer of
    /// <paramref name="sourceShape"/> to <paramref name="destinationOrigin"/> in a buffer of <paramref name="destinationShape"/>.
    /// </summary>
    public static void Copy(
        ReadOnlySpan<byte> source, ReadOnlySpan<long> sourceShape, ReadOnlySpan<long> sourceOrigin,
        Span<byte> destination, ReadOnlySpan<long> destinationShape, ReadOnlySpan<long> destinationOrigin,
        ReadOnlySpan<long> box, int itemSize)
    {
        int rank = box.Length;
        foreach (long extent in box)
        {
            if (extent == 0)
            {
                return;
            }
        }

        int leading = Math.Max(rank - 1, 0);
        Span<long> sourceStrides = stackalloc long[rank];
        Span<long> destinationStrides = stackalloc long[rank];
        Strides(sourceShape, itemSize, sourceStrides);
        Strides(destinationShape, itemSize, destinationStrides);
        long sourceOffset = 0;
        long destinationOffset = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            sourceOffset += sourceOrigin[axis] * sourceStrides[axis];
            destinationOffset += destinationOrigin[axis] * destinationStrides[axis];
        }

        int rowBytes = checked((int)((rank == 0 ? 1 : box[rank - 1]) * itemSize));
        CopyRows(
            source, sourceStrides[..leading], sourceOffset, destination, destinationStrides[..leading], destinationOffset,
            box[..leading], [new RowPiece(0, 0, rowBytes)]);
    }

    /// <summary>
    /// For every row of a box (<paramref name="rows"/> = its extents on every axis but the last, whose strides are given), copies
    /// each of <paramref name="pieces"/>: contiguous bytes at their own offsets from the row's start in source and destination.
    /// Several pieces split one long source row among buffers side by side (a run of chunks), so that the long side streams
    /// row after row through memory — three times faster than visiting one chunk after another over 256-byte rows.
    /// </summary>
    public static void CopyRows(
        ReadOnlySpan<byte> source, ReadOnlySpan<long> sourceStrides, long sourceOffset,
        Span<byte> destination, ReadOnlySpan<long> destinationStrides, long destinationOffset,
        ReadOnlySpan<long> rows, ReadOnlySpan<RowPiece> pieces)
    {
        int rank = rows.Length;
        foreach (long extent in rows)
        {
            if (extent == 0)
            {
                return;
            }
        }

        foreach (var piece in pieces)
        {
            CheckBounds(source.Length, sourceOffset + piece.SourceOffset, sourceStrides, rows, piece.Bytes, nameof(source));
            CheckBounds(destination.Length, destinationOffset + piece.DestinationOffset, destinationStrides, rows, piece.Bytes, nameof(destination));
        }

        // Rows are often short (64 one-byte voxels), so the two innermost loops run without per-row slicing: every
        // offset was checked against both spans above.
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        long innerRows = rank >= 1 ? rows[rank - 1] : 1;
        long sourceRowStride = rank >= 1 ? sourceStrides[rank - 1] : 0;
        long destinationRowStride = rank >= 1 ? destinationStrides[rank - 1] : 0;
        Span<long> index = stackalloc long[rank];
        index.Clear();
        while (true)
        {
            long s = sourceOffset;
            long d = destinationOffset;
            for (long row = 0; row < innerRows; row++)
            {
                foreach (var piece in pieces)
                {
                    Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref to, (nint)(d + piece.DestinationOffset)), ref Unsafe.Add(ref from, (nint)(s + piece.SourceOffset)), (uint)piece.Bytes);
                }

                s += sourceRowStride;
                d += destinationRowStride;
            }

            int axis = rank - 2;
            for (; axis >= 0; axis--)
            {
                sourceOffset += sourceStrides[axis];
                destinationOffset += destinationStrides[axis];
                if (++index[axis] < rows[axis])
                {
                    break;
                }

                sourceOffset -= sourceStrides[axis] * rows[axis];
                destinationOffset -= destinationStrides[axis] * rows[axis];
                index[axis] = 0;
            }

            if (axis < 0)
            {
                return;
            }
        }
    }

    /// <summary>Throws unless the piece of <paramref name="bytes"/> at <paramref name="offset"/> lies inside a buffer of <paramref name="length"/> bytes in every row.</summary>
    private static void CheckBounds(int length, long offset, ReadOnlySpan<long> strides, ReadOnlySpan<long> rows, int bytes, string name)
    {
        long last = offset;
        for (int axis = 0; axis < rows.Length; axis++)
        {
            last += (rows[axis] - 1) * strides[axis];
        }

        if (offset < 0 || bytes < 0 || last + bytes > length)
        {
            throw new ArgumentOutOfRangeException(name, $"The box does not fit in the {length}-byte {name} buffer.");
        }
    }

    /// <summary>Sets every element of the box to <paramref name="value"/> (one element's bytes).</summary>
    public static void Fill(Span<byte> destination, ReadOnlySpan<long> destinationShape, ReadOnlySpan<long> origin, ReadOnlySpan<long> box, ReadOnlySpan<byte> value)
    {
        int rank = box.Length;
        long count = 1;
        foreach (long extent in box)
        {
            count *= extent;
        }

        if (count == 0)
        {
            return;
        }

        if (rank == 0)
        {
            value.CopyTo(destination);
            return;
        }

        Span<long> strides = stackalloc long[rank];
        Strides(destinationShape, value.Length, strides);
        long offset = 0;
        for (int axis = 0; axis < rank; axis++)
        {
            offset += origin[axis] * strides[axis];
        }

        int rowBytes = checked((int)(box[rank - 1] * value.Length));
        Span<long> index = stackalloc long[rank];
        index.Clear();
        while (true)
        {
            FillElements(destination.Slice((int)offset, rowBytes), value);
            int axis = rank - 2;
            for (; axis >= 0; axis--)
            {
                offset += strides[axis];
                if (++index[axis] < box[axis])
                {
                    break;
                }

                offset -= strides[axis] * box[axis];
                index[axis] = 0;
            }

            if (axis < 0)
            {
                return;
            }
        }
    }

    /// <summary>Fills a contiguous run of elements with one element value (vectorized for 1/2/4/8-byte elements).</summary>
    public static void FillElements(Span<byte> run, ReadOnlySpan<byte> value)
    {
        switch (value.Length)
        {
            case 1: run.Fill(value[0]); break;
            case 2: MemoryMarshal.Cast<byte, ushort>(run).Fill(MemoryMarshal.Read<ushort>(value)); break;
            case 4: MemoryMarshal.Cast<byte, uint>(run).Fill(MemoryMarshal.Read<uint>(value)); break;
            case 8: MemoryMarshal.Cast<byte, ulong>(run).Fill(MemoryMarshal.Read<ulong>(value)); break;
            default:
                for (int i = 0; i < run.Length; i += value.Length)
                {
                    value.CopyTo(run[i..]);
                }

                break;
        }
    }

    /// <summary>True when every element of <paramref name="data"/> equals <paramref name="value"/> bit for bit.</summary>
    public static bool IsAll(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value) => value.Length switch
    {
        1 => data.IndexOfAnyExcept(value[0]) < 0,
        2 => MemoryMarshal.Cast<byte, ushort>(data).IndexOfAnyExcept(MemoryMarshal.Read<ushort>(value)) < 0,
        4 => MemoryMarshal.Cast<byte, uint>(data).IndexOfAnyExcept(MemoryMarshal.Read<uint>(value)) < 0,
        8 => MemoryMarshal.Cast<byte, ulong>(data).IndexOfAnyExcept(MemoryMarshal.Read<ulong>(value)) < 0,
        _ => throw new NotSupportedException($"{value.Length}-byte elements are not supported."),
    };

    private static void Strides(ReadOnlySpan<long> shape, int itemSize, Span<long> strides)
    {
        long stride = itemSize;
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= shape[axis];
        }
    }
}

/// <summary>One contiguous piece of every row that <see cref="BoxCopy.CopyRows"/> copies: its byte offsets from the row's start in source and destination, and its length.</summary>
internal readonly record struct RowPiece(long SourceOffset, long DestinationOffset, int Bytes);
