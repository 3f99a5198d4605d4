namespace BioImage.Kernels.Tests.Segmentation;

/// <summary><see cref="HeightRanks"/> against numpy's dense ranks (<c>np.unique(x, return_inverse=True)</c>), on odd lengths with ties, −0/+0 and infinities.</summary>
public class HeightRanksTests
{
    [Fact]
    public void Equal_numpys_unique_inverse()
    {
        var random = new Random(5);
        int[] lengths = [1, 2, 7, 1001, 40_003];
        var inputs = lengths.Select(length => Enumerable.Range(0, length).Select(i => (i % 11) switch
        {
            0 => 0.0,
            1 => -0.0,
            2 => double.PositiveInfinity,
            3 => double.NegativeInfinity,
            4 => Math.Round(random.NextDouble() * 8) / 8,
            5 => -1e-300 * random.Next(3),
            _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)),
        }).ToArray()).ToArray();
        using var exchange = new NumpyExchange();
        for (int i = 0; i < inputs.Length; i++)
        {
            exchange.Put($"x{i}", inputs[i], inputs[i].Length);
        }

        exchange.Run($$"""
            for i in range({{inputs.Length}}):
                save(f'r{i}', np.unique(load(f'x{i}'), return_inverse=True)[1].astype(np.uint32))
            """);
        for (int i = 0; i < inputs.Length; i++)
        {
            int count = inputs[i].Length;
            var buffer = new double[(3 * count) + 1];
            inputs[i].CopyTo(buffer, 0);
            Assert.True(HeightRanks.TryRank(buffer, count));
            var ranks = System.Runtime.InteropServices.MemoryMarshal.Cast<double, uint>(buffer.AsSpan())[..count].ToArray();
            Assert.Equal(exchange.Get<uint>($"r{i}"), ranks);
        }
    }

    [Fact]
    public void NaN_is_refused_and_the_heights_kept()
    {
        double[] heights = [0.5, double.NaN, 0.25];
        var buffer = new double[10];
        heights.CopyTo(buffer, 0);
        Assert.False(HeightRanks.TryRank(buffer, heights.Length));
        Assert.Equal(heights, buffer[..3]);
        Assert.Throws<ArgumentException>(() => HeightRanks.TryRank(new double[9], 3));
    }
}
