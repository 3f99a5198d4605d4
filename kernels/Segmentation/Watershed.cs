using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Seeded watershed by priority flooding — <c>skimage.segmentation.watershed(image, markers, connectivity, mask,
/// compactness)</c> of scikit-image 0.19, voxel for voxel, including its tie-breaking on plateaus.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm (Beucher and Meyer's flooding with a priority queue; Soille 1990 for ordering ties by entry time, as
/// skimage documents): every seed voxel enters a <see cref="FloodQueue"/> keyed on (height, age 0) in raster order.
/// The voxel popped next labels each unlabelled in-mask neighbour with its own label at once and pushes it with its
/// own height and the next age, so on a plateau the voxels nearest a seed (in queue time) win. Neighbours are
/// visited in skimage's order (<c>_offsets_to_raveled_neighbors</c>: sorted by distance with numpy 1.24's unstable
/// quicksort, reproduced in <see cref="Neighbourhood"/>), and the heap has skimage's sift rules, so even seeds of
/// equal height are popped in the same order. Heights are compared as float64 (skimage casts the image).
/// </para>
/// <para>
/// Compact watershed (Neubert and Protzel, ICPR 2014), <c>compactness &gt; 0</c>: the priority is
/// <c>height + compactness · distance to the seed the voxel was reached from</c>, and a voxel is labelled when it is
/// popped (the first pop wins), not when it is pushed.
/// </para>
/// <para>
/// Seeds outside the mask are removed (set to 0) and voxels outside the mask stay 0, as in skimage
/// (<c>markers * mask</c>); voxels no seed can reach stay 0. O(n log q) time for a queue of at most q voxels.
/// </para>
/// </remarks>
public static class Watershed
{
    /// <summary>
    /// Floods <paramref name="heights"/> from the seeds in <paramref name="labels"/> (nonzero voxels) and writes the
    /// basins into <paramref name="labels"/>.
    /// </summary>
    /// <param name="heights">The height map (any real or integer type; compared as float64).</param>
    /// <param name="labels">On entry the seeds (0 = no seed), on exit the labels.</param>
    /// <param name="connectivity">1 (6-neighbourhood), 2 (18) or 3 (26).</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded (empty for all).</param>
    /// <param name="compactness">0 for the classic watershed; &gt; 0 for the compact watershed.</param>
    public static void Seeded<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, int connectivity = 1, ReadOnlySpan3D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Check(heights.Layout, labels.Layout, mask, connectivity, 3, compactness);
        Flood(heights, labels, Neighbourhood.Of(3, connectivity), mask, compactness);
    }

    /// <summary>The same with the seeds given separately, in any integer type; they are copied into <paramref name="labels"/> first.</summary>
    /// <param name="heights">The height map (any real or integer type; compared as float64).</param>
    /// <param name="seeds">The seeds (0 = no seed); each must fit in <typeparamref name="TLabel"/>.</param>
    /// <param name="labels">Output: the labels.</param>
    /// <param name="connectivity">1 (6-neighbourhood), 2 (18) or 3 (26).</param>
    /// <param name="mask">Optional: only voxels where it is true are flooded (empty for all).</param>
    /// <param name="compactness">0 for the classic watershed; &gt; 0 for the compact watershed.</param>
    public static void Seeded<THeight, TSeed, TLabel>(ReadOnlySpan3D<THeight> heights, ReadOnlySpan3D<TSeed> seeds, Span3D<TLabel> labels, int connectivity = 1, ReadOnlySpan3D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        seeds.Layout.CheckSameShape(labels.Layout, nameof(seeds));
        CopySeeds(seeds, labels);
        Seeded(heights, labels, connectivity, mask, compactness);
    }

    /// <summary>2D: floods from the seeds in <paramref name="labels"/>; connectivity 1 (4-neighbourhood) or 2 (8).</summary>
    /// <inheritdoc cref="Seeded{THeight, TLabel}(ReadOnlySpan3D{THeight}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double)"/>
    public static void Seeded<THeight, TLabel>(ReadOnlySpan2D<THeight> heights, Span2D<TLabel> labels, int connectivity = 1, ReadOnlySpan2D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        Check(heights.AsSpan3D().Layout, labels.AsSpan3D().Layout, mask.AsSpan3D(), connectivity, 2, compactness);
        Flood(heights.AsSpan3D(), labels.AsSpan3D(), Neighbourhood.Of(2, connectivity), mask.AsSpan3D(), compactness);
    }

    /// <summary>2D with the seeds given separately.</summary>
    /// <inheritdoc cref="Seeded{THeight, TSeed, TLabel}(ReadOnlySpan3D{THeight}, ReadOnlySpan3D{TSeed}, Span3D{TLabel}, int, ReadOnlySpan3D{bool}, double)"/>
    public static void Seeded<THeight, TSeed, TLabel>(ReadOnlySpan2D<THeight> heights, ReadOnlySpan2D<TSeed> seeds, Span2D<TLabel> labels, int connectivity = 1, ReadOnlySpan2D<bool> mask = default, double compactness = 0)
        where THeight : unmanaged, INumber<THeight>
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        seeds.AsSpan3D().Layout.CheckSameShape(labels.AsSpan3D().Layout, nameof(seeds));
        CopySeeds(seeds.AsSpan3D(), labels.AsSpan3D());
        Seeded(heights, labels, connectivity, mask, compactness);
    }

    private static void Check(ViewLayout heights, ViewLayout labels, ReadOnlySpan3D<bool> mask, int connectivity, int rank, double compactness)
    {
        heights.CheckSameShape(labels, nameof(labels));
        if (!mask.IsEmpty)
        {
            heights.CheckSameShape(mask.Layout, nameof(mask));
        }

        if (connectivity < 1 || connectivity > rank)
        {
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"Connectivity must be in 1..{rank} for a {rank}D image.");
        }

        if (!(compactness >= 0) || double.IsInfinity(compactness))
        {
            throw new ArgumentOutOfRangeException(nameof(compactness), compactness, "Compactness must be finite and not negative.");
        }
    }

    private static void CopySeeds<TSeed, TLabel>(ReadOnlySpan3D<TSeed> seeds, Span3D<TLabel> labels)
        where TSeed : unmanaged, IBinaryInteger<TSeed>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        for (int z = 0; z < seeds.Depth; z++)
        {
            for (int y = 0; y < seeds.Height; y++)
            {
                var source = seeds.GetRowSpan(z, y);
                var target = labels.GetRowSpan(z, y);
                for (int x = 0; x < source.Length; x++)
                {
                    target[x] = TLabel.CreateSaturating(source[x]) is var label && TSeed.CreateSaturating(label) == source[x]
                        ? label
                        : throw new OverflowException($"Seed {source[x]} at ({z}, {y}, {x}) does not fit in {typeof(TLabel).Name} labels.");
                }
            }
        }
    }

    private static void Flood<THeight, TLabel>(ReadOnlySpan3D<THeight> heights, Span3D<TLabel> labels, (int Z, int Y, int X)[] offsets, ReadOnlySpan3D<bool> mask, double compactness)
        where THeight : unmanaged, INumber<THeight>
        where TLabel : unmanaged, IBinaryInteger<TLabel>
    {
        int depth = heights.Depth, height = heights.Height, width = heights.Width;
        int plane = height * width;
        bool masked = !mask.IsEmpty;
        bool compact = compactness > 0;
        using var queue = new FloodQueue();

        // Seeds in raster order, age 0; seeds outside the mask are removed.
        for (int z = 0; z < depth; z++)
        {
            for (int y = 0; y < height; y++)
            {
                var row = labels.GetRowSpan(z, y);
                var heightRow = heights.GetRowSpan(z, y);
                var maskRow = masked ? mask.GetRowSpan(z, y) : default;
                for (int x = 0; x < width; x++)
                {
                    if (row[x] == TLabel.Zero)
                    {
                        continue;
                    }

                    if (masked && !maskRow[x])
                    {
                        row[x] = TLabel.Zero;
                        continue;
                    }

                    int index = (z * plane) + (y * width) + x;
                    queue.Push(new FloodItem(double.CreateTruncating(heightRow[x]), 0, index, index));
                }
            }
        }

        int age = 1;
        while (queue.Count > 0)
        {
            var item = queue.Pop();
            var (z, y, x) = Coordinates(item.Index, plane, width);
            ref TLabel here = ref labels.DangerousGetReferenceAt(z, y, x);
            (int Z, int Y, int X) source = default;
            if (compact)
            {
                source = Coordinates(item.Source, plane, width);
                if (here != TLabel.Zero && item.Index != item.Source)
                {
                    continue;
                }

                here = labels.DangerousGetReferenceAt(source.Z, source.Y, source.X);
            }

            TLabel label = here;
            foreach (var (dz, dy, dx) in offsets)
            {
                int nz = z + dz, ny = y + dy, nx = x + dx;
                if ((uint)nz >= (uint)depth || (uint)ny >= (uint)height || (uint)nx >= (uint)width)
                {
                    continue;
                }

                ref TLabel neighbour = ref labels.DangerousGetReferenceAt(nz, ny, nx);
                if (neighbour != TLabel.Zero || (masked && !mask.DangerousGetReferenceAt(nz, ny, nx)))
                {
                    continue;
                }

                age++;
                double priority = double.CreateTruncating(heights.DangerousGetReferenceAt(nz, ny, nx));
                if (compact)
                {
                    double distanceZ = nz - source.Z, distanceY = ny - source.Y, distanceX = nx - source.X;
                    priority += compactness * Math.Sqrt((distanceZ * distanceZ) + (distanceY * distanceY) + (distanceX * distanceX));
                }
                else
                {
                    neighbour = label;
                }

                queue.Push(new FloodItem(priority, age, (nz * plane) + (ny * width) + nx, item.Source));
            }
        }
    }

    private static (int Z, int Y, int X) Coordinates(int index, int plane, int width)
    {
        int z = Math.DivRem(index, plane, out int rest);
        int y = Math.DivRem(rest, width, out int x);
        return (z, y, x);
    }
}
