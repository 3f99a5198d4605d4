namespace BioImage.Kernels;

/// <summary>
/// Shape and strides of a 3D view whose rows are contiguous: element (z, y, x) sits at
/// <c>z * StrideZ + y * StrideY + x</c> from the first element. A 2D view is the same layout with depth 1.
/// </summary>
/// <remarks>
/// <code>
///   backing span:  [ row(0,0) | pad | row(0,1) | pad | ... | row(0,H-1) | pad | row(1,0) ... ]
///                    &lt;-Width-&gt;
///                    &lt;------ StrideY ------&gt;
///                    &lt;---------------------- StrideZ ----------------------&gt;
/// </code>
/// Rows never overlap (StrideY ≥ Width, StrideZ ≥ (Height-1)·StrideY + Width), so writes through a view
/// never alias. The backing span of a view is exactly <see cref="RequiredLength"/> elements long.
/// </remarks>
internal readonly record struct ViewLayout(int Depth, int Height, int Width, int StrideZ, int StrideY)
{
    /// <summary>A C-order (contiguous) layout of the given shape.</summary>
    public static ViewLayout Contiguous(int depth, int height, int width) =>
        Create(depth, height, width, checked(height * width), width);

    /// <summary>Validates shape and strides; throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.</summary>
    public static ViewLayout Create(int depth, int height, int width, int strideZ, int strideY)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if (height > 1 && strideY < width)
        {
            throw new ArgumentOutOfRangeException(nameof(strideY), strideY, $"Rows would overlap: strideY must be at least the width ({width}).");
        }

        long planeExtent = height == 0 ? 0 : ((long)(height - 1) * strideY) + width;
        if (depth > 1 && strideZ < planeExtent)
        {
            throw new ArgumentOutOfRangeException(nameof(strideZ), strideZ, $"Planes would overlap: strideZ must be at least {planeExtent} for height {height}, strideY {strideY}, width {width}.");
        }

        return new ViewLayout(depth, height, width, strideZ, strideY);
    }

    /// <summary>Elements the backing span must hold: from the first to the last element of the view.</summary>
    public int RequiredLength
    {
        get
        {
            if (Depth == 0 || Height == 0 || Width == 0)
            {
                return 0;
            }

            long length = ((long)(Depth - 1) * StrideZ) + ((long)(Height - 1) * StrideY) + Width;
            return length <= int.MaxValue
                ? (int)length
                : throw new ArgumentOutOfRangeException(nameof(Depth), $"A view of {Depth}×{Height}×{Width} with strides ({StrideZ}, {StrideY}, 1) spans {length} elements; a span holds at most {int.MaxValue}.");
        }
    }

    /// <summary>Number of elements in the view.</summary>
    public long Count => (long)Depth * Height * Width;

    /// <summary>True when the view has no gaps, so it is one contiguous span.</summary>
    public bool IsContiguous => (Height <= 1 || StrideY == Width) && (Depth <= 1 || StrideZ == Height * Width);

    /// <summary>Offset of element (z, y, x) after checking every coordinate against the shape.</summary>
    public int OffsetOf(int z, int y, int x)
    {
        if ((uint)z >= (uint)Depth || (uint)y >= (uint)Height || (uint)x >= (uint)Width)
        {
            ThrowIndexOutOfRange(z, y, x);
        }

        return (z * StrideZ) + (y * StrideY) + x;
    }

    /// <summary>Offset of the first element of row (z, y), checked.</summary>
    public int RowOffset(int z, int y)
    {
        if ((uint)z >= (uint)Depth || (uint)y >= (uint)Height)
        {
            ThrowIndexOutOfRange(z, y, 0);
        }

        return (z * StrideZ) + (y * StrideY);
    }

    /// <summary>The layout of a sub-box and the offset of its first element.</summary>
    public (ViewLayout Layout, int Offset) Slice(int z, int y, int x, int depth, int height, int width)
    {
        CheckRange(nameof(z), z, depth, Depth);
        CheckRange(nameof(y), y, height, Height);
        CheckRange(nameof(x), x, width, Width);
        var layout = new ViewLayout(depth, height, width, StrideZ, StrideY);
        int offset = layout.RequiredLength == 0 ? 0 : (z * StrideZ) + (y * StrideY) + x;
        return (layout, offset);
    }

    /// <summary>Throws unless <paramref name="other"/> has the same depth, height and width.</summary>
    public void CheckSameShape(in ViewLayout other, string argumentName)
    {
        if (Depth != other.Depth || Height != other.Height || Width != other.Width)
        {
            throw new ArgumentException($"Shape mismatch: expected ({Depth}, {Height}, {Width}), got ({other.Depth}, {other.Height}, {other.Width}).", argumentName);
        }
    }

    private static void CheckRange(string axis, int start, int length, int size)
    {
        if (start < 0 || length < 0 || (long)start + length > size)
        {
            throw new ArgumentOutOfRangeException(axis, $"Slice [{start}, {(long)start + length}) along {axis} is outside [0, {size}).");
        }
    }

    private void ThrowIndexOutOfRange(int z, int y, int x) =>
        throw new ArgumentOutOfRangeException(nameof(z), $"Index ({z}, {y}, {x}) is outside the view of shape ({Depth}, {Height}, {Width}).");
}
