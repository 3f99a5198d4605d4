using BioImage.Kernels;

namespace BioImage;

/// <summary>The part of an in-memory C-order array (rank 1–3) inside a <see cref="Region"/>, as a 3D view.</summary>
public static class RegionView
{
    /// <summary>
    /// The elements of <paramref name="data"/> (C order, of <paramref name="shape"/>) inside <paramref name="region"/>;
    /// lower ranks get leading axes of extent 1.
    /// </summary>
    public static Span3D<T> Of<T>(Span<T> data, ReadOnlySpan<int> shape, Region region)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (shape.Length is < 1 or > 3 || region.Rank != shape.Length)
        {
            throw new ArgumentException($"Region {region} does not fit an array of {shape.Length} axes (1 to 3 supported).", nameof(region));
        }

        int pad = 3 - shape.Length;
        Span<int> full = [1, 1, 1];
        Span<int> begin = [0, 0, 0];
        Span<int> extent = [1, 1, 1];
        for (int axis = 0; axis < shape.Length; axis++)
        {
            if (region.End[axis] > shape[axis])
            {
                throw new ArgumentOutOfRangeException(nameof(region), $"Region {region} exceeds the array shape ({string.Join(", ", shape.ToArray())}).");
            }

            full[axis + pad] = shape[axis];
            begin[axis + pad] = (int)region.Begin[axis];
            extent[axis + pad] = (int)region.Shape[axis];
        }

        return new Span3D<T>(data, full[0], full[1], full[2]).Slice(begin[0], begin[1], begin[2], extent[0], extent[1], extent[2]);
    }

    /// <summary>The elements of <paramref name="array"/> inside <paramref name="region"/>.</summary>
    public static Span3D<T> Of<T>(NdArray<T> array, Region region)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        return Of(array.Span, array.Shape, region);
    }
}
