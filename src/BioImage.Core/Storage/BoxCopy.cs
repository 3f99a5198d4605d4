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

        if (rank == 0)
        {
            source[..itemSize].CopyTo(destination);
            return;
        }

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

        int rowBytes = checked((int)(box[rank - 1] * itemSize));
        CheckBounds(source.Length, sourceOffset, sourceStrides, box, rowBytes, nameof(source));
        CheckBounds(destination.Length, destinationOffset, destinationStrides, box, rowBytes, nameof(destination));

        // Rows are often short (64 one-byte voxels), so the two innermost loops run without per-row slicing: every
        // offset was checked against both spans above.
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        long rows = rank >= 2 ? box[rank - 2] : 1;
        long sourceRowStride = rank >= 2 ? sourceStrides[rank - 2] : 0;
        long destinationRowStride = rank >= 2 ? destinationStrides[rank - 2] : 0;
        Span<long> index = stackalloc long[rank];
        index.Clear();
        while (true)
        {
            long s = sourceOffset;
            long d = destinationOffset;
            for (long row = 0; row < rows; row++)
            {
                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref to, (nint)d), ref Unsafe.Add(ref from, (nint)s), (uint)rowBytes);
                s += sourceRowStride;
                d += destinationRowStride;
            }

            int axis = rank - 3;
            for (; axis >= 0; axis--)
            {
                sourceOffset += sourceStrides[axis];
                destinationOffset += destinationStrides[axis];
                if (++index[axis] < box[axis])
                {
                    break;
                }

                sourceOffset -= sourceStrides[axis] * box[axis];
                destinationOffset -= destinationStrides[axis] * box[axis];
                index[axis] = 0;
            }

            if (axis < 0)
            {
                return;
            }
        }
    }

    /// <summary>Throws unless every row of the box lies inside a buffer of <paramref name="length"/> bytes.</summary>
    private static void CheckBounds(int length, long offset, ReadOnlySpan<long> strides, ReadOnlySpan<long> box, int rowBytes, string name)
    {
        long last = offset;
        for (int axis = 0; axis < box.Length - 1; axis++)
        {
            last += (box[axis] - 1) * strides[axis];
        }

        if (offset < 0 || last + rowBytes > length)
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
