namespace BioImage.Benchmarks;

/// <summary>A volume shape (z, y, x) as a benchmark parameter, displayed as <c>64x64x64</c>.</summary>
/// <param name="Depth">Planes.</param>
/// <param name="Height">Rows per plane.</param>
/// <param name="Width">Voxels per row.</param>
public sealed record VolumeShape(int Depth, int Height, int Width)
{
    /// <summary>
    /// The shapes every suite runs on: the two usual block shapes, 64³ and 128³, and 99×101×103, whose rows and
    /// total length leave a remainder for every vector width (odd extents, odd voxel count).
    /// </summary>
    public static IReadOnlyList<VolumeShape> Standard { get; } = [new(64, 64, 64), new(128, 128, 128), new(99, 101, 103)];

    /// <summary>The extents as an array (z, y, x).</summary>
    public int[] Extents => [Depth, Height, Width];

    /// <inheritdoc/>
    public override string ToString() => $"{Depth}x{Height}x{Width}";
}
