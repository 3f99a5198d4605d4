using System.Globalization;

namespace BioImage.Kernels.Tests.Evaluation;

/// <summary>The adapted Rand error against skimage.metrics.adapted_rand_error, called at test time.</summary>
public class AdaptedRandErrorTests
{
    [Theory]
    [InlineData(1, 6, 9, true)]
    [InlineData(2, 40, 3, true)]
    [InlineData(3, 5, 200, false)]
    public void Equals_skimage(int seed, int trueLabels, int testLabels, bool withBackground)
    {
        var random = new Random(seed);
        int n = 7 * 11 * 13;
        var truth = new ulong[n];
        var test = new int[n];
        for (int i = 0; i < n; i++)
        {
            // Correlated labels: the test mostly follows the truth, with random splits and merges.
            truth[i] = (ulong)(withBackground && random.Next(5) == 0 ? 0 : 1 + (i * trueLabels / n));
            test[i] = random.Next(4) == 0 ? random.Next(testLabels) : (int)(truth[i] % (ulong)testLabels);
        }

        using var exchange = new NumpyExchange();
        exchange.Put("truth", truth, 7, 11, 13);
        exchange.Put("test", test, 7, 11, 13);
        string output = exchange.Run("""
            from skimage.metrics import adapted_rand_error
            print(*adapted_rand_error(load('truth'), load('test')))
            """);
        double[] expected = [.. output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        var (error, precision, recall) = AdaptedRandError.Compute<ulong, int>(truth, test);
        Assert.Equal(expected[0], error, 1e-12);
        Assert.Equal(expected[1], precision, 1e-12);
        Assert.Equal(expected[2], recall, 1e-12);
    }

    [Fact]
    public void Identical_segmentations_score_zero_and_lengths_must_match()
    {
        uint[] labels = [1, 1, 2, 2, 3, 0, 3];
        Assert.Equal(0, AdaptedRandError.Compute<uint, uint>(labels, labels).Error);
        Assert.Equal(0, AdaptedRandError.Compute<uint, ushort>(labels, [5, 5, 9, 9, 4, 4, 4]).Error);
        Assert.Throws<ArgumentException>(() => AdaptedRandError.Compute<uint, uint>(labels, [1, 2]));
    }
}
