namespace BioImage.Kernels;

/// <summary>
/// Surface area of a 3D binary object as bioimage-py measures it: <c>mesh_surface_area(marching_cubes(pad(mask, 1),
/// level=0.5, spacing))</c> with scikit-image's Lewiner marching cubes.
/// </summary>
/// <remarks>
/// On 0/1 data at level 0.5 every vertex is an edge midpoint and the triangles of a cube depend on its 8 corners only
/// (<see cref="BinaryMarchingCubesTable"/>), so the mesh area is Σ over the 256 corner patterns of (cubes with that
/// pattern) × (area of its triangles at the given spacing, Σ ½‖(v₀ − v₁) × (v₀ − v₂)‖). One pass counts the patterns
/// of the (d + 1)(h + 1)(w + 1) cubes of the zero-padded mask; the areas are summed in double precision. scikit-image
/// keeps unit-spacing vertices in float32 and sums in float32, so its areas differ from these by about 1e-6 relative
/// (with other spacings it computes in float64). O(voxels + 256 · triangles).
/// </remarks>
public static class BinarySurface
{
    /// <summary>The Lewiner marching-cubes surface area of <paramref name="mask"/> padded by one background voxel.</summary>
    /// <param name="mask">The object (z, y, x).</param>
    /// <param name="spacing">Voxel size (z, y, x), each positive.</param>
    public static double Area(ReadOnlySpan3D<bool> mask, ReadOnlySpan<double> spacing)
    {
        if (spacing.Length != 3)
        {
            throw new ArgumentException($"spacing needs 3 values (z, y, x); got {spacing.Length}.", nameof(spacing));
        }

        var counts = new long[256];
        int depth = mask.Depth, height = mask.Height, width = mask.Width;
        for (int z = -1; z < depth; z++)
        {
            for (int y = -1; y < height; y++)
            {
                for (int x = -1; x < width; x++)
                {
                    int pattern = 0;
                    for (int corner = 0; corner < 8; corner++)
                    {
                        int cz = z + (corner >> 2), cy = y + ((corner >> 1) & 1), cx = x + (corner & 1);
                        bool inside = (uint)cz < (uint)depth && (uint)cy < (uint)height && (uint)cx < (uint)width && mask[cz, cy, cx];
                        pattern |= inside ? 1 << corner : 0;
                    }

                    counts[pattern]++;
                }
            }
        }

        double area = 0;
        for (int pattern = 1; pattern < 255; pattern++)
        {
            area += counts[pattern] == 0 ? 0 : counts[pattern] * PatternArea(pattern, spacing);
        }

        return area;
    }

    /// <summary>The area of the triangles of one corner pattern at <paramref name="spacing"/>.</summary>
    private static double PatternArea(int pattern, ReadOnlySpan<double> spacing)
    {
        string triangles = BinaryMarchingCubesTable.Triangles[pattern];
        double area = 0;
        for (int t = 0; t < triangles.Length; t += 3)
        {
            var (az, ay, ax) = Vertex(triangles[t], spacing);
            var (bz, by, bx) = Vertex(triangles[t + 1], spacing);
            var (cz, cy, cx) = Vertex(triangles[t + 2], spacing);
            double uz = az - bz, uy = ay - by, ux = ax - bx, vz = az - cz, vy = ay - cy, vx = ax - cx;
            double nz = (uy * vx) - (ux * vy), ny = (ux * vz) - (uz * vx), nx = (uz * vy) - (uy * vz);
            area += Math.Sqrt((nz * nz) + (ny * ny) + (nx * nx)) / 2;
        }

        return area;
    }

    private static (double Z, double Y, double X) Vertex(char code, ReadOnlySpan<double> spacing)
    {
        int index = code - 'A';
        return (index / 9 * 0.5 * spacing[0], index / 3 % 3 * 0.5 * spacing[1], index % 3 * 0.5 * spacing[2]);
    }
}
