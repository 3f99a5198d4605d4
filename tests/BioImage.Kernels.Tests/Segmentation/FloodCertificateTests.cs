namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// <see cref="FloodCertificate"/> on a hand-flooded row of nine voxels with seeds at both ends: it accepts the true
/// levels and labels and rejects each kind of wrong cell, both in the four-voxel vector group (x = 4..7) and in the
/// scalar voxels next to a seed (x = 1..3).
/// </summary>
public class FloodCertificateTests
{
    // Seeds at x = 0 (label 1) and x = 8 (label 2); x = 5 is the ridge. Levels are the minimax heights from a seed.
    private static readonly float[] Heights = [0, 3, 1, 4, 2, 9, 5, 6, 0.5f];
    private static readonly float[] Levels = [0, 3, 3, 4, 4, 9, 6, 6, 0.5f];
    private static readonly uint[] Owners = [1, 1, 1, 1, 1, 1, 2, 2, 2];

    [Fact]
    public void Accepts_the_true_flood()
    {
        Assert.True(Check(_ => { }));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(2)]
    public void Rejects_a_voxel_labelled_from_a_neighbour_that_is_not_its_lowest(int x)
    {
        Assert.False(Check(cells => cells[Cell(x)] = ((ulong)(3 - Owners[x]) << 32) | (uint)cells[Cell(x)]));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public void Rejects_a_level_that_is_not_the_minimax_height(int x)
    {
        Assert.False(Check(cells => cells[Cell(x)] = (cells[Cell(x)] & FloodGrid.OwnerMask) | FloodGrid.Key(Levels[x] + 0.25f)));
    }

    [Fact]
    public void Rejects_a_seed_whose_level_is_not_its_height()
    {
        Assert.False(Check(cells => cells[Cell(8)] = (cells[Cell(8)] & FloodGrid.OwnerMask) | FloodGrid.Key(1f)));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(1)]
    public void Rejects_a_free_voxel_next_to_a_flooded_one(int x)
    {
        Assert.False(Check(cells => cells[Cell(x)] = FloodGrid.Key(Heights[x])));
    }

    [Fact]
    public void Rejects_least_neighbours_of_different_labels()
    {
        // x = 5 between two neighbours at level 4 of labels 1 and 2: only skimage's order could settle it.
        Assert.False(Check(cells =>
        {
            cells[Cell(6)] = (2UL << 32) | FloodGrid.Key(4f);
            cells[Cell(7)] = (2UL << 32) | FloodGrid.Key(4f);
        }));
    }

    private static int Cell(int x) => new GridLayout(1, 1, Heights.Length).Cell(0, 0, x);

    private static bool Check(Action<ulong[]> change)
    {
        var grid = new GridLayout(1, 1, Heights.Length);
        var cells = Enumerable.Repeat(FloodGrid.BlockedCell, (int)grid.CellCount).ToArray();
        var seeds = new ulong[grid.WordCount];
        for (int x = 0; x < Heights.Length; x++)
        {
            cells[Cell(x)] = ((ulong)Owners[x] << 32) | FloodGrid.Key(Levels[x]);
        }

        foreach (int x in new[] { 0, Heights.Length - 1 })
        {
            seeds[Cell(x) >> 6] |= 1UL << Cell(x);
        }

        change(cells);
        return FloodCertificate.Holds(new ReadOnlySpan3D<float>(Heights, 1, 1, Heights.Length), cells, seeds, Neighbourhood.Of(3, 1));
    }
}
