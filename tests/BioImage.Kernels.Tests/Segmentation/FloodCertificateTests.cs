namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// <see cref="FloodCertificate"/> on hand-flooded rows of nine voxels with seeds at both ends: it accepts the true
/// levels and labels and rejects each kind of wrong cell, both in the four-voxel vector group (x = 4..7) and in the
/// scalar voxels next to a seed (x = 1..3); and where two passes of equal height tie, it accepts skimage's label only
/// when the levels decide it (<see cref="FloodTies"/>).
/// </summary>
public class FloodCertificateTests
{
    // Seeds at x = 0 (label 1) and x = 8 (label 2); x = 5 is the ridge. Levels are the minimax heights from a seed.
    private static readonly float[] Heights = [0, 3, 1, 4, 2, 9, 5, 6, 0.5f];
    private static readonly float[] Levels = [0, 3, 3, 4, 4, 9, 6, 6, 0.5f];
    private static readonly uint[] Owners = [1, 1, 1, 1, 1, 1, 2, 2, 2];

    /// <summary>Rows with a voxel between two passes of height 5 of different labels, as skimage floods them.</summary>
    private static readonly (float[] Heights, float[] Levels, uint[] Owners)[] TiedRows =
    [
        ([0, 1, 5, 9, 5, 2, 1.5f, 1, 0.5f], [0, 1, 5, 9, 5, 2, 1.5f, 1, 0.5f], [1, 1, 1, 1, 2, 2, 2, 2, 2]),
        ([0.5f, 1, 1.5f, 2, 5, 9, 5, 1, 0], [0.5f, 1, 1.5f, 2, 5, 9, 5, 1, 0], [1, 1, 1, 1, 1, 2, 2, 2, 2]),
        ([0, 1, 5, 3, 9, 5, 2, 1.5f, 0.5f], [0, 1, 5, 5, 9, 5, 2, 1.5f, 0.5f], [1, 1, 1, 1, 1, 2, 2, 2, 2]),
    ];

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

    [Theory]
    [InlineData(0, 3)]
    [InlineData(1, 5)]
    [InlineData(2, 4)]
    public void Settles_passes_of_equal_height_by_the_water_level_that_pushed_them(int row, int tied)
    {
        // Two passes of height 5 beside the tied voxel: the one pushed when the water stood lower pops first and
        // labels it (row 2: through a lake of height 3 behind it). Accepted as flooded, rejected with the other label.
        var (heights, levels, owners) = TiedRows[row];
        Assert.True(Check(heights, levels, owners, _ => { }));
        Assert.False(Check(heights, levels, owners, cells => cells[Cell(heights, tied)] = ((ulong)(3 - owners[tied]) << 32) | (uint)cells[Cell(heights, tied)]));
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    public void Rejects_passes_of_equal_height_pushed_at_the_same_water_level(uint label)
    {
        // Both passes were pushed at water level 1; only their push order (skimage: label 1) would settle x = 3.
        float[] heights = [0, 1, 5, 9, 5, 1, 0.25f];
        Assert.False(Check(heights, heights, [1, 1, 1, label, 2, 2, 2], _ => { }));
    }

    private static int Cell(int x) => Cell(Heights, x);

    private static int Cell(float[] heights, int x) => new GridLayout(1, 1, heights.Length).Cell(0, 0, x);

    private static bool Check(Action<ulong[]> change) => Check(Heights, Levels, Owners, change);

    /// <summary>The certificate on a flooded row with seeds at both ends, after <paramref name="change"/>.</summary>
    private static bool Check(float[] heights, float[] levels, uint[] owners, Action<ulong[]> change)
    {
        var grid = new GridLayout(1, 1, heights.Length);
        var cells = Enumerable.Repeat(FloodGrid.BlockedCell, (int)grid.CellCount).ToArray();
        var seeds = new ulong[grid.WordCount];
        for (int x = 0; x < heights.Length; x++)
        {
            cells[Cell(heights, x)] = ((ulong)owners[x] << 32) | FloodGrid.Key(levels[x]);
        }

        foreach (int x in new[] { 0, heights.Length - 1 })
        {
            seeds[Cell(heights, x) >> 6] |= 1UL << Cell(heights, x);
        }

        change(cells);
        return FloodCertificate.Holds(new ReadOnlySpan3D<float>(heights, 1, 1, heights.Length), cells, seeds, Neighbourhood.Of(3, 1));
    }
}
