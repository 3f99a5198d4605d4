namespace BioImage.Sources;

/// <summary>A region of a rank 1–3 source padded to three axes (leading axes of extent 1), as the 3D views see it.</summary>
/// <param name="Z">First plane.</param>
/// <param name="Y">First row.</param>
/// <param name="X">First column.</param>
/// <param name="Depth">Planes.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
internal readonly record struct Box3(long Z, long Y, long X, int Depth, int Height, int Width)
{
    /// <summary>Pads <paramref name="region"/> to three axes.</summary>
    public static Box3 Of(Region region)
    {
        Span<long> begin = [0, 0, 0];
        Span<long> extent = [1, 1, 1];
        int pad = 3 - region.Rank;
        for (int axis = 0; axis < region.Rank; axis++)
        {
            begin[axis + pad] = region.Begin[axis];
            extent[axis + pad] = region.Shape[axis];
        }

        return new Box3(begin[0], begin[1], begin[2], checked((int)extent[0]), checked((int)extent[1]), checked((int)extent[2]));
    }

    /// <summary>A shape padded to three axes.</summary>
    public static (long Depth, long Height, long Width) ShapeOf(IReadOnlyList<long> shape)
    {
        long Axis(int axis) => axis < 3 - shape.Count ? 1 : shape[axis - (3 - shape.Count)];
        return (Axis(0), Axis(1), Axis(2));
    }
}

/// <summary>The argument checks every source does before a region read or write.</summary>
internal static class SourceAccess
{
    /// <summary>
    /// Checks that <typeparamref name="T"/> is the element type of <paramref name="dtype"/> (byte for bool), that
    /// <paramref name="region"/> lies inside <paramref name="shape"/> and that a view of the given extents holds it.
    /// </summary>
    public static Box3 Check<T>(string name, IReadOnlyList<long> shape, DType dtype, Region region, int depth, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(region);
        bool sameType = typeof(T) == dtype.ClrType() || (typeof(T) == typeof(byte) && dtype == DType.Bool);
        if (!sameType)
        {
            throw new ArgumentException($"{name} holds {dtype.NumpyName()}; it cannot be accessed as {typeof(T).Name}.", nameof(T));
        }

        if (region.Rank != shape.Count || shape.Count > 3)
        {
            throw new ArgumentException($"Region {region} has {region.Rank} axes; {name} has shape ({string.Join(", ", shape)}).", nameof(region));
        }

        if (!Region.FromShape(shape.ToArray()).Contains(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"Region {region} is outside {name} of shape ({string.Join(", ", shape)}).");
        }

        var box = Box3.Of(region);
        return (box.Depth, box.Height, box.Width) == (depth, height, width)
            ? box
            : throw new ArgumentException($"Region {region} does not match a view of ({depth}, {height}, {width}) for {name}.", nameof(region));
    }

    /// <summary>Checks the spec of a single-volume, read-only format: no key (or "data") and mode "r".</summary>
    public static void RequireSingleReadOnlyVolume(SourceSpec spec, string format)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Key is not (null or "" or "data"))
        {
            throw new ArgumentException($"{spec.Path} is a single {format} volume; its only key is \"data\" (got '{spec.Key}').", nameof(spec));
        }

        if (spec.Mode != "r")
        {
            throw ReadOnly(spec.Path, format);
        }
    }

    /// <summary>The exception for writing to a read-only source.</summary>
    public static NotSupportedException ReadOnly(string name, string format) =>
        new($"{name} is a read-only {format} source; write the result to Zarr, N5 or npy instead (bioimage copy converts).");
}
