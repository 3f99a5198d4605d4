namespace BioImage.Kernels.Tests.Segmentation;

/// <summary>
/// <see cref="FloodTies.Budget"/>: replays draw on it until it is spent, and a spent budget stays spent (the ties are
/// then left undecided and the flood runs again in one piece). The replays themselves are checked through
/// <see cref="FloodCertificateTests"/> and the slab tests of <see cref="WatershedTests"/>.
/// </summary>
public class FloodTiesTests
{
    [Fact]
    public void A_budget_refuses_what_it_does_not_have_and_stays_spent()
    {
        var budget = new FloodTies.Budget(10);
        Assert.True(budget.TrySpend(4));
        Assert.True(budget.TrySpend(6));
        Assert.False(budget.Spent);
        Assert.False(budget.TrySpend(1));
        Assert.True(budget.Spent);
        Assert.False(budget.TrySpend(0));

        var plateau = new FloodTies.Budget(1 << 20);
        plateau.Exhaust();
        Assert.True(plateau.Spent);
        Assert.False(plateau.TrySpend(1));
    }

    [Fact]
    public void A_flood_budget_grows_with_the_grid_from_a_floor()
    {
        long Left(GridLayout grid)
        {
            var budget = FloodTies.Budget.For(grid);
            long spent = 0;
            while (budget.TrySpend(1 << 12))
            {
                spent += 1 << 12;
            }

            return spent;
        }

        Assert.Equal(Left(new GridLayout(8, 8, 8)), Left(new GridLayout(16, 16, 16)));
        Assert.True(Left(new GridLayout(256, 256, 256)) > 4 * Left(new GridLayout(16, 16, 16)));
    }
}
