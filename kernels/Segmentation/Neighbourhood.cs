namespace BioImage.Kernels;

/// <summary>
/// The neighbour offsets (dz, dy, dx) of scipy's <c>generate_binary_structure(rank, connectivity)</c> in the order
/// scikit-image 0.19's watershed visits them: <c>_offsets_to_raveled_neighbors</c> sorts the footprint's offsets
/// by distance with numpy's default (unstable) quicksort, which for 19 and 27 offsets (numpy 1.24's introsort)
/// leaves equal distances in the order listed here. The order decides ties on plateaus, so it is part of the
/// result; a test compares these tables with the live skimage function.
/// </summary>
internal static class Neighbourhood
{
    private static readonly (int Z, int Y, int X)[] Planar4 = [(0, -1, 0), (0, 0, -1), (0, 0, 1), (0, 1, 0)];

    private static readonly (int Z, int Y, int X)[] Planar8 =
        [(0, -1, 0), (0, 0, -1), (0, 0, 1), (0, 1, 0), (0, -1, -1), (0, -1, 1), (0, 1, -1), (0, 1, 1)];

    private static readonly (int Z, int Y, int X)[] Faces = [(-1, 0, 0), (0, -1, 0), (0, 0, -1), (0, 0, 1), (0, 1, 0), (1, 0, 0)];

    private static readonly (int Z, int Y, int X)[] FacesAndEdges =
    [
        (1, 0, 0), (-1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1),
        (1, 0, -1), (1, -1, 0), (0, 1, 1), (0, 1, -1), (-1, -1, 0), (0, -1, 1),
        (0, -1, -1), (-1, 1, 0), (-1, 0, 1), (-1, 0, -1), (1, 0, 1), (1, 1, 0),
    ];

    private static readonly (int Z, int Y, int X)[] Full =
    [
        (0, 1, 0), (-1, 0, 0), (0, 0, 1), (0, 0, -1), (1, 0, 0), (0, -1, 0),
        (0, 1, 1), (0, 1, -1), (1, 1, 0), (0, -1, 1), (0, -1, -1), (-1, 1, 0),
        (1, 0, 1), (-1, 0, 1), (-1, 0, -1), (-1, -1, 0), (1, 0, -1), (1, -1, 0),
        (1, 1, -1), (-1, -1, -1), (1, -1, -1), (-1, 1, 1), (-1, 1, -1), (-1, -1, 1), (1, -1, 1), (1, 1, 1),
    ];

    /// <summary>The offsets for a <paramref name="rank"/>-D image (2 or 3) and connectivity 1..rank.</summary>
    public static (int Z, int Y, int X)[] Of(int rank, int connectivity) => (rank, connectivity) switch
    {
        (2, 1) => Planar4,
        (2, 2) => Planar8,
        (3, 1) => Faces,
        (3, 2) => FacesAndEdges,
        (3, 3) => Full,
        _ => throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, $"Connectivity must be in 1..{rank} for a {rank}D image."),
    };
}
